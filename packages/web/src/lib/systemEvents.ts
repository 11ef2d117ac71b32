import { truncateGraphemes, type MessageDto, type SystemEventDto } from '@feige/protocol';
import type { TFunction } from 'i18next';

/** Grapheme clusters of a new announcement quoted in the timeline; the whole text shows at the top of the chat. */
const announcementQuoteLength = 80;

/**
 * A system event in the reader's language. The server stores who did what as ids plus the names they had then;
 * "You" replaces my own name, as people expect in a timeline about themselves.
 */
export function systemEventText(t: TFunction, language: string, event: SystemEventDto, meId: string | null): string {
  const name = (id: string, subject = true): string =>
    id === meId ? (subject ? t('system.you') : t('system.youObject')) : (event.names[id] ?? t('system.someone'));
  const names = (ids: readonly string[]): string => listOf(language, ids.map((id) => name(id, false)));

  switch (event.type) {
    case 'group.created':
      return event.userIds.length > 0
        ? t('system.createdWith', { actor: name(event.actorId), title: event.title, names: names(event.userIds) })
        : t('system.created', { actor: name(event.actorId), title: event.title });
    case 'member.invited':
      return t('system.invited', { actor: name(event.actorId), names: names(event.userIds) });
    case 'member.joined':
      // The approver caused the event, so the message's sender is who let them in; names holds both.
      return event.via === 'link'
        ? t('system.joinedLink', { name: name(event.userId) })
        : t('system.joinedApproval', { name: name(event.userId), actor: approverName(event, name) });
    case 'member.left':
      return t('system.left', { name: name(event.userId) });
    case 'member.removed':
      return t('system.removed', { actor: name(event.actorId), name: name(event.userId, false) });
    case 'member.role':
      return event.role === 'admin'
        ? t('system.madeAdmin', { actor: name(event.actorId), name: name(event.userId, false) })
        : t('system.removedAdmin', { actor: name(event.actorId), name: name(event.userId, false) });
    case 'group.owner':
      return t('system.owner', { actor: name(event.actorId), name: name(event.userId, false) });
    case 'group.renamed':
      return t('system.renamed', { actor: name(event.actorId), title: event.title });
    case 'group.announcement':
      return event.text === ''
        ? t('system.announcementCleared', { actor: name(event.actorId) })
        : t('system.announcement', {
            actor: name(event.actorId),
            text: truncateGraphemes(event.text.replace(/\s+/gu, ' '), announcementQuoteLength),
          });
    case 'group.settings': {
      const details = [
        event.historyVisibility === 'all' ? t('system.historyAll') : t('system.historyJoined'),
        event.inviteApproval ? t('system.approvalOn') : t('system.approvalOff'),
      ].join(t('system.separator'));
      return t('system.settings', { actor: name(event.actorId), details });
    }
    case 'group.dissolved':
      return t('system.dissolved', { actor: name(event.actorId) });
  }
}

/** `member.joined` names the joiner; the approver is the other name it carries. */
function approverName(event: Extract<SystemEventDto, { type: 'member.joined' }>, name: (id: string, subject?: boolean) => string): string {
  const approver = Object.keys(event.names).find((id) => id !== event.userId);
  return approver ? name(approver, false) : name('', false);
}

/** "Bob, Carol and Dave" / "Bob、Carol和Dave". */
export function listOf(language: string, items: readonly string[]): string {
  try {
    return new Intl.ListFormat(language, { style: 'long', type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}

/** The line a message shows as in previews: its text, or the worded system event. */
export function messagePreviewText(t: TFunction, language: string, message: MessageDto, meId: string | null): string {
  return message.kind === 'system' && message.system ? systemEventText(t, language, message.system, meId) : message.text;
}
