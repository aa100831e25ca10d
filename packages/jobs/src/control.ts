import type { Redis } from 'ioredis';
import { HangarError } from '@hangar/core';
import { findJob } from './job-view.js';
import { CANCEL_CHANNEL, clearMeta, readMeta, writeMeta } from './job-meta.js';
import type { JobQueues } from './queues.js';

/**
 * Cancels a job: a waiting one will not run; a running one's engine stream is aborted by the worker holding it
 * (every worker hears the cancel channel). The job is CANCELLED from now on; its dedupe slot is freed at once.
 */
export async function cancelJob(queues: JobQueues, redis: Redis, id: string, by: string): Promise<void> {
  const job = await findJob(queues, id);
  if (!job) throw new HangarError('NOT_FOUND', `no job ${id}`);
  const state = await job.getState();
  if (state === 'completed' || state === 'failed') throw new HangarError('CONFLICT', `job ${id} has already finished (${state})`);
  const meta = await readMeta(redis, id);
  await writeMeta(redis, id, { cancelledBy: by, cancelledAt: new Date().toISOString() });
  if (meta.dedupeId) await queues.get(job.data.host).removeDeduplicationKey(meta.dedupeId);
  // A running job is aborted by the worker that holds it; a waiting one fails at once when a worker takes it.
  await redis.publish(CANCEL_CHANNEL, id);
}

/** Runs a failed or cancelled job again, from the start, as the same job. */
export async function retryJob(queues: JobQueues, redis: Redis, id: string): Promise<void> {
  const job = await findJob(queues, id);
  if (!job) throw new HangarError('NOT_FOUND', `no job ${id}`);
  const state = await job.getState();
  if (state !== 'failed') throw new HangarError('CONFLICT', `only a failed or cancelled job can be retried; ${id} is ${state}`);
  await clearMeta(redis, id, ['cancelledBy', 'cancelledAt', 'errorCode', 'errorMessage']);
  await job.retry('failed');
}
