import type { Redis } from 'ioredis';

/** What Hangar keeps beside BullMQ's record of a job: why it failed, and whether someone cancelled it. */
export interface JobMeta {
  cancelledBy?: string;
  cancelledAt?: string;
  errorCode?: string;
  errorMessage?: string;
  dedupeId?: string;
}

const META_TTL_SECONDS = 30 * 24 * 3600;
export const CANCEL_CHANNEL = '{hangar}:cancel';

export const metaKey = (jobId: string) => `{hangar}:meta:${jobId}`;
export const batchKey = (batchId: string) => `{hangar}:batch:${batchId}`;
export const uploadKey = (key: string) => `{hangar}:upload:${key}`;

export async function readMeta(redis: Redis, jobId: string): Promise<JobMeta> {
  return (await redis.hgetall(metaKey(jobId))) as JobMeta;
}

export async function writeMeta(redis: Redis, jobId: string, meta: JobMeta): Promise<void> {
  const entries = Object.entries(meta).filter(([, value]) => value !== undefined) as [string, string][];
  if (entries.length === 0) return;
  await redis.multi().hset(metaKey(jobId), Object.fromEntries(entries)).expire(metaKey(jobId), META_TTL_SECONDS).exec();
}

export async function clearMeta(redis: Redis, jobId: string, fields: (keyof JobMeta)[]): Promise<void> {
  if (fields.length) await redis.hdel(metaKey(jobId), ...fields);
}
