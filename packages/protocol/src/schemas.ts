import { z } from 'zod';
import { limits } from './limits.js';
import { graphemeLength, hasVisibleContent, isValidUsername, nameProblem, normalizeUsername, textProblem, utf8Length } from './text.js';

/**
 * Input schemas: everything a client sends is parsed with one of these at the server's edge.
 * Objects are strict: an unknown key is an error, not silently dropped.
 */

const problemMessages = {
  control_character: 'contains a forbidden control character (such as NUL)',
  lone_surrogate: 'contains an unpaired surrogate (not valid Unicode)',
} as const;

/**
 * Free user text: refused when it holds forbidden control characters or broken Unicode. Besides `max` characters it is
 * capped in bytes (by default 32 per character), so one "character" stacked with marks cannot weigh megabytes.
 */
function userText(max: number, opts: { multiline: boolean; maxBytes?: number }) {
  const maxBytes = opts.maxBytes ?? max * 32;
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problemMessages[problem] });
      else if (!opts.multiline && /[\n\r\t]/u.test(value))
        ctx.addIssue({ code: 'custom', message: 'must be a single line' });
      else if (!opts.multiline && nameProblem(value) !== null)
        ctx.addIssue({
          code: 'custom',
          message: nameProblem(value) === 'bidi_control' ? 'must not hold text-direction controls' : 'has too many stacked accents',
        });
      // A string of at most `max` UTF-16 units has at most `max` graphemes: only longer ones need segmenting.
      else if (value.length > max && graphemeLength(value) > max) ctx.addIssue({ code: 'custom', message: `is longer than ${max} characters` });
      else if (utf8Length(value) > maxBytes) ctx.addIssue({ code: 'custom', message: `is larger than ${maxBytes} bytes` });
    });
}

export const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/u, 'is not a valid id');

export const username = z
  .string()
  .max(limits.usernameMax * 4)
  .transform(normalizeUsername)
  .superRefine((value, ctx) => {
    const length = [...value].length;
    if (length < limits.usernameMin || length > limits.usernameMax)
      ctx.addIssue({ code: 'custom', message: `must be ${limits.usernameMin}–${limits.usernameMax} characters` });
    else if (!isValidUsername(value))
      ctx.addIssue({ code: 'custom', message: 'may hold only letters, digits, _ . and -, with at least one letter or digit, and is not a reserved word' });
  });

export const displayName = userText(limits.displayNameMax, { multiline: false })
  .transform((value) => value.normalize('NFC').trim())
  .refine((value) => value.length > 0, 'must not be empty')
  .refine(hasVisibleContent, 'must contain a visible character');

export const password = z
  .string()
  .min(limits.passwordMin, `must be at least ${limits.passwordMin} characters`)
  .max(limits.passwordMax);

const deviceName = userText(limits.deviceNameMax, { multiline: false })
  .transform((value) => value.trim() || 'Unknown device')
  .optional();

export const messageText = userText(limits.messageTextMax, { multiline: true, maxBytes: limits.messageTextMaxBytes });

export const clientMsgId = z
  .string()
  .min(1)
  .max(limits.clientMsgIdMax)
  .regex(/^[A-Za-z0-9_.:-]+$/u, 'is not a valid client message id');

const empty = z.strictObject({});

const groupTitle = userText(limits.groupTitleMax, { multiline: false })
  .transform((value) => value.normalize('NFC').trim())
  .refine((value) => value.length > 0, 'must not be empty')
  .refine(hasVisibleContent, 'must contain a visible character');

const userIds = z.array(id).max(limits.groupInviteBatchMax);

const inGroup = { conversationId: id };

/** Invite-link tokens are random base64url strings. */
const inviteToken = z.string().min(16).max(64).regex(/^[A-Za-z0-9_-]+$/u, 'is not a valid invite token');

export const schemas = {
  'auth.register': z.strictObject({ username, displayName, password, deviceName }),
  'auth.login': z.strictObject({ username: z.string().max(limits.usernameMax * 4), password: z.string().max(limits.passwordMax), deviceName }),
  'auth.logout': empty,
  'auth.me': empty,
  'auth.changePassword': z.strictObject({ oldPassword: z.string().max(limits.passwordMax), newPassword: password }),
  'sessions.list': empty,
  'sessions.revoke': z.strictObject({ sessionId: id }),
  'users.search': z.strictObject({ query: userText(limits.searchQueryMax, { multiline: false }) }),
  'friends.list': empty,
  'friends.requests': empty,
  'friends.request': z.strictObject({ userId: id, note: userText(limits.friendNoteMax, { multiline: true }).optional() }),
  'friends.accept': z.strictObject({ requestId: id }),
  'friends.decline': z.strictObject({ requestId: id }),
  'friends.cancel': z.strictObject({ requestId: id }),
  'friends.remove': z.strictObject({ userId: id }),
  'blocks.list': empty,
  'blocks.add': z.strictObject({ userId: id }),
  'blocks.remove': z.strictObject({ userId: id }),
  'conversations.list': empty,
  'conversations.get': z.strictObject({ conversationId: id }),
  'conversations.updateSettings': z.strictObject({
    conversationId: id,
    muted: z.boolean().optional(),
    pinned: z.boolean().optional(),
    nickname: userText(limits.groupNicknameMax, { multiline: false })
      .transform((v) => v.normalize('NFC').trim())
      .refine((v) => v === '' || hasVisibleContent(v), 'must contain a visible character (or be empty to use your name)')
      .optional(),
  }),
  'groups.create': z.strictObject({ title: groupTitle, userIds }),
  'groups.members': z.strictObject(inGroup),
  'groups.rename': z.strictObject({ ...inGroup, title: groupTitle }),
  'groups.setAnnouncement': z.strictObject({
    ...inGroup,
    text: userText(limits.groupAnnouncementMax, { multiline: true })
      .transform((v) => v.trim())
      .refine((v) => v === '' || hasVisibleContent(v), 'must contain a visible character (or be empty to clear it)'),
  }),
  'groups.updateSettings': z.strictObject({
    ...inGroup,
    historyVisibility: z.enum(['joined', 'all']).optional(),
    inviteApproval: z.boolean().optional(),
  }),
  'groups.invite': z.strictObject({ ...inGroup, userIds: userIds.min(1) }),
  'groups.joinRequests': z.strictObject(inGroup),
  'groups.approveJoin': z.strictObject({ requestId: id }),
  'groups.rejectJoin': z.strictObject({ requestId: id }),
  'groups.createInviteLink': z.strictObject({
    ...inGroup,
    expiresInMs: z.number().int().min(60_000).max(365 * 24 * 3600_000).optional(),
    maxUses: z.number().int().min(1).max(100_000).optional(),
  }),
  'groups.inviteLinks': z.strictObject(inGroup),
  'groups.revokeInviteLink': z.strictObject({ token: inviteToken }),
  'groups.join': z.strictObject({ token: inviteToken }),
  'groups.leave': z.strictObject(inGroup),
  'groups.removeMember': z.strictObject({ ...inGroup, userId: id }),
  'groups.setRole': z.strictObject({ ...inGroup, userId: id, role: z.enum(['admin', 'member']) }),
  'groups.transferOwnership': z.strictObject({ ...inGroup, userId: id }),
  'groups.dissolve': z.strictObject(inGroup),
  'conversations.openDirect': z.strictObject({ userId: id }),
  'messages.send': z.strictObject({ conversationId: id, clientMsgId, text: messageText }),
  'messages.history': z.strictObject({
    conversationId: id,
    beforeSeq: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(limits.historyPageMax).optional(),
  }),
  'messages.read': z.strictObject({ conversationId: id, seq: z.number().int().nonnegative() }),
  'messages.readers': z.strictObject({ conversationId: id, seq: z.number().int().positive() }),
  'messages.readCounts': z.strictObject({
    conversationId: id,
    fromSeq: z.number().int().positive(),
    toSeq: z.number().int().positive(),
  }),
  'typing.start': z.strictObject({ conversationId: id }),
  'sync.get': z.strictObject({
    since: z.number().int().nonnegative(),
    limit: z.number().int().min(1).max(limits.syncPageMax).optional(),
  }),
  ping: empty,
} as const;

export type OpName = keyof typeof schemas;
export type OpInput<O extends OpName> = z.output<(typeof schemas)[O]>;
/** What a client may pass: the schema's input side (before transforms). */
export type OpParams<O extends OpName> = z.input<(typeof schemas)[O]>;

export const opNames = Object.keys(schemas) as OpName[];

export function isOpName(value: unknown): value is OpName {
  return typeof value === 'string' && Object.hasOwn(schemas, value);
}
