import { randomBytes } from 'node:crypto';
import { checkTarHeader } from '@hangar/core';
import { uploadKey } from '@hangar/jobs';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit-log.js';
import { requireRoleHttp } from '../auth/roles.js';
import { tarCompleteness } from './tar-completeness.js';
import { InFlightSlots, lingerThenRespond } from './request-slots.js';
import { parseMemoryPolicy } from '../redis/memory-policy.js';

/** Build contexts are kept this long for a buildImage to use them. */
const CONTEXT_TTL_SECONDS = 3600;
/** An upload is appended to Redis in pieces of about this size: a request holds no more than this in memory. */
const APPEND_BYTES = 1024 * 1024;
/**
 * Build contexts may take Redis up to this share of its maxmemory: the rest stays for jobs, which fail to enqueue
 * when a noeviction Redis is full.
 */
const REDIS_SHARE = 0.75;
/** A partial upload left by a process that died disappears after this. */
const PARTIAL_TTL_SECONDS = 600;
/** How much of a refused upload is read (and dropped) so that the client can finish sending and read the answer. */

export interface BuildContextLimits {
  /** The largest context accepted. */
  maxBytes: number;
  /** Uploads one token may have in flight at once in this process (limits.maxConcurrentBuildContextUploadsPerToken). */
  maxConcurrentUploadsPerToken: number;
  /** Bytes of stored (unexpired) contexts one token may hold (limits.buildContextQuotaBytes). */
  quotaBytes: number;
}

/** Per token: which contexts it stored (a sorted set, `<key>:<bytes>` scored by expiry) and their total bytes. */
const usageKeys = (tokenId: string) => [`{hangar}:upload-usage:${tokenId}`, `{hangar}:upload-usage-bytes:${tokenId}`];

/**
 * KEYS: partial, final, usage set, usage total. ARGV: now (ms), mode (`peek` | `commit`), bytes, quota, expiresAt
 * (ms), member, ttl (s). Drops expired entries from the usage, then (commit) moves the partial upload in place
 * and counts it if the quota allows, else deletes it. Answers [stored (1, 0 refused, -1 partial gone), bytes
 * used, ms until the oldest stored context expires (-1: none)].
 */
const QUOTA_SCRIPT = `
local now = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
local freed = 0
for _, member in ipairs(expired) do freed = freed + tonumber(string.match(member, ':(%d+)$') or '0') end
if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now) end
local used = tonumber(redis.call('GET', KEYS[4]) or '0') - freed
if used < 0 or redis.call('ZCARD', KEYS[3]) == 0 then used = 0 end
local stored = 0
if ARGV[2] == 'commit' then
  local bytes = tonumber(ARGV[3])
  if redis.call('EXISTS', KEYS[1]) == 0 then
    stored = -1
  elseif used + bytes > tonumber(ARGV[4]) then
    redis.call('DEL', KEYS[1])
  else
    redis.call('RENAME', KEYS[1], KEYS[2])
    redis.call('EXPIRE', KEYS[2], tonumber(ARGV[7]))
    redis.call('ZADD', KEYS[3], tonumber(ARGV[5]), ARGV[6])
    used = used + bytes
    stored = 1
  end
end
if used > 0 then
  redis.call('SET', KEYS[4], used, 'EX', tonumber(ARGV[7]) + 60)
  redis.call('EXPIRE', KEYS[3], tonumber(ARGV[7]) + 60)
else
  redis.call('DEL', KEYS[4], KEYS[3])
end
local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
local wait = -1
if oldest[2] then wait = math.max(0, tonumber(oldest[2]) - now) end
return {stored, used, wait}
`;

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

function quotaRefusal(used: number, adding: number | undefined, quota: number, waitMs: number): Refusal {
  const what = adding === undefined ? 'it is used up' : `this one (${adding} bytes) would pass it`;
  const wait = waitMs >= 0 ? `; the oldest expires in ${Math.ceil(waitMs / 1000)} s` : '';
  return new Refusal(413, 'QUOTA_EXCEEDED', `this token's stored build contexts take ${used} of its ${quota} bytes (limits.buildContextQuotaBytes) and ${what}${wait}`, waitMs >= 0 ? Math.ceil(waitMs / 1000) : undefined);
}

/** Answers a refused upload (413, 429) once the client has sent its body or given up (see lingerThenRespond). */
function refuse(req: Request, res: Response, refusal: Refusal): void {
  lingerThenRespond(req, () => {
    if (res.headersSent || res.destroyed) return;
    if (!req.complete) res.setHeader('Connection', 'close');
    if (refusal.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.max(1, refusal.retryAfterSeconds)));
    res.status(refusal.status).json({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });
  });
}

/** At most `max` uploads in flight per token; the slot is freed when the answer is sent or the client goes away. */
function uploadsInFlight(max: number) {
  const slots = new InFlightSlots();
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = req.principal!.tokenId;
    if (!slots.acquire(key, max, res)) {
      return refuse(req, res, new Refusal(429, 'RATE_LIMITED', `this token has ${slots.held(key)} build-context uploads in flight, the most allowed (limits.maxConcurrentBuildContextUploadsPerToken); retry when one finishes`, 1));
    }
    next();
  };
}

/**
 * `POST /api/v1/build-contexts` (operators): a build context tar, kept in Redis for an hour so that a worker on any
 * machine can build from it (`buildImage(input: { contextUpload: key })`). The body is streamed into Redis in
 * pieces (APPEND to a partial key, renamed into place when complete), so a request holds about 1 MiB in memory
 * whatever the context's size. Bounded per context (`maxBytes`, 413 PAYLOAD_TOO_LARGE), per token in flight (429
 * RATE_LIMITED) and per token stored (413 QUOTA_EXCEEDED, counted until the contexts expire); refused with 507
 * when Redis has a maxmemory and the context would take it past REDIS_SHARE of it (jobs need the rest).
 */
export function buildContextRoutes({ redis, audit, limits }: { redis: Redis; audit: AuditLog; limits: BuildContextLimits }): Router {
  const { maxBytes, quotaBytes } = limits;
  const router = Router();
  const quota = async (tokenId: string, mode: 'peek' | 'commit', extra: { partial?: string; final?: string; bytes?: number; member?: string } = {}) => {
    const now = Date.now();
    const [partial = '{hangar}:upload:none', final = '{hangar}:upload:none'] = [extra.partial, extra.final];
    const result = (await redis.eval(
      QUOTA_SCRIPT,
      4,
      partial,
      final,
      ...usageKeys(tokenId),
      now,
      mode,
      extra.bytes ?? 0,
      quotaBytes,
      now + CONTEXT_TTL_SECONDS * 1000,
      extra.member ?? '',
      CONTEXT_TTL_SECONDS,
    )) as [number, number, number];
    return { stored: Number(result[0]), used: Number(result[1]), waitMs: Number(result[2]) };
  };

  router.post('/build-contexts', requireRoleHttp('operator', 'uploading a build context'), uploadsInFlight(limits.maxConcurrentUploadsPerToken), async (req: Request, res: Response, next: NextFunction) => {
    const tokenId = req.principal!.tokenId;
    const key = `ctx-${randomBytes(12).toString('hex')}`;
    const partial = uploadKey(`partial-${key}`);
    let wrote = false;
    try {
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > maxBytes) throw new Refusal(413, 'PAYLOAD_TOO_LARGE', `build context is ${declared} bytes; the limit is ${maxBytes}`);
      const before = await quota(tokenId, 'peek');
      if (before.used >= quotaBytes || (Number.isFinite(declared) && before.used + declared > quotaBytes)) {
        throw quotaRefusal(before.used, Number.isFinite(declared) ? declared : undefined, quotaBytes, before.waitMs);
      }
      // What this upload may take: the per-context limit, or what is left of the quota if that is less.
      const allowed = Math.min(maxBytes, quotaBytes - before.used);
      const memory = parseMemoryPolicy(await redis.info('memory').catch(() => ''));
      const expected = Number.isFinite(declared) ? declared : allowed;
      if (memory.maxMemoryBytes > 0 && memory.usedBytes + expected > memory.maxMemoryBytes * REDIS_SHARE) {
        throw new Refusal(507, 'INSUFFICIENT_STORAGE', `Hangar's Redis is near its memory limit (${memory.usedBytes} of ${memory.maxMemoryBytes} bytes used); a build context of up to ${expected} bytes would leave too little for jobs. Retry later, or use a remote context URL`, 60);
      }
      let bytes = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let head = Buffer.alloc(0);
      const framing = tarCompleteness();
      const flush = async () => {
        if (pendingBytes === 0) return;
        const piece = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        wrote = true;
        await redis.multi().append(partial, piece).expire(partial, PARTIAL_TTL_SECONDS).exec();
      };
      try {
        // destroyOnReturn: false, so that a refusal mid-body can still read the rest and answer (see refuse).
        for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          if (bytes > allowed) {
            throw allowed === maxBytes
              ? new Refusal(413, 'PAYLOAD_TOO_LARGE', `build context is over the limit of ${maxBytes} bytes`)
              : quotaRefusal(before.used, bytes, quotaBytes, before.waitMs);
          }
          if (head.length < 512) {
            head = Buffer.concat([head, chunk.subarray(0, 512 - head.length)]);
            if (head.length === 512) {
              const header = checkTarHeader(head);
              if (!header.ok) throw new Refusal(400, 'BAD_REQUEST', `body is not a tar archive: ${header.reason}`);
            }
          }
          framing.push(chunk);
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= APPEND_BYTES) await flush();
        }
      } catch (error) {
        if (error instanceof Refusal) throw error;
        // The client went away mid-body: nobody is left to answer.
        throw new Refusal(400, 'BAD_REQUEST', 'the upload was cut short');
      }
      if (head.length < 512) {
        const header = checkTarHeader(head);
        throw new Refusal(400, 'BAD_REQUEST', `body is not a tar archive: ${header.ok ? 'shorter than one tar block' : header.reason}`);
      }
      // A context cut short (or whose header claims more than came) is refused now, not stored to fail a build later.
      const cut = await framing.end();
      if (cut) throw new Refusal(400, 'BAD_REQUEST', `body is not a complete tar archive: ${cut}`);
      await flush();
      const committed = await quota(tokenId, 'commit', { partial, final: uploadKey(key), bytes, member: `${key}:${bytes}` });
      if (committed.stored === 0) throw quotaRefusal(committed.used, bytes, quotaBytes, committed.waitMs);
      if (committed.stored < 0) throw new Refusal(503, 'INTERNAL', 'the upload was lost from Redis before it was complete; send it again');
      wrote = false;
      await audit.record(req.principal!, { action: 'uploadBuildContext', hosts: [], target: { key, bytes }, outcome: 'ok', detail: undefined });
      res.status(201).json({ key, bytes, expiresInSeconds: CONTEXT_TTL_SECONDS });
    } catch (error) {
      if (wrote) await redis.del(partial).catch(() => {});
      if (error instanceof Refusal) return refuse(req, res, error);
      next(error);
    }
  });
  return router;
}
