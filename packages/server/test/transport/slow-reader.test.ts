import { expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { closeCodes } from '@feige/protocol';
import { Connection, maxBufferedBytes } from '../../src/transport/ws/connection.js';

/** A socket whose unsent backlog the test sets: the kernel's buffers (tens of MB on loopback) make a real one slow to fill. */
function socketWithBacklog() {
  const sent: string[] = [];
  const closes: number[] = [];
  const socket = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    send: (text: string) => sent.push(text),
    close: (code: number) => closes.push(code),
    terminate: () => undefined,
  };
  return { socket, sent, closes };
}

it('drops a reader whose unsent frames pass the limit instead of queueing more, and sends to one below it', () => {
  const { socket, sent, closes } = socketWithBacklog();
  const connection = new Connection(socket as unknown as WebSocket, '127.0.0.1', 0, { tokens: 1, tokensAt: 0 });
  socket.bufferedAmount = maxBufferedBytes;
  connection.sendRaw('{"type":"update"}');
  expect(sent).toEqual(['{"type":"update"}']);
  expect(closes).toEqual([]);

  socket.bufferedAmount = maxBufferedBytes + 1;
  connection.sendRaw('{"type":"update","n":2}');
  connection.sendRaw('{"type":"update","n":3}');
  expect(sent).toHaveLength(1);
  // Closed once, with the code that tells the client to reconnect and catch up by sync.
  expect(closes).toEqual([closeCodes.slowConsumer]);
  expect(connection.closed).toBe(true);
});
