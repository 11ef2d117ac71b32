import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { InviteLinkRecord, JoinRequestRecord } from '../records.js';

type InviteRow = Selectable<Database['group_invites']>;
type RequestRow = Selectable<Database['join_requests']>;

function toInvite(r: InviteRow): InviteLinkRecord {
  return {
    token: r.token,
    conversationId: r.conversation_id,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    maxUses: r.max_uses === null ? null : Number(r.max_uses),
    uses: Number(r.uses),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  };
}

function toRequest(r: RequestRow): JoinRequestRecord {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    userId: r.user_id,
    invitedBy: r.invited_by,
    state: r.state === 'approved' || r.state === 'rejected' ? r.state : 'pending',
    createdAt: Number(r.created_at),
  };
}

/** Invite links and join requests that wait for an admin. */
export function groupsRepo(db: Kysely<Database>) {
  return {
    async insertInvite(link: InviteLinkRecord): Promise<void> {
      await db
        .insertInto('group_invites')
        .values({
          token: link.token,
          conversation_id: link.conversationId,
          created_by: link.createdBy,
          created_at: link.createdAt,
          expires_at: link.expiresAt,
          max_uses: link.maxUses,
          uses: link.uses,
          revoked_at: link.revokedAt,
        })
        .execute();
    },

    async inviteByToken(token: string): Promise<InviteLinkRecord | undefined> {
      const row = await db.selectFrom('group_invites').selectAll().where('token', '=', token).executeTakeFirst();
      return row && toInvite(row);
    },

    async activeInvites(conversationId: string): Promise<InviteLinkRecord[]> {
      const rows = await db
        .selectFrom('group_invites')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toInvite);
    },

    /** Counts one use if the link still has one left; false when it is used up. */
    async useInvite(token: string): Promise<boolean> {
      const result = await db
        .updateTable('group_invites')
        .set((eb) => ({ uses: eb('uses', '+', 1) }))
        .where('token', '=', token)
        .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async revokeInvite(token: string, at: number): Promise<void> {
      await db.updateTable('group_invites').set({ revoked_at: at }).where('token', '=', token).execute();
    },

    async revokeAllInvites(conversationId: string, at: number): Promise<void> {
      await db
        .updateTable('group_invites')
        .set({ revoked_at: at })
        .where('conversation_id', '=', conversationId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async insertJoinRequest(request: JoinRequestRecord): Promise<void> {
      await db
        .insertInto('join_requests')
        .values({
          id: request.id,
          conversation_id: request.conversationId,
          user_id: request.userId,
          invited_by: request.invitedBy,
          state: request.state,
          created_at: request.createdAt,
        })
        .execute();
    },

    async joinRequest(id: string): Promise<JoinRequestRecord | undefined> {
      const row = await db.selectFrom('join_requests').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRequest(row);
    },

    async pendingJoinRequests(conversationId: string): Promise<JoinRequestRecord[]> {
      const rows = await db
        .selectFrom('join_requests')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .where('state', '=', 'pending')
        .orderBy('created_at')
        .execute();
      return rows.map(toRequest);
    },

    async pendingJoinRequestFor(conversationId: string, userId: string): Promise<JoinRequestRecord | undefined> {
      const row = await db
        .selectFrom('join_requests')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return row && toRequest(row);
    },

    async settleJoinRequest(id: string, state: 'approved' | 'rejected'): Promise<boolean> {
      const result = await db
        .updateTable('join_requests')
        .set({ state })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type GroupsRepo = ReturnType<typeof groupsRepo>;
