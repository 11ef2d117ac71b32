import type { SystemEventDto } from '@feige/protocol';
import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { resources } from '../i18n/resources';
import { systemEventText } from './systemEvents';

const names = { 'u-alice': 'Alice', 'u-bob': 'Bob', 'u-carol': 'Carol', 'u-me': 'Me' };
let en: TFunction;
let zh: TFunction;

beforeAll(async () => {
  const instance = i18next.createInstance();
  await instance.init({ resources, lng: 'en', fallbackLng: 'en', interpolation: { escapeValue: false }, initAsync: false });
  en = instance.getFixedT('en');
  zh = instance.getFixedT('zh-CN');
});

const text = (t: TFunction, language: string, event: SystemEventDto, meId = 'u-me') => systemEventText(t, language, event, meId);

describe('systemEventText', () => {
  it('words membership events from the structured data', () => {
    expect(text(en, 'en', { type: 'member.invited', actorId: 'u-alice', userIds: ['u-bob', 'u-carol'], names })).toBe('Alice invited Bob and Carol');
    expect(text(en, 'en', { type: 'member.removed', actorId: 'u-alice', userId: 'u-me', names })).toBe('Alice removed you');
    expect(text(en, 'en', { type: 'member.left', userId: 'u-me', names })).toBe('You left the group');
    expect(text(en, 'en', { type: 'member.joined', userId: 'u-bob', via: 'approval', names: { 'u-bob': 'Bob', 'u-alice': 'Alice' } })).toBe(
      'Bob joined the group (approved by Alice)',
    );
  });

  it('words the same event in Chinese', () => {
    expect(text(zh, 'zh-CN', { type: 'group.renamed', actorId: 'u-alice', title: '周末爬山', names })).toBe('Alice 将群名改为“周末爬山”');
    expect(text(zh, 'zh-CN', { type: 'member.invited', actorId: 'u-me', userIds: ['u-bob', 'u-carol'], names })).toBe('你 邀请 Bob和Carol 加入了群聊');
  });

  it('spells out settings and quotes a long announcement briefly', () => {
    expect(text(en, 'en', { type: 'group.settings', actorId: 'u-alice', historyVisibility: 'all', inviteApproval: true, names })).toBe(
      'Alice changed the group settings: new members see the whole history; admins approve invitations',
    );
    const long = text(en, 'en', { type: 'group.announcement', actorId: 'u-alice', text: 'x'.repeat(500), names });
    expect(long.length).toBeLessThan(150);
    expect(text(en, 'en', { type: 'group.announcement', actorId: 'u-alice', text: '', names })).toBe('Alice removed the announcement');
  });

  it('falls back to a neutral word for a name the event lacks', () => {
    expect(text(en, 'en', { type: 'group.dissolved', actorId: 'u-gone', names: {} })).toBe('Someone dissolved the group');
  });
});
