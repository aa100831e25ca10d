import { createHash } from 'node:crypto';
import { HangarError, redactUrl, urlNeedsRedaction } from '@hangar/core';
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
  /**
   * Seals a secret with the secret key (CredentialStore.seal). Needed for a job whose URL holds credentials (user
   * info or query values): such a URL is stored only encrypted, beside its redacted form.
   */
  seal?: ((plain: string) => string) | undefined;
}

/** `{ url }` with a URL that holds credentials replaced by its redacted form plus the real one sealed. */
function sealUrlOf<T extends { url: string; sealedUrl?: string | undefined }>(value: T, seal: EnqueueRequest['seal']): T {
  if (value.sealedUrl !== undefined || !urlNeedsRedaction(value.url)) return value;
  if (!seal) throw new HangarError('INTERNAL', 'a job URL holding credentials cannot be kept without the secret key');
  return { ...value, url: redactUrl(value.url), sealedUrl: seal(value.url) };
}

/**
 * Job data as stored: URLs that hold credentials (import, load, remote build context) are kept redacted, the
 * real URL only sealed. Everything that shows a job (subject, data, logs) sees the redacted form.
 */
export function sealJobData(kind: JobKind, data: Record<string, unknown>, seal: EnqueueRequest['seal']): Record<string, unknown> {
  if ((kind === 'import' || kind === 'load') && typeof data.url === 'string') return sealUrlOf(data as { url: string }, seal);
  const context = data.context as { kind?: string; url?: unknown } | undefined;
  if (kind === 'build' && context?.kind === 'remote' && typeof context.url === 'string') return { ...data, context: sealUrlOf(context as { url: string }, seal) };
  return data;
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
  const data = sealJobData(request.kind, jobDataSchemas[request.kind].parse(request.data) as Record<string, unknown>, request.seal);
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
