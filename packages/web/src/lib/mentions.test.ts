import type { MemberDto } from '@feige/protocol';
import { describe, expect, it } from 'vitest';
import { mentionInsertText, mentionOptions, mentionQueryAt, segmentMentions } from './mentions';

const member = (id: string, username: string, displayName: string, nickname = ''): MemberDto => ({
  user: { id, username, displayName },
  role: 'member',
  nickname,
  joinedAt: 0,
  online: false,
});

const members = [member('u-me', 'me', 'Me'), member('u-bob', 'bob_1', 'Bob Builder'), member('u-carol', 'carol', 'Carol', 'Caz'), member('u-zhang', 'zhang', '张伟')];

describe('mentionQueryAt', () => {
  it('finds the name being typed after @ at the caret', () => {
    expect(mentionQueryAt('hi @bo', 6)).toEqual({ start: 3, query: 'bo' });
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQueryAt('你好 ＠张', 5)).toEqual({ start: 3, query: '张' });
  });

  it('opens right after Chinese text, as the server records "你好@张伟" as a mention, but not inside an ASCII word', () => {
    expect(mentionQueryAt('你好@张', 4)).toEqual({ start: 2, query: '张' });
    expect(mentionQueryAt('abc@de', 6)).toBeNull();
  });

  it('ignores e-mail addresses, finished mentions and text after the caret', () => {
    expect(mentionQueryAt('mail me at a@b', 14)).toBeNull();
    expect(mentionQueryAt('@bob_1 hello', 12)).toBeNull();
    expect(mentionQueryAt('@bob and more', 4)).toEqual({ start: 0, query: 'bob' });
  });
});

describe('mentionOptions', () => {
  it('offers other members by username, display name or nickname, never me', () => {
    const ids = (q: string) => mentionOptions(members, q, 'u-me', false).map((o) => (o.kind === 'all' ? 'all' : o.member.user.id));
    expect(ids('')).toEqual(['u-bob', 'u-carol', 'u-zhang']);
    expect(ids('build')).toEqual(['u-bob']);
    expect(ids('caz')).toEqual(['u-carol']);
    expect(ids('张')).toEqual(['u-zhang']);
    expect(ids('m')).toEqual([]);
  });

  it('puts @all first for admins only', () => {
    expect(mentionOptions(members, 'a', 'u-me', true)[0]).toEqual({ kind: 'all' });
    expect(mentionOptions(members, 'a', 'u-me', false).some((o) => o.kind === 'all')).toBe(false);
  });

  it('inserts the username and a space', () => {
    const [bob] = mentionOptions(members, 'bob', 'u-me', false);
    expect(bob && mentionInsertText(bob)).toBe('@bob_1 ');
    expect(mentionInsertText({ kind: 'all' })).toBe('@all ');
  });
});

describe('segmentMentions', () => {
  const usernames = new Map([
    ['bob_1', 'u-bob'],
    ['me', 'u-me'],
  ]);

  it('marks the mentions the server recorded, and which are of me', () => {
    const segments = segmentMentions('hey @Bob_1 and @me.', { userIds: ['u-bob', 'u-me'], all: false }, usernames, 'u-me');
    expect(segments).toEqual([
      { text: 'hey ', mention: false },
      { text: '@Bob_1', mention: true, me: false },
      { text: ' and ', mention: false },
      { text: '@me', mention: true, me: true },
      { text: '.', mention: false },
    ]);
  });

  it('leaves names that were not recorded as plain text', () => {
    expect(segmentMentions('@bob_1 @nobody', { userIds: [], all: false }, usernames, 'u-me')).toEqual([{ text: '@bob_1 @nobody', mention: false }]);
    expect(segmentMentions('@all hi', undefined, usernames, 'u-me')).toEqual([{ text: '@all hi', mention: false }]);
  });

  it('marks @all as mentioning me when it was recorded', () => {
    expect(segmentMentions('@所有人 开会', { userIds: [], all: true }, usernames, 'u-me')[0]).toEqual({ text: '@所有人', mention: true, me: true });
  });
});
