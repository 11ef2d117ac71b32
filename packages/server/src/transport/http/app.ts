import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { isOpName, limits, paths, publicOps } from '@feige/protocol';
import { AppError } from '../../lib/app-error.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { tokenBucket } from '../../lib/rate-limiter.js';
import type { Services } from '../../services/index.js';
import type { Gateway } from '../ws/gateway.js';
import { acceptWebSockets } from '../ws/upgrade.js';
import { errorReply } from '../error-reply.js';
import { runOp } from '../ops.js';

export interface HttpDeps {
  services: Services;
  gateway: Gateway;
  logger: Logger;
  webDir: string | null;
  health(): Record<string, unknown>;
  clock: Clock;
  /** True once the app has begun to shut down. */
  isClosing(): boolean;
}

/** A child logger at `level` or the parent's level, whichever says less (a child's level overrides its parent's). */
function quieter(logger: Logger, level: string): Logger {
  const values = logger.levels.values;
  const parent = values[logger.level] ?? Infinity;
  return logger.child({}, { level: (values[level] ?? 0) > parent ? level : logger.level });
}

function bearerToken(header: string | undefined): string | null {
  const match = header ? /^Bearer\s+(\S+)$/iu.exec(header) : null;
  return match?.[1] ?? null;
}

/** The HTTP side: `POST /api/op/<op>`, the WebSocket upgrade, health, and the web client's files. */
export async function createHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const { services, logger } = deps;
  const app = Fastify({
    // Malformed URLs and the like are answered with the same typed error body as everything else.
    frameworkErrors: (error, request, reply) => {
      const { status, body } = errorReply(new AppError('request.invalid', 'the request is not valid', { cause: error }), request.id, logger);
      void (reply as FastifyReply).status(status).send(body);
    },
    // Per-request lines would drown the log; errors are logged by errorReply with their request id.
    loggerInstance: quieter(logger, 'warn') as FastifyBaseLogger,
    bodyLimit: limits.httpBodyMaxBytes,
    // On close, every connection goes, even one that never sent a request: nothing may hold a shutdown hostage.
    forceCloseConnections: true,
    // Requests that arrive while closing get our own typed error (see the hook below).
    return503OnClosing: false,
    trustProxy: false,
  });

  let closing = false;
  app.addHook('onClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing || deps.isClosing()) throw new AppError('server.shutting_down', 'the server is restarting; try again shortly');
  });

  app.setErrorHandler((error, request, reply) => {
    const code = (error as { code?: unknown }).code;
    const statusCode = (error as { statusCode?: unknown }).statusCode;
    let mapped: unknown = error;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') mapped = new AppError('request.too_large', 'the request body is too large');
    else if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError)
      mapped = new AppError('request.invalid', 'the request body is not valid JSON');
    else if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500)
      mapped = new AppError('request.invalid', 'the request is not valid');
    const { status, body } = errorReply(mapped, request.id, logger);
    void reply.status(status).send(body);
  });

  acceptWebSockets(app.server, { gateway: deps.gateway, isClosing: () => closing || deps.isClosing() });
  // A plain GET (no upgrade) of the socket path.
  app.get(paths.socket, async () => {
    throw new AppError('request.invalid', 'this endpoint takes WebSocket upgrades only');
  });

  app.get(paths.health, async () => ({ ok: true, ...deps.health() }));

  const buckets = new Map<string, ReturnType<typeof tokenBucket>>();
  app.post<{ Params: { op: string } }>(`${paths.op}:op`, async (request, reply) => {
    let bucket = buckets.get(request.ip);
    if (!bucket) {
      // Addresses come and go; a full map starts over rather than growing without bound.
      if (buckets.size > 100_000) buckets.clear();
      bucket = tokenBucket(deps.clock, { perSecond: limits.httpRequestsPerSecond, burst: limits.httpRequestsBurst });
      buckets.set(request.ip, bucket);
    }
    const wait = bucket.take();
    if (wait > 0) throw new AppError('rate.limited', 'too many requests; slow down', { retryAfterMs: wait });
    const op = request.params.op;
    if (!isOpName(op)) throw new AppError('request.unknown_op', `unknown op ${op}`);
    // Logging in must work even from a client still holding a revoked token.
    const token = publicOps.has(op) ? null : bearerToken(request.headers.authorization);
    const auth = token ? await services.auth.authenticate(token) : null;
    const data = await runOp(services, op, request.body, auth?.actor ?? null, { address: request.ip });
    return reply.send(data);
  });

  app.all('/api/*', async (request) => {
    throw new AppError('request.unknown_op', `no such endpoint ${request.method} ${request.url}`);
  });

  if (deps.webDir && existsSync(join(deps.webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: deps.webDir, wildcard: false, index: ['index.html'] });
    // Client-side routes load the app shell.
    app.setNotFoundHandler((request, reply) => {
      // A path with a file extension is a missing asset (say, from an older build): 404, not the app shell.
      const path = request.url.split('?')[0] ?? '';
      if (request.method === 'GET' && !path.startsWith('/api/') && !/\.[a-z0-9]+$/iu.test(path))
        return reply.sendFile('index.html');
      return reply.status(404).send({ code: 'request.unknown_op', message: 'not found', requestId: request.id });
    });
  } else {
    app.get('/', async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send('Feige API is running. The web client is not built: run `npm run build`.\n'),
    );
  }
  return app;
}
