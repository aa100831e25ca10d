import { CANCEL_CHANNEL, QUEUE_PREFIX, queueName, readJob, type JobQueues, type JobView } from '@hangar/jobs';
import { QueueEvents, type ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { Channel } from './channel.js';

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export function isTerminal(view: JobView): boolean {
  return TERMINAL.has(view.state);
}

/**
 * Turns queue events (from any worker process, through Redis streams) into job views for subscribers. One
 * QueueEvents per host queue per API process; a job's view is read once per event however many follow it.
 */
export class JobEventsHub {
  private readonly byJob = new Map<string, Set<Channel<JobView>>>();
  private readonly byBatch = new Map<string, Set<Channel<JobView>>>();
  private readonly events: QueueEvents[] = [];
  private readonly subscriber: Redis;

  constructor(
    private readonly queues: JobQueues,
    private readonly redis: Redis,
    connection: RedisOptions,
    hosts: readonly string[],
    private readonly log: (line: string) => void,
  ) {
    for (const host of hosts) {
      const events = new QueueEvents(queueName(host), { connection: connection as ConnectionOptions, prefix: QUEUE_PREFIX });
      events.on('error', (error) => log(`queue events ${host}: ${error.message}`));
      for (const name of ['waiting', 'active', 'progress', 'completed', 'failed', 'delayed', 'retries-exhausted', 'stalled'] as const) {
        events.on(name as 'waiting', ({ jobId }: { jobId: string }) => void this.changed(jobId));
      }
      this.events.push(events);
    }
    this.subscriber = new Redis(connection);
    this.subscriber.on('error', () => {});
    void this.subscriber.subscribe(CANCEL_CHANNEL);
    this.subscriber.on('message', (_channel, jobId: string) => void this.changed(jobId));
  }

  async ready(): Promise<void> {
    await Promise.all(this.events.map((events) => events.waitUntilReady()));
  }

  /** Per job, reads happen one after another, so subscribers see a job's changes in order. */
  private readonly reading = new Map<string, Promise<void>>();

  private changed(jobId: string): Promise<void> {
    const previous = this.reading.get(jobId) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(jobId)).catch(() => {});
    this.reading.set(jobId, next);
    void next.then(() => {
      if (this.reading.get(jobId) === next) this.reading.delete(jobId);
    });
    return next;
  }

  private async deliver(jobId: string): Promise<void> {
    const jobChannels = this.byJob.get(jobId);
    const batchInterest = this.byBatch.size > 0;
    if (!jobChannels?.size && !batchInterest) return;
    const view = await readJob(this.queues, this.redis, jobId).catch(() => undefined);
    if (!view) return;
    const batchChannels = view.batchId ? this.byBatch.get(view.batchId) : undefined;
    if (!jobChannels?.size && !batchChannels?.size) return;
    for (const channel of jobChannels ?? []) channel.push(view);
    for (const channel of batchChannels ?? []) channel.push(view);
  }

  private subscribe(map: Map<string, Set<Channel<JobView>>>, key: string): Channel<JobView> {
    const channel: Channel<JobView> = new Channel<JobView>(() => {
      map.get(key)?.delete(channel);
      if (map.get(key)?.size === 0) map.delete(key);
    });
    if (!map.has(key)) map.set(key, new Set());
    map.get(key)!.add(channel);
    return channel;
  }

  /** Updates of one job: its current view first, then every change, ending after a final state. */
  async *job(id: string, initial: JobView): AsyncGenerator<JobView> {
    const channel = this.subscribe(this.byJob, id);
    try {
      yield initial;
      if (isTerminal(initial)) return;
      const current = await readJob(this.queues, this.redis, id);
      if (current && (current.state !== initial.state || isTerminal(current))) {
        yield current;
        if (isTerminal(current)) return;
      }
      for await (const view of channel) {
        yield view;
        if (isTerminal(view)) return;
      }
    } finally {
      channel.close();
    }
  }

  /** Updates of every job of a batch: their current views first, then every change, ending when all are final. */
  async *batch(batchId: string, initial: JobView[]): AsyncGenerator<JobView> {
    const channel = this.subscribe(this.byBatch, batchId);
    const states = new Map(initial.map((view) => [view.id, view.state]));
    const done = () => [...states.values()].every((state) => TERMINAL.has(state));
    try {
      for (const view of initial) yield view;
      if (initial.length === 0 || done()) return;
      // A job may have changed between the first read and the subscription: read the unfinished ones again.
      for (const view of initial) {
        if (TERMINAL.has(view.state)) continue;
        const current = await readJob(this.queues, this.redis, view.id);
        if (current && current.state !== view.state) {
          states.set(current.id, current.state);
          yield current;
        }
      }
      if (done()) return;
      for await (const view of channel) {
        // Only the jobs it started with (all of a batch's jobs exist when it is made; the others are outside the
        // subscriber's token scope).
        if (!states.has(view.id)) continue;
        states.set(view.id, view.state);
        yield view;
        if (done()) return;
      }
    } finally {
      channel.close();
    }
  }

  async close(): Promise<void> {
    for (const set of [...this.byJob.values(), ...this.byBatch.values()]) for (const channel of set) channel.close();
    await Promise.all(this.events.map((events) => events.close()));
    this.subscriber.disconnect();
  }
}
