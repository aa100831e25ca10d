import { createHash, randomBytes } from 'node:crypto';
import type { JobKind } from './kinds.js';

/**
 * Job IDs name their host, so any process can find a job's queue from its ID alone: `<host>@<kind>-<suffix>`.
 * The suffix is random, or derived from a caller's key (a webhook delivery) so that enqueueing twice is a no-op.
 */
export function makeJobId(host: string, kind: JobKind, key?: string): string {
  const suffix = key ? createHash('sha256').update(key).digest('hex').slice(0, 20) : randomBytes(10).toString('hex');
  return `${host}@${kind}-${suffix}`;
}

export function parseJobId(id: string): { host: string; kind: string } | undefined {
  const match = /^([a-zA-Z0-9][a-zA-Z0-9_.-]{0,62})@([a-z]+)-[0-9a-f]{8,40}$/.exec(id);
  return match ? { host: match[1]!, kind: match[2]! } : undefined;
}

export function makeBatchId(): string {
  return `batch-${randomBytes(10).toString('hex')}`;
}
