import { usernameKey, type MentionsDto } from '@feige/protocol';

/**
 * `@name`, where name is a run of username characters. The `@` must not follow an ASCII word character, so that
 * `me@example.com` mentions nobody, while Chinese text runs straight into a mention ("你好@张伟").
 */
const mentionPattern = /(?<![A-Za-z0-9_.-])@([\p{L}\p{M}\p{N}_.-]{1,64})/gu;

/** Words that mean everyone. */
const everyoneWords = new Set(['all', '所有人', 'everyone']);

const asciiWord = /[A-Za-z0-9_.-]/u;

/**
 * The names a token may stand for, longest first: the whole token, the token without trailing `.`/`-` (which belong
 * to the sentence: "thanks @alice."), and — since Chinese has no spaces — any prefix that ends where ASCII word
 * characters do not continue ("@张伟你好" may mean 张伟, "@alicehello" never means alice).
 */
function candidates(token: string): string[] {
  const chars = [...token];
  const out = [token, token.replace(/[.-]+$/u, '')];
  for (let length = chars.length - 1; length >= 1; length--) {
    const next = chars[length] ?? '';
    if (!asciiWord.test(next)) out.push(chars.slice(0, length).join(''));
  }
  return out;
}

/** Finds the mentions in a message: `@username` of a member (any case, any width) and `@all`. */
export function parseMentions(text: string, membersByKey: ReadonlyMap<string, string>): MentionsDto | undefined {
  const userIds = new Set<string>();
  let all = false;
  for (const match of text.matchAll(mentionPattern)) {
    const token = match[1] ?? '';
    // "@所有人请看" and "请@all看" mean everyone, as "@张伟你好" means 张伟 (usernames cannot be these words).
    if (candidates(token).some((c) => everyoneWords.has(usernameKey(c)))) {
      all = true;
      continue;
    }
    for (const candidate of candidates(token)) {
      const userId = membersByKey.get(usernameKey(candidate));
      if (userId) {
        userIds.add(userId);
        break;
      }
    }
  }
  return userIds.size > 0 || all ? { userIds: [...userIds], all } : undefined;
}
