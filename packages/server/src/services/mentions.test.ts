import { describe, expect, it } from 'vitest';
import { parseMentions } from './mentions.js';

const members = new Map([
  ['alice', 'u_alice'],
  ['张伟伟', 'u_zhang'],
  ['bob.smith', 'u_bob'],
]);

describe('parseMentions', () => {
  it('finds a member by username in any case and width', () => {
    expect(parseMentions('hi @ALICE and @ａｌｉｃｅ', members)).toEqual({ userIds: ['u_alice'], all: false });
  });

  it('finds a mention that Chinese text runs into, on either side', () => {
    expect(parseMentions('你好@张伟伟你来吗', members)).toEqual({ userIds: ['u_zhang'], all: false });
  });

  it('leaves sentence punctuation out of the name but keeps dots inside it', () => {
    expect(parseMentions('thanks @alice. and @bob.smith.', members)).toEqual({ userIds: ['u_alice', 'u_bob'], all: false });
  });

  it('does not mention anyone in an e-mail address or a longer ASCII word', () => {
    expect(parseMentions('mail me@alice.com or @alicehello', members)).toBeUndefined();
  });

  it('recognises @all and @所有人, but not @allen', () => {
    expect(parseMentions('@all meeting', members)).toEqual({ userIds: [], all: true });
    expect(parseMentions('@所有人 开会', members)).toEqual({ userIds: [], all: true });
    expect(parseMentions('@allen hi', members)).toBeUndefined();
    expect(parseMentions('@所有人请看', members)).toEqual({ userIds: [], all: true });
    expect(parseMentions('请@all看', members)).toEqual({ userIds: [], all: true });
  });
});
