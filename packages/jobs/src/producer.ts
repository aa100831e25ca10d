import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { makeJobId } from './job-id.js';
import { batchKey, writeMeta } from './job-meta.js';
import { jobDataSchemas, type JobKind } from './kinds.js';
import type { JobQueues } from './queues.js';

export interface EnqueueRequest<K extends JobKind = JobKind> {
  kind: K;
  host: string;
  data: unknown;
  batchId?: string | undefined;
  requestedBy: string;
  /** A caller's idempotency key (a webhook delivery): the same key on the same host is the same job. */
  key?: string | undefined;
  /** Attempts before the job fails for good (default 3). */
  attempts?: number | undefined;
  /** Delay before retries (default exponential from 2 s); webhook jobs wait minutes for a host that is down. */
  backoff?: { type: 'exponential' | 'fixed'; delay: number } | undefined;
}

/** Which running job a new one joins: the same pull (push) of the same reference on the same host. */
export function dedupeIdOf(kind: JobKind, host: string, data: Record<string, unknown>): string | undefined {
  if (kind !== 'pull' && kind !== 'push') return undefined;
  const identity = JSON.stringify([kind, host, data.ref, data.platform ?? null, data.tagAs ?? null]);
  return `${kind}:${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}

/**
 * Validates and enqueues one job. While an identical pull or push runs or waits on that host, the new request
 * joins it (`joined: true`, the running job's ID) instead of starting another.
 */
export async function enqueueJob(queues: JobQueues, redis: Redis, request: EnqueueRequest): Promise<{ id: string; joined: boolean }> {
  const data = jobDataSchemas[request.kind].parse(request.data) as Record<string, unknown>;
  const jobId = makeJobId(request.host, request.kind, request.key);
  const dedupeId = dedupeIdOf(request.kind, request.host, data);
  const job = await queues.get(request.host).add(
    request.kind,
    { kind: request.kind, host: request.host, batchId: request.batchId, requestedBy: request.requestedBy, data },
    { jobId, ...(dedupeId ? { deduplication: { id: dedupeId } } : {}), ...(request.attempts ? { attempts: request.attempts } : {}), ...(request.backoff ? { backoff: request.backoff } : {}) },
  );
  const id = job.id!;
  if (dedupeId && id === jobId) await writeMeta(redis, id, { dedupeId });
  if (request.batchId) await redis.multi().sadd(batchKey(request.batchId), id).expire(batchKey(request.batchId), 30 * 24 * 3600).exec();
  return { id, joined: id !== jobId };
}
