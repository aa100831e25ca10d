import { egressPolicyOf, HostRegistry, type HangarConfig } from '@hangar/core';
import { CANCEL_CHANNEL, CredentialStore, JobQueues, loadSecretKey, QUEUE_PREFIX, queueName, redisConnectionOptions, type JobEnvelope } from '@hangar/jobs';
import { Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { join } from 'node:path';
import { makeProcessor } from './processor.js';

export interface WorkerPool {
  /** Stops taking jobs and waits for running ones to end (or for `timeoutMs`, after which they are left to stall recovery). */
  close(): Promise<void>;
}

export interface WorkerPoolOptions {
  config: HangarConfig;
  redisUrl: string;
  log: (line: string) => void;
  /** Reuse the API's host registry when in the same process. */
  hosts?: HostRegistry;
}

/**
 * One BullMQ worker per host queue. Each host's limit of simultaneous jobs is the queue's global concurrency, so
 * it holds across any number of worker processes; a worker that dies leaves its jobs to stalled-job recovery.
 */
export async function startWorkerPool({ config, redisUrl, log, hosts: shared }: WorkerPoolOptions): Promise<WorkerPool> {
  // The API's key, never a new one: a worker with a key of its own could not open the secrets the API sealed
  // (registry passwords, job URLs). Read before anything connects, so a refusal leaves nothing open.
  const secretKey = loadSecretKey(process.env.HANGAR_SECRET_KEY, join(config.dataDir, 'secret.key'), { create: false });
  const connection = redisConnectionOptions(redisUrl);
  const redis = new Redis(connection);
  redis.on('error', (error) => log(`worker redis: ${error.message}`));
  const subscriber = new Redis(connection);
  subscriber.on('error', () => {});
  const hosts = shared ?? HostRegistry.fromConfig(config);
  const queues = new JobQueues(connection, config.hosts.map((h) => h.name));
  await queues.applyConcurrency(Object.fromEntries(config.hosts.map((h) => [h.name, h.maxConcurrentJobs])));
  const credentials = new CredentialStore(redis, secretKey, config.registries);
  const processor = makeProcessor({ hosts, redis, credentials, stallTimeoutMs: config.archives.stallTimeoutMs, egress: egressPolicyOf(config.egress), log });
  const workers = config.hosts.map((host) => {
    const worker = new Worker<JobEnvelope>(queueName(host.name), processor, {
      connection: connection as ConnectionOptions,
      prefix: QUEUE_PREFIX,
      concurrency: host.maxConcurrentJobs,
      lockDuration: config.jobs.lockDurationMs,
      stalledInterval: config.jobs.stalledIntervalMs,
      maxStalledCount: 3,
    });
    worker.on('error', (error) => log(`worker ${host.name}: ${error.message}`));
    return worker;
  });
  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on('message', (_channel, jobId: string) => {
    for (const worker of workers) if (worker.cancelJob(jobId, 'cancelled')) log(`job ${jobId}: cancelling`);
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  log(`workers ready for ${config.hosts.length} host(s)`);
  return {
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      subscriber.disconnect();
      await queues.close();
      redis.disconnect();
      if (!shared) hosts.stop();
    },
  };
}
