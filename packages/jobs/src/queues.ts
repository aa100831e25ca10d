import { HangarError } from '@hangar/core';
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

/**
 * The queues of the fleet: one per configured host, made on first use and closed together. A name that is not a
 * configured host never gets a queue (each BullMQ Queue holds a Redis connection for as long as it lives, so a
 * queue per name a client makes up would be a connection per name, never closed): `has` says whether a host has
 * one, `find` answers undefined and `get` throws HOST_NOT_FOUND.
 */
export class JobQueues {
  private readonly queues = new Map<string, Queue<JobEnvelope>>();
  private readonly hosts: ReadonlySet<string>;

  readonly connection: ConnectionOptions;

  /** `hosts`: the configured host names, the only ones that ever get a queue. */
  constructor(connection: RedisOptions, hosts: Iterable<string>) {
    this.connection = connection as ConnectionOptions;
    this.hosts = new Set(hosts);
  }

  /** Whether the host is configured (and so has, or may get, a queue). */
  has(host: string): boolean {
    return this.hosts.has(host);
  }

  /** The host's queue, or undefined for a name that is not a configured host (nothing is made for it). */
  find(host: string): Queue<JobEnvelope> | undefined {
    if (!this.hosts.has(host)) return undefined;
    let queue = this.queues.get(host);
    if (!queue) {
      queue = new Queue<JobEnvelope>(queueName(host), { connection: this.connection, prefix: QUEUE_PREFIX, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      queue.on('error', () => {});
      this.queues.set(host, queue);
    }
    return queue;
  }

  /** The host's queue; HOST_NOT_FOUND for a name that is not a configured host. */
  get(host: string): Queue<JobEnvelope> {
    const queue = this.find(host);
    if (!queue) throw new HangarError('HOST_NOT_FOUND', `no host named "${host}"`, { host });
    return queue;
  }

  /** How many queues (so Redis connections) are open: at most one per configured host. */
  get size(): number {
    return this.queues.size;
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
