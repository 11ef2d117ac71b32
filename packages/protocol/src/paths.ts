/** The WebSocket path and the HTTP op path prefix. */
export const paths = {
  socket: '/ws',
  op: '/api/op/',
  health: '/healthz',
} as const;
