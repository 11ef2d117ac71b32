import { usernameKey, type MentionsDto } from '@feige/protocol';

/** `@name` where name is a run of username characters, at the start or after a non-name character. */
const mentionPattern = /(?<![\p{L}\p{M}\p{N}_.-])@([\p{L}\p{M}\p{N}_.-]+)/gu;

/** Words that mean everyone. */
const everyoneWords = new Set(['all', '所有人', 'everyone']);

/**
 * Finds the mentions in a message: `@username` of a member (any case, any width) and `@all`. A trailing `.` or `-`
 * belongs to the sentence, not the name ("thanks @alice.").
 */
export function parseMentions(text: string, membersByKey: ReadonlyMap<string, string>): MentionsDto | undefined {
  const userIds = new Set<string>();
  let all = false;
  for (const match of text.matchAll(mentionPattern)) {
    const raw = match[1] ?? '';
    for (const candidate of [raw, raw.replace(/[.-]+$/u, '')]) {
      const key = usernameKey(candidate);
      if (everyoneWords.has(key)) {
        all = true;
        break;
      }
      const userId = membersByKey.get(key);
      if (userId) {
        userIds.add(userId);
        break;
      }
    }
  }
  return userIds.size > 0 || all ? { userIds: [...userIds], all } : undefined;
}
