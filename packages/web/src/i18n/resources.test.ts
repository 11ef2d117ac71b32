import { errorCodes } from '@feige/protocol';
import { describe, expect, it } from 'vitest';
import { errorKeys } from './errors';
import { resources } from './resources';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [k, v] of leaves(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/gu)].map((m) => m[1]).sort();

describe('translations', () => {
  const en = leaves(resources.en.translation);
  const zh = leaves(resources['zh-CN'].translation);

  it('have no empty strings', () => {
    for (const [key, text] of [...en, ...zh]) expect(text.trim(), key).not.toBe('');
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of en) expect(placeholders(zh.get(key) ?? ''), key).toEqual(placeholders(text));
  });

  it('have a text for every error code in both languages', () => {
    for (const code of errorCodes) {
      const key = errorKeys[code];
      expect(en.has(key), `${code} en`).toBe(true);
      expect(zh.has(key), `${code} zh-CN`).toBe(true);
    }
  });
});
