import type { ConversationDto, HistoryVisibility, InviteLinkDto, MessageDto, UserDto } from '@feige/protocol';
import type { ChatActions } from './chat';
import type { Ctx } from './context';
import { reportBackground } from './context';
import { upsertConversation } from './conversations';
import type { Loaders } from './loaders';
import type { LeftReason } from './state';
import { applyNewMessage, changeConversation, noEffects, withoutKey } from './updates';

export interface InviteResult {
  added: number;
  /** Invitations waiting for an admin's approval. */
  pending: number;
}

export interface LinkOptions {
  expiresInMs?: number;
  maxUses?: number;
}

export interface MySettings {
  muted?: boolean;
  pinned?: boolean;
  nickname?: string;
}

/** Pull an invite token out of whatever was pasted: the whole link (`…#/join/<token>`) or the token alone. */
export function inviteTokenFrom(input: string): string | null {
  const match = /(?:^|#\/join\/|\/)([A-Za-z0-9_-]{16,64})\/?\s*$/u.exec(input.trim());
  return match?.[1] ?? null;
}

/** The link people open to join: this app's address with the token in the hash, so the server needs no route. */
export function inviteUrl(token: string): string {
  return `${location.origin}${location.pathname}#/join/${token}`;
}

/**
 * Group actions. Each applies the server's answer at once (a returned system message goes into the timeline as if
 * it had arrived from the log, which then recognises it by seq), then refetches what else it changed.
 */
export function createGroupActions(ctx: Ctx, loaders: Loaders, chat: ChatActions) {
  const { client } = ctx;

  function adoptMessage(at: number, message: MessageDto | null): void {
    if (!message || at !== ctx.epoch()) return;
    const effects = noEffects();
    ctx.set((s) => applyNewMessage(s, message, effects));
    // The message's own refetches; read marks and page reloads follow from the log's copy as usual.
    loaders.followUp({ ...effects, markRead: false, reloadLatest: new Set() });
  }

  function adoptConversation(at: number, conversation: ConversationDto): void {
    ctx.setIf(at, (s) => ({
      ...s,
      conversations: upsertConversation(s.conversations, conversation),
      left: withoutKey(s.left, conversation.id),
    }));
  }

  /** I am out: the same state the `conversation.left` update brings, without waiting for it. */
  function markLeft(at: number, conversationId: string, reason: LeftReason): void {
    ctx.setIf(at, (s) => ({
      ...changeConversation(s, conversationId, (c) => ({ ...c, canSend: false })),
      left: { ...s.left, [conversationId]: reason },
    }));
  }

  async function create(title: string, userIds: string[]): Promise<void> {
    const at = ctx.epoch();
    const { conversation } = await client.call('groups.create', { title, userIds });
    adoptConversation(at, conversation);
    if (at === ctx.epoch()) chat.open(conversation.id);
  }

  async function join(token: string): Promise<void> {
    const at = ctx.epoch();
    const { conversation } = await client.call('groups.join', { token });
    adoptConversation(at, conversation);
    if (at === ctx.epoch()) chat.open(conversation.id);
  }

  async function rename(conversationId: string, title: string): Promise<void> {
    const at = ctx.epoch();
    const { message } = await client.call('groups.rename', { conversationId, title });
    adoptMessage(at, message);
  }

  async function setAnnouncement(conversationId: string, text: string): Promise<void> {
    const at = ctx.epoch();
    const { message } = await client.call('groups.setAnnouncement', { conversationId, text });
    adoptMessage(at, message);
  }

  async function updateGroupSettings(
    conversationId: string,
    settings: { historyVisibility?: HistoryVisibility; inviteApproval?: boolean },
  ): Promise<void> {
    const at = ctx.epoch();
    const { message } = await client.call('groups.updateSettings', { conversationId, ...settings });
    adoptMessage(at, message);
  }

  async function invite(conversationId: string, userIds: string[]): Promise<InviteResult> {
    const at = ctx.epoch();
    const result = await client.call('groups.invite', { conversationId, userIds });
    adoptMessage(at, result.message);
    return { added: result.added.length, pending: result.pending.length };
  }

  async function approveJoin(conversationId: string, requestId: string): Promise<void> {
    const at = ctx.epoch();
    const { message } = await client.call('groups.approveJoin', { requestId });
    dropRequest(at, conversationId, requestId);
    adoptMessage(at, message);
  }

  async function rejectJoin(conversationId: string, requestId: string): Promise<void> {
    const at = ctx.epoch();
    await client.call('groups.rejectJoin', { requestId });
    dropRequest(at, conversationId, requestId);
  }

  function dropRequest(at: number, conversationId: string, requestId: string): void {
    ctx.setIf(at, (s) => {
      const held = s.joinRequests[conversationId];
      return held ? { ...s, joinRequests: { ...s.joinRequests, [conversationId]: held.filter((r) => r.id !== requestId) } } : s;
    });
  }

  async function createInviteLink(conversationId: string, options: LinkOptions): Promise<InviteLinkDto> {
    const { link } = await client.call('groups.createInviteLink', { conversationId, ...options });
    return link;
  }

  async function inviteLinks(conversationId: string): Promise<InviteLinkDto[]> {
    const { links } = await client.call('groups.inviteLinks', { conversationId });
    return [...links].sort((a, b) => b.createdAt - a.createdAt);
  }

  async function revokeInviteLink(token: string): Promise<void> {
    await client.call('groups.revokeInviteLink', { token });
  }

  async function leave(conversationId: string): Promise<void> {
    const at = ctx.epoch();
    await client.call('groups.leave', { conversationId });
    markLeft(at, conversationId, 'left');
  }

  async function dissolve(conversationId: string): Promise<void> {
    const at = ctx.epoch();
    await client.call('groups.dissolve', { conversationId });
    markLeft(at, conversationId, 'dissolved');
  }

  async function removeMember(conversationId: string, userId: string): Promise<void> {
    const at = ctx.epoch();
    const { message } = await client.call('groups.removeMember', { conversationId, userId });
    adoptMessage(at, message);
  }

  async function setRole(conversationId: string, userId: string, role: 'admin' | 'member'): Promise<void> {
    const at = ctx.epoch();
    const { message } = await client.call('groups.setRole', { conversationId, userId, role });
    adoptMessage(at, message);
  }

  async function transferOwnership(conversationId: string, userId: string): Promise<void> {
    const at = ctx.epoch();
    const { message } = await client.call('groups.transferOwnership', { conversationId, userId });
    adoptMessage(at, message);
  }

  /** Mute, pin, my name in the group: mine only; my other devices hear of it through `conversation.settings`. */
  async function updateMySettings(conversationId: string, settings: MySettings): Promise<void> {
    const at = ctx.epoch();
    const { conversation } = await client.call('conversations.updateSettings', { conversationId, ...settings });
    adoptConversation(at, conversation);
    if (settings.nickname !== undefined && ctx.get().members[conversationId]) loaders.members(conversationId).catch(reportBackground);
  }

  function loadJoinRequests(conversationId: string): Promise<void> {
    return loaders.joinRequests(conversationId);
  }

  function loadMembers(conversationId: string): Promise<void> {
    return loaders.members(conversationId);
  }

  /** Who read one of my messages: names up to the server's limit, otherwise only how many. */
  async function readers(conversationId: string, seq: number): Promise<{ count: number; readers: UserDto[] | null }> {
    return client.call('messages.readers', { conversationId, seq });
  }

  return {
    create,
    join,
    rename,
    setAnnouncement,
    updateGroupSettings,
    invite,
    approveJoin,
    rejectJoin,
    createInviteLink,
    inviteLinks,
    revokeInviteLink,
    leave,
    dissolve,
    removeMember,
    setRole,
    transferOwnership,
    updateMySettings,
    loadJoinRequests,
    loadMembers,
    readers,
  };
}

export type GroupActions = ReturnType<typeof createGroupActions>;
