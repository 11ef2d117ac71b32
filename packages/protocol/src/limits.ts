/** Every number that bounds what a client may send or receive. Server and clients read them from here. */
export const limits = {
  usernameMin: 3,
  usernameMax: 32,
  displayNameMax: 64,
  passwordMin: 8,
  passwordMax: 256,
  deviceNameMax: 64,
  messageTextMax: 4000,
  /**
   * Also at most this many UTF-8 bytes: 4,000 emoji families (≈ 100 KB) fit, while a single "character" stacked with
   * endless combining marks does not.
   */
  messageTextMaxBytes: 128 * 1024,
  friendNoteMax: 200,
  groupTitleMax: 64,
  groupAnnouncementMax: 2000,
  groupNicknameMax: 32,
  /** Default cap on members per group (the server can be configured higher or lower). */
  groupMembersDefault: 2000,
  /** Up to this size, senders may see who read each message; above it, counts only. */
  groupReadersListMax: 500,
  groupInviteBatchMax: 100,
  searchQueryMax: 64,
  searchResultsMax: 20,
  historyPageMax: 100,
  syncPageMax: 500,
  clientMsgIdMax: 64,
  /** Largest WebSocket frame the server accepts; larger ones close the socket with 1009. */
  frameMaxBytes: 256 * 1024,
  /** Largest HTTP body the server accepts. */
  httpBodyMaxBytes: 256 * 1024,
  /** A socket must authenticate within this time after connecting. */
  authDeadlineMs: 10_000,
  /**
   * Heartbeat. Clients send a `ping` op at this interval (an answer proves the server is still there). The server
   * sends a WebSocket protocol ping (answered by the browser or `ws` itself, even in a throttled background tab) to
   * a socket it has heard nothing from for `serverPingAfterMs`, and drops one silent for `idleTimeoutMs`.
   */
  heartbeatIntervalMs: 30_000,
  serverPingAfterMs: 40_000,
  idleTimeoutMs: 75_000,
  /** Frames per socket: a token bucket of `framesBurst` refilled at `framesPerSecond`. */
  framesPerSecond: 50,
  framesBurst: 100,
  /** HTTP op requests per client address: a token bucket like the frames'. */
  httpRequestsPerSecond: 100,
  httpRequestsBurst: 200,
} as const;
