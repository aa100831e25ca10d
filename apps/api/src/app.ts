import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { EngineReader, HangarError, HostRegistry, redactText, RegistryDirectory, type HangarConfig } from '@hangar/core';
import { CredentialStore, JobQueues, loadSecretKey, redisConnectionOptions } from '@hangar/jobs';
import { startWorkerPool } from '@hangar/worker';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GraphQLError, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Principal } from './auth/token-store.js';
import { JobEventsHub } from './jobs/job-events.js';
import type { Redis } from 'ioredis';
import { AuditLog } from './audit/audit-log.js';
import { bearerAuth } from './auth/bearer-auth.js';
import { hostsFor } from './auth/roles.js';
import { TokenStore } from './auth/token-store.js';
import type { HangarContext } from './context.js';
import { archiveRoutes } from './http/archives.js';
import { buildContextRoutes } from './http/build-contexts.js';
import { healthz } from './http/healthz.js';
import { jsonClientErrors } from './http/client-error.js';
import { noSubscriptionsOverHttp } from './plugins/http-subscriptions.js';
import { Metrics } from './http/metrics.js';
import { concurrencyLimit } from './http/rate-limit.js';
import { strictPaths } from './http/routes.js';
import { startEmbeddedRedis, type EmbeddedRedis } from './redis/embedded-redis.js';
import { checkMemoryPolicy } from './redis/memory-policy.js';
import { ImageEventsHub } from './jobs/image-events.js';
import { ConnectionSlot, PendingConnections, SubscriptionLimits, TOO_MANY_CONNECTIONS, TOO_MANY_PENDING } from './plugins/subscription-limits.js';
import { connectRedis, redactRedisUrl } from './redis/redis-connection.js';
import { buildHangarSchema } from './schema/build-schema.js';
import { engineCallsPlugin } from './plugins/engine-calls.js';
import { startWebhooks } from './webhooks/webhooks.js';
import { makeFormatError } from './schema/format-error.js';
import { operationArgs, queryLimitRules } from './plugins/query-limits.js';

export interface StartHangarOptions {
  /** Where log lines go (default: stderr with a timestamp). */
  log?: (line: string) => void;
  /** HANGAR_ADMIN_TOKEN; undefined lets Hangar generate one at the first start. */
  adminToken?: string;
  /** Run job workers in this process too (default true; `npm start` runs API and workers together). */
  workers?: boolean;
}

/** A running Hangar API. */
export interface Hangar {
  url: string;
  port: number;
  hosts: HostRegistry;
  redisUrl: string;
  /** The admin token generated at this (first) start, if one was; it is not stored anywhere in clear. */
  generatedAdminToken: string | undefined;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The largest WebSocket message accepted (ws's default is 100 MiB); a bigger one closes the socket with 1009. */
export const WS_MAX_PAYLOAD_BYTES = 1024 * 1024;
/** How long a WebSocket may stay open without a connection_init (graphql-ws closes it with 4408). */
const WS_INIT_TIMEOUT_MS = 10_000;

/** The longest one shutdown step may take before the stop moves on to the next. */
const SHUTDOWN_STEP_MS = 5_000;

const defaultLog = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

/** Starts Redis (embedded unless configured), the host registry, and the HTTP + GraphQL server. */
export async function startHangar(config: HangarConfig, options: StartHangarOptions = {}): Promise<Hangar> {
  // Every log line goes through the one redaction helper: URLs lose user info and query values, Bearer/Basic
  // credentials are replaced, whoever wrote the line.
  const rawLog = options.log ?? defaultLog;
  const log = (line: string) => rawLog(redactText(line));
  const cleanup: (() => Promise<void> | void)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const step of cleanup.reverse()) {
        const started = Date.now();
        if (process.env.HANGAR_DEBUG_SHUTDOWN) log(`shutdown: ${step.toString().slice(0, 60).replace(/\s+/g, ' ')}`);
        // Each step is bounded: with Redis gone (killed with us, or down), closing queues and clients can wait on a
        // connection that never comes back, and a stop must still end.
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            Promise.resolve().then(step),
            new Promise<void>((_resolve, reject) => {
              timer = setTimeout(() => reject(new Error(`gave up after ${SHUTDOWN_STEP_MS} ms`)), SHUTDOWN_STEP_MS);
            }),
          ]);
        } catch (error) {
          log(`shutdown step failed: ${(error as Error).message}: ${step.toString().slice(0, 80).replace(/\s+/g, ' ')}`);
        } finally {
          clearTimeout(timer);
        }
        if (Date.now() - started > 2000) log(`shutdown step took ${Date.now() - started} ms: ${step.toString().slice(0, 80)}`);
      }
    })());
  try {
    let embedded: EmbeddedRedis | undefined;
    let redisUrl = config.redis?.url;
    if (!redisUrl) {
      embedded = await startEmbeddedRedis(config.dataDir, log, { maxMemoryBytes: config.limits.embeddedRedisMaxMemoryBytes });
      cleanup.push(() => embedded?.stop());
      redisUrl = embedded.url;
      log(`embedded redis-server on ${redisUrl} (data in ${config.dataDir}/redis, AOF on)`);
    }
    const redis: Redis = connectRedis(redisUrl);
    redis.on('error', (error) => log(`redis ${redactRedisUrl(redisUrl!)}: ${error.message}`));
    cleanup.push(async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
    await redis.ping();
    await checkMemoryPolicy(redis, log);

    const tokens = new TokenStore(redis);
    const generatedAdminToken = await tokens.bootstrapAdmin(options.adminToken, log);

    const hosts = HostRegistry.fromConfig(config, {
      onStatusChange: (state, previous) =>
        log(`host ${state.name} ${previous ?? 'NEW'} -> ${state.status}${state.error ? `: ${state.error.message}` : ''}`),
    });
    hosts.start();
    cleanup.push(() => hosts.stop());
    const audit = new AuditLog(redis);

    const connection = redisConnectionOptions(redisUrl);
    const queues = new JobQueues(connection, config.hosts.map((h) => h.name));
    cleanup.push(() => queues.close());
    await queues.applyConcurrency(Object.fromEntries(config.hosts.map((h) => [h.name, h.maxConcurrentJobs])));
    const jobEvents = new JobEventsHub(queues, redis, connection, hosts.names(), log);
    cleanup.push(() => jobEvents.close());
    await jobEvents.ready();
    // Every imageEvents subscription of this process shares one engine /events stream per host.
    const imageEvents = new ImageEventsHub((host) => hosts.client(host), { log });
    cleanup.push(() => imageEvents.close());
    const secretKey = loadSecretKey(process.env.HANGAR_SECRET_KEY, join(config.dataDir, 'secret.key'));
    const credentials = new CredentialStore(redis, secretKey, config.registries);
    const webhooks = startWebhooks({ config, redis, queues, hosts, secretKey, log });
    cleanup.push(() => webhooks.close());
    if (options.workers !== false) {
      const pool = await startWorkerPool({ config, redisUrl, log, hosts });
      cleanup.push(() => pool.close());
    }
    const contextFor = (principal: Principal, signal?: AbortSignal): HangarContext => {
      let directory: Promise<RegistryDirectory> | undefined;
      const visible = hostsFor(hosts, principal);
      return {
      principal,
      hosts: visible,
      config,
      registries: () => (directory ??= credentials.withSecrets().then((all) => new RegistryDirectory(all))),
      audit,
      redis,
      queues,
      jobEvents,
      imageEvents,
      credentials,
      webhooks,
      tokens,
      reader: new EngineReader(visible, signal, { maxCalls: config.limits.maxEngineCallsPerRequest }),
      };
    };

    const metrics = new Metrics();
    metrics.imageEventStreams = () => imageEvents.stats();
    const app = express();
    app.disable('x-powered-by');
    // Routing is case-sensitive and strict (no trailing slash): one spelling per route (see http/routes.ts).
    app.set('case sensitive routing', true);
    app.set('strict routing', true);
    const httpServer: Server = createServer(app);
    jsonClientErrors(httpServer);
    const schema = await buildHangarSchema();
    // Subscriptions: graphql-ws on the same path; the token goes in connection_init's `authorization`.
    const formatError = makeFormatError(log);
    // maxPayload: a message over 1 MiB closes the socket (1009) before it is buffered whole, authenticated or not.
    const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: WS_MAX_PAYLOAD_BYTES });
    // ws reports a client's protocol fault (a message over maxPayload, bad UTF-8, a bad frame: codes WS_ERR_*) as an
    // 'error' on the socket after it has closed it (1009, 1007, 1002); graphql-ws would print each one with
    // console.error as an internal error, so any client could fill the log. Registered before graphql-ws's handler.
    // An address may have MAX_PENDING_PER_ADDRESS connections that have not sent connection_init yet; more: 1013.
    const pendingWs = new PendingConnections<WebSocket>();
    wsServer.on('connection', (socket, request) => {
      const emit = socket.emit.bind(socket);
      socket.emit = ((event: string | symbol, ...args: unknown[]) =>
        event === 'error' && String((args[0] as { code?: unknown } | undefined)?.code).startsWith('WS_ERR_') ? true : emit(event, ...args)) as typeof socket.emit;
      socket.once('close', () => pendingWs.settle(socket));
      if (!pendingWs.add(socket, request.socket.remoteAddress ?? 'unknown')) socket.close(TOO_MANY_PENDING, 'too many unauthenticated connections from this address');
    });
    const wsLimits = new SubscriptionLimits(config.limits);
    const ws = useServer<Record<string, unknown>, { principal?: Principal; token?: string; slot?: ConnectionSlot }>(
      {
        schema,
        // A connection that does not authenticate within this is closed (4408).
        connectionInitWaitTimeout: WS_INIT_TIMEOUT_MS,
        onConnect: async (ctx) => {
          pendingWs.settle(ctx.extra.socket);
          const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
          const token = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1] : undefined;
          const principal = token ? await tokens.verify(token) : undefined;
          if (!principal) return false;
          const slot = wsLimits.connect(principal.tokenId);
          if (!(slot instanceof ConnectionSlot)) {
            ctx.extra.socket.close(TOO_MANY_CONNECTIONS, slot.refused.slice(0, 120));
            return false;
          }
          ctx.extra.slot = slot;
          ctx.extra.principal = principal;
          ctx.extra.token = token;
          return true;
        },
        // Whatever way a subscription ends, its count is given back (a ticket released twice counts once).
        onComplete: (ctx, _id, payload) => ctx.extra.slot?.end(payload),
        onClose: (ctx) => ctx.extra.slot?.close(),
        // Each new subscription checks the token again: one revoked since the connection opened starts nothing.
        onSubscribe: async (ctx, _id, payload) => {
          const principal = ctx.extra.token ? await tokens.verify(ctx.extra.token) : undefined;
          if (principal) {
            ctx.extra.principal = principal;
            // Parsed with the token limit and validated with the query limits here (graphql-ws's own parse would
            // read any document whole, and a syntax error would close the socket).
            const args = operationArgs(schema, payload, config.limits);
            if (Array.isArray(args)) return args;
            // Past limits.maxSubscriptionsPerConnection / PerToken the new one is refused; the running ones go on.
            const refused = ctx.extra.slot?.start(payload);
            return refused ? [new GraphQLError(refused, { extensions: { code: 'RATE_LIMITED' } })] : args;
          }
          return [new GraphQLError('invalid token: it was revoked', { extensions: { code: 'UNAUTHENTICATED' } })];
        },
        context: (ctx) => contextFor(ctx.extra.principal!),
        validate: (schema_, document) => validate(schema_, document, [...specifiedRules, ...queryLimitRules(config.limits)]),
        // Subscriptions' errors leave with an `extensions.code`, as queries' do (Apollo's formatError is HTTP only).
        // Errors before execution are the document's (validation): their messages go out as they are.
        onError: (ctx, _id, payload, errors) => {
          // A subscription refused by validation ends here, without onComplete.
          ctx.extra.slot?.end(payload);
          return errors.map((error) =>
            error.originalError instanceof HangarError
              ? formatError(error.toJSON(), error)
              : { ...error.toJSON(), extensions: { ...error.extensions, code: typeof error.extensions?.code === 'string' ? error.extensions.code : 'GRAPHQL_VALIDATION_FAILED' } },
          );
        },
        onNext: (_ctx, _id, _payload, _args, result) =>
          result.errors?.length ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) } : undefined,
      },
      wsServer,
    );
    const apollo = new ApolloServer<HangarContext>({
      schema,
      plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), engineCallsPlugin((calls) => (metrics.engineCalls += calls))],
      formatError,
      // The query limits (config `limits`): the token limit stops the parser; the rest are validation rules.
      parseOptions: { maxTokens: config.limits.maxTokens },
      validationRules: [...queryLimitRules(config.limits), noSubscriptionsOverHttp()],
      includeStacktraceInErrorResponses: false,
      // main.ts handles signals and stops everything in order; Apollo must not race it.
      stopOnTerminationSignals: false,
    });
    await apollo.start();
    // Apollo's drain plugin closes the HTTP server (and its idle connections); subscriptions go first.
    cleanup.push(() => apollo.stop());
    cleanup.push(async () => {
      await ws.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    });

    app.use(metrics.countRequests());
    // Only the routes of the table, spelled exactly (case, slashes, no percent-encoded letters); anything else is 404.
    app.use(strictPaths());
    app.get('/healthz', healthz(redis));
    // Any valid token may read the metrics (never secrets); a host-scoped token gets only its hosts' series.
    app.get('/metrics', bearerAuth(tokens), async (req: Request, res: Response, next: NextFunction) => {
      try {
        res.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.render(hostsFor(hosts, req.principal!), queues));
      } catch (error) {
        next(error);
      }
    });
    // Webhooks authenticate per source (token, path token, HMAC), never with Hangar's bearer tokens.
    app.use('/webhooks', webhooks.router);
    app.use(['/graphql', '/api/v1'], bearerAuth(tokens), concurrencyLimit(config.limits.maxConcurrentRequestsPerToken));
    app.use('/graphql', bearerAuth(tokens), express.json({ limit: '1mb' }), expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        // Engine calls made for a client that went away are cancelled.
        const disconnected = new AbortController();
        res.on('close', () => {
          if (!res.writableFinished) disconnected.abort();
        });
        return contextFor(req.principal!, disconnected.signal);
      },
    }));
    // Each REST route checks its own role (http/archives.ts, http/build-contexts.ts); strictPaths (above) lets only
    // the routes' own spellings through.
    app.use('/api/v1', bearerAuth(tokens), buildContextRoutes({
      redis,
      audit,
      limits: { maxBytes: 64 * 1024 * 1024, maxConcurrentUploadsPerToken: config.limits.maxConcurrentBuildContextUploadsPerToken, quotaBytes: config.limits.buildContextQuotaBytes },
    }));
    app.use('/api/v1', bearerAuth(tokens), archiveRoutes({ hostsFor: (principal) => hostsFor(hosts, principal), audit, config, log }));
    app.use((_req: Request, res: Response) => {
      res.status(404).json({ errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] });
    });
    app.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
      const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
      if (status === 500) log(`request failed: ${error.stack ?? error.message}`);
      res.status(status).json({
        errors: [{ message: status === 500 ? 'internal error' : error.message, extensions: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 500 ? 'INTERNAL' : 'BAD_REQUEST' } }],
      });
    });

    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.listen.port, config.listen.host, () => resolve());
    });
    const { port } = httpServer.address() as AddressInfo;
    const shownHost = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
    const url = `http://${shownHost}:${port}`;
    return { url, port, hosts, redisUrl, generatedAdminToken, stop, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
