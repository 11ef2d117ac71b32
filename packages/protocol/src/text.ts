/**
 * Text rules shared by server and clients. Message text is kept exactly as sent (no normalisation), so what a user
 * typed round-trips byte for byte; only characters that have no business in chat text are refused.
 */

/** C0 controls except tab, line feed and carriage return; DEL; C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const forbiddenControl = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;

export type TextProblem = 'control_character' | 'lone_surrogate';

/** Why a piece of user text is refused, or null when it is acceptable. */
export function textProblem(text: string): TextProblem | null {
  if (!text.isWellFormed()) return 'lone_surrogate';
  if (forbiddenControl.test(text)) return 'control_character';
  return null;
}

/** Bytes the text takes in UTF-8 (well-formed text; a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * Whether the text shows anything: at least one character that is not white space, an invisible format character
 * (zero-width space, direction marks …), a lone combining mark or a control. A message or name of only those would
 * render as nothing.
 */
export function hasVisibleContent(text: string): boolean {
  // U+2800 (braille blank) and the Hangul fillers are letters or symbols by category but draw nothing.
  return /[^\s\p{Z}\p{Cf}\p{M}\p{Cc}\u2800\u115F\u1160\u3164\uFFA0]/u.test(text);
}

/**
 * Characters a one-line name must not hold: bidirectional overrides, embeddings and isolates (they reverse the text
 * around a name: "evil\u202Eexe.txt"), and runs of more than 8 combining marks (they draw over neighbouring lines).
 */
export function nameProblem(text: string): 'bidi_control' | 'stacked_marks' | null {
  if (/[\u202A-\u202E\u2066-\u2069]/u.test(text)) return 'bidi_control';
  if (/\p{M}{9,}/u.test(text)) return 'stacked_marks';
  return null;
}

/** Usernames that would read as "everyone" in a mention. */
export const reservedUsernames: ReadonlySet<string> = new Set(['all', 'everyone', '所有人']);

/** Usernames: letters of any script, combining marks, digits, `_`, `.` and `-`, after NFKC. */
const usernamePattern = /^[\p{L}\p{M}\p{N}_.-]+$/u;

export function normalizeUsername(raw: string): string {
  return raw.normalize('NFKC').trim();
}

export function isValidUsername(normalized: string): boolean {
  // At least one letter or digit: `...`, `---` or a run of combining marks is no name.
  return (
    usernamePattern.test(normalized) &&
    /[\p{L}\p{N}]/u.test(normalized) &&
    !reservedUsernames.has(normalized.toLowerCase()) &&
    nameProblem(normalized) === null
  );
}

/**
 * The key usernames are unique under: NFKC, then case-folded. `Alice`, `ALICE` and `ａｌｉｃｅ` (full-width) share
 * one key, so only one of them can exist and each finds the others.
 */
export function usernameKey(raw: string): string {
  return normalizeUsername(raw).toLowerCase().normalize('NFKC');
}

/** Length in user-perceived characters (grapheme clusters), so one emoji family counts once. */
export function graphemeLength(text: string): number {
  let count = 0;
  for (const _ of graphemes(text)) count++;
  return count;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function* graphemes(text: string): Iterable<string> {
  for (const { segment } of segmenter.segment(text)) yield segment;
}

/** Cut text to at most `max` grapheme clusters, never splitting an emoji sequence; adds `…` when cut. */
export function truncateGraphemes(text: string, max: number): string {
  let out = '';
  let count = 0;
  for (const g of graphemes(text)) {
    if (count === max) return out + '…';
    out += g;
    count++;
  }
  return out;
}
