import type { FriendRequestDto, UserDto } from '@feige/protocol';
import type { Ctx } from './context';
import type { Loaders } from './loaders';
import type { AppState } from './state';

function replaceRequest(state: AppState, request: FriendRequestDto): AppState {
  const swap = (list: readonly FriendRequestDto[]) => list.map((r) => (r.id === request.id ? request : r));
  return { ...state, incoming: swap(state.incoming), outgoing: swap(state.outgoing) };
}

/**
 * Friend and block actions. Each applies the server's answer at once so the button's effect is visible immediately,
 * then refetches what it touched; the matching update from the log refetches again on the user's other devices.
 */
export function createSocialActions(ctx: Ctx, loaders: Loaders) {
  const { client } = ctx;

  async function search(query: string): Promise<UserDto[]> {
    const { users } = await client.call('users.search', { query });
    return users;
  }

  async function request(userId: string, note: string): Promise<void> {
    const at = ctx.epoch();
    const trimmed = note.trim();
    const { request: created } = await client.call('friends.request', trimmed ? { userId, note: trimmed } : { userId });
    ctx.setIf(at, (s) => ({ ...s, outgoing: [created, ...s.outgoing.filter((r) => r.id !== created.id)] }));
    // Requesting someone who already asked me may make us friends straight away.
    void loaders.refetch(['requests', 'friends', 'conversations']);
  }

  async function answer(op: 'friends.accept' | 'friends.decline' | 'friends.cancel', requestId: string): Promise<void> {
    const at = ctx.epoch();
    const { request: changed } = await client.call(op, { requestId });
    ctx.setIf(at, (s) => replaceRequest(s, changed));
    void loaders.refetch(op === 'friends.accept' ? ['requests', 'friends', 'conversations'] : ['requests']);
  }

  async function remove(userId: string): Promise<void> {
    const at = ctx.epoch();
    await client.call('friends.remove', { userId });
    ctx.setIf(at, (s) => ({ ...s, friends: s.friends.filter((f) => f.user.id !== userId) }));
    void loaders.refetch(['friends', 'conversations']);
  }

  async function block(userId: string): Promise<void> {
    await client.call('blocks.add', { userId });
    void loaders.refetch(['blocks', 'friends', 'requests', 'conversations']);
  }

  async function unblock(userId: string): Promise<void> {
    const at = ctx.epoch();
    await client.call('blocks.remove', { userId });
    ctx.setIf(at, (s) => ({ ...s, blocks: s.blocks.filter((u) => u.id !== userId) }));
    void loaders.refetch(['blocks', 'friends', 'conversations']);
  }

  return {
    search,
    request,
    accept: (requestId: string) => answer('friends.accept', requestId),
    decline: (requestId: string) => answer('friends.decline', requestId),
    cancel: (requestId: string) => answer('friends.cancel', requestId),
    remove,
    block,
    unblock,
  };
}

export type SocialActions = ReturnType<typeof createSocialActions>;
