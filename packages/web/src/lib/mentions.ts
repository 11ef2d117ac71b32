import { usernameKey, type MemberDto, type MentionsDto } from '@feige/protocol';

/** Characters of a username (the server finds mentions with the same class). */
const nameChar = String.raw`[\p{L}\p{M}\p{N}_.\-]`;

/** `@` (or the full-width `＠`) at the start or after anything but an ASCII word character (Chinese runs into mentions), then the name typed so far. */
const queryPattern = new RegExp(String.raw`(?:^|[^A-Za-z0-9_.\-])[@＠](${nameChar}*)$`, 'u');

/** Mentions inside a message's text, as the server finds them. */
const mentionPattern = new RegExp(String.raw`(?<![A-Za-z0-9_.\-])[@＠](${nameChar}+)`, 'gu');

/** Words that mean everyone (the server accepts these after @). */
export const everyoneWords: ReadonlySet<string> = new Set(['all', '所有人', 'everyone']);

/** Suggestions shown at once, at most. */
export const maxSuggestions = 8;

export interface MentionQuery {
  /** Index of the `@` in the text. */
  start: number;
  /** What follows the `@` up to the caret. */
  query: string;
}

/** The mention being typed at `caret`, if any. */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  const match = queryPattern.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[1] ?? '';
  return { start: caret - query.length - 1, query };
}

export type MentionOption = { kind: 'all' } | { kind: 'member'; member: MemberDto };

/**
 * Members matching what was typed after `@`: by username, display name or group nickname, prefix matches first.
 * Admins also get "@all" (the server refuses it from others).
 */
export function mentionOptions(members: readonly MemberDto[], query: string, meId: string | null, canMentionAll: boolean): MentionOption[] {
  const q = query.toLocaleLowerCase();
  const scored: { option: MentionOption; score: number }[] = [];
  if (canMentionAll && (q === '' || [...everyoneWords].some((w) => w.startsWith(q)))) scored.push({ option: { kind: 'all' }, score: -1 });
  for (const member of members) {
    if (member.user.id === meId) continue;
    const fields = [member.user.username, member.user.displayName, member.nickname].filter(Boolean).map((f) => f.toLocaleLowerCase());
    const score = fields.some((f) => f.startsWith(q)) ? 0 : fields.some((f) => f.includes(q)) ? 1 : null;
    if (score !== null) scored.push({ option: { kind: 'member', member }, score });
  }
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, maxSuggestions)
    .map((s) => s.option);
}

/** What an option puts into the text, trailing space included. */
export function mentionInsertText(option: MentionOption): string {
  return option.kind === 'all' ? '@all ' : `@${option.member.user.username} `;
}

export type TextSegment = { text: string; mention: false } | { text: string; mention: true; me: boolean };

/**
 * Split a message's text so the mentions the server recorded can be highlighted. `usernames` maps username keys to
 * user ids (from the member list); a name that matches no recorded mention stays plain text.
 */
export function segmentMentions(
  text: string,
  mentions: MentionsDto | undefined,
  usernames: ReadonlyMap<string, string>,
  meId: string | null,
): TextSegment[] {
  if (!mentions) return [{ text, mention: false }];
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(mentionPattern)) {
    const raw = match[1] ?? '';
    // As on the server, a trailing `.` or `-` belongs to the sentence ("thanks @alice.").
    for (const name of [raw, raw.replace(/[.-]+$/u, '')]) {
      const key = usernameKey(name);
      const userId = usernames.get(key);
      const everyone = everyoneWords.has(key) && mentions.all;
      if (!everyone && !(userId && mentions.userIds.includes(userId))) continue;
      const start = match.index;
      const end = start + 1 + name.length;
      if (start > last) segments.push({ text: text.slice(last, start), mention: false });
      segments.push({ text: text.slice(start, end), mention: true, me: everyone || userId === meId });
      last = end;
      break;
    }
  }
  if (last < text.length) segments.push({ text: text.slice(last), mention: false });
  return segments;
}
