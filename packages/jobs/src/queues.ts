import { Queue, type ConnectionOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import type { JobEnvelope } from './kinds.js';

/** One queue per host (so per-host concurrency holds across every worker), all under one Redis Cluster hash tag. */
export const QUEUE_PREFIX = '{hangar}';

export function queueName(host: string): string {
  return `host.${host}`;
}

/** Default options of every job: bounded retries with backoff, bounded history. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 10_000 },
} as const;

/** The queues of the fleet, made on first use and closed together. */
export class JobQueues {
  private readonly queues = new Map<string, Queue<JobEnvelope>>();

  readonly connection: ConnectionOptions;

  constructor(connection: RedisOptions) {
    this.connection = connection as ConnectionOptions;
  }

  get(host: string): Queue<JobEnvelope> {
    let queue = this.queues.get(host);
    if (!queue) {
      queue = new Queue<JobEnvelope>(queueName(host), { connection: this.connection, prefix: QUEUE_PREFIX, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      queue.on('error', () => {});
      this.queues.set(host, queue);
    }
    return queue;
  }

  /** Sets each host's limit of simultaneous jobs, enforced by Redis across all workers. */
  async applyConcurrency(limits: Record<string, number>): Promise<void> {
    await Promise.all(Object.entries(limits).map(([host, limit]) => this.get(host).setGlobalConcurrency(limit)));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
