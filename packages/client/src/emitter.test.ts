import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter.js';

type Events = { tick: [n: number] };

describe('Emitter', () => {
  it('stops delivering to a listener once it unsubscribes', () => {
    const emitter = new Emitter<Events>(() => {});
    const seen: number[] = [];
    const off = emitter.on('tick', (n) => seen.push(n));
    emitter.emit('tick', 1);
    off();
    emitter.emit('tick', 2);
    expect(seen).toEqual([1]);
  });

  it('keeps delivering to other listeners when one throws, and reports the error', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<Events>((error) => errors.push(error));
    const seen: number[] = [];
    emitter.on('tick', () => {
      throw new Error('broken view');
    });
    emitter.on('tick', (n) => seen.push(n));
    emitter.emit('tick', 7);
    expect(seen).toEqual([7]);
    expect(errors).toHaveLength(1);
  });
});
