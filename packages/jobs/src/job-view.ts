import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseJobId } from './job-id.js';
import { readMeta } from './job-meta.js';
import { jobProgressSchema, jobResultSchema, type JobEnvelope, type JobKind, type JobProgress, type JobResult } from './kinds.js';
import type { JobQueues } from './queues.js';

export type JobState = 'QUEUED' | 'ACTIVE' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** A job as clients see it. */
export interface JobView {
  id: string;
  kind: JobKind;
  host: string;
  state: JobState;
  batchId: string | undefined;
  requestedBy: string;
  data: Record<string, unknown>;
  progress: JobProgress | undefined;
  result: JobResult | undefined;
  error: { code: string; message: string } | undefined;
  attempts: number;
  maxAttempts: number;
  createdAt: Date;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
}

function mapState(state: string, cancelled: boolean): JobState {
  if (cancelled && state !== 'completed') return 'CANCELLED';
  switch (state) {
    case 'active':
      return 'ACTIVE';
    case 'completed':
      return 'COMPLETED';
    case 'failed':
      return 'FAILED';
    default:
      return 'QUEUED';
  }
}

/**
 * A job's view. Pass the state when it was read BEFORE the job's record, so that a job ending in between shows as
 * still running rather than as finished without its result.
 */
export async function viewOf(job: Job<JobEnvelope>, redis: Redis, stateReadBefore?: string): Promise<JobView> {
  const [state, meta] = await Promise.all([stateReadBefore ?? job.getState(), readMeta(redis, job.id!)]);
  const progress = jobProgressSchema.safeParse(job.progress);
  const result = jobResultSchema.safeParse(job.returnvalue);
  const mapped = mapState(state, Boolean(meta.cancelledBy));
  return {
    id: job.id!,
    kind: job.data.kind,
    host: job.data.host,
    state: mapped,
    batchId: job.data.batchId,
    requestedBy: job.data.requestedBy,
    data: job.data.data,
    progress: progress.success ? progress.data : undefined,
    result: state === 'completed' && result.success ? result.data : undefined,
    error:
      mapped === 'CANCELLED'
        ? { code: 'CANCELLED', message: `cancelled by ${meta.cancelledBy}` }
        : state === 'failed'
          ? { code: meta.errorCode ?? 'ENGINE_ERROR', message: meta.errorMessage ?? job.failedReason ?? 'failed' }
          : undefined,
    attempts: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    createdAt: new Date(job.timestamp),
    startedAt: job.processedOn ? new Date(job.processedOn) : undefined,
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : mapped === 'CANCELLED' && meta.cancelledAt ? new Date(meta.cancelledAt) : undefined,
  };
}

/** The queue an ID names, if the ID is well formed and names a configured host (no queue is made for others). */
function queueOf(queues: JobQueues, id: string): Queue<JobEnvelope> | undefined {
  const parsed = parseJobId(id);
  return parsed ? queues.find(parsed.host) : undefined;
}

/** Finds a job by ID in its host's queue (the ID names the host); undefined for an unknown host. */
export async function findJob(queues: JobQueues, id: string): Promise<Job<JobEnvelope> | undefined> {
  return (await queueOf(queues, id)?.getJob(id)) ?? undefined;
}

export async function readJob(queues: JobQueues, redis: Redis, id: string): Promise<JobView | undefined> {
  const queue = queueOf(queues, id);
  if (!queue) return undefined;
  const state = await queue.getJobState(id);
  if (state === 'unknown') return undefined;
  const job = await queue.getJob(id);
  return job ? viewOf(job, redis, state) : undefined;
}

/** The last `max` lines of a job's log or, with `from`, up to `max` lines from line `from` (0-based) on. */
export async function jobLogs(queue: Queue<JobEnvelope>, id: string, max = 2000, from?: number): Promise<string[]> {
  const { logs } = from === undefined ? await queue.getJobLogs(id, -max, -1) : await queue.getJobLogs(id, from, from + max - 1);
  return logs;
}

export interface JobFilter {
  states?: JobState[] | undefined;
  kinds?: JobKind[] | undefined;
  hosts?: string[] | undefined;
  batchId?: string | undefined;
}

const BULL_STATES: Record<JobState, string[]> = {
  QUEUED: ['waiting', 'delayed', 'prioritized', 'waiting-children'],
  ACTIVE: ['active'],
  COMPLETED: ['completed'],
  FAILED: ['failed'],
  CANCELLED: ['failed', 'waiting', 'delayed', 'prioritized', 'active'],
};

/** Jobs across hosts (of `hosts`, narrowed by `filter.hosts`; other names have no jobs), newest first, at most `limit` per host. */
export async function listJobs(queues: JobQueues, redis: Redis, hosts: string[], filter: JobFilter, limit = 1000): Promise<JobView[]> {
  const states = filter.states?.length ? filter.states : (['QUEUED', 'ACTIVE', 'COMPLETED', 'FAILED', 'CANCELLED'] as JobState[]);
  const bullStates = [...new Set(states.flatMap((s) => BULL_STATES[s]))];
  let ids: Set<string> | undefined;
  if (filter.batchId) ids = new Set(await redis.smembers(`{hangar}:batch:${filter.batchId}`));
  const perHost = await Promise.all(
    (filter.hosts?.length ? [...new Set(filter.hosts)].filter((host) => hosts.includes(host)) : hosts).map(async (host) => {
      const queue = queues.find(host);
      if (!queue) return [];
      const jobs = ids
        ? (await Promise.all([...ids].filter((id) => parseJobId(id)?.host === host).map((id) => queue.getJob(id)))).filter((j): j is Job<JobEnvelope> => Boolean(j))
        : await queue.getJobs(bullStates as never, 0, limit - 1, false);
      // Read each job state-first (readJob), so a job ending meanwhile never looks finished without its result.
      const views = await Promise.all(jobs.map((job) => readJob(queues, redis, job.id!)));
      return views.filter((view): view is JobView => Boolean(view));
    }),
  );
  return perHost
    .flat()
    .filter((view) => states.includes(view.state) && (!filter.kinds?.length || filter.kinds.includes(view.kind)))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? -1 : 1));
}

/** What stands for a host name the reader's token does not see. */
export const HIDDEN_HOST = '(hidden host)';

/** `text` with every whole occurrence of the host's name (not part of a longer name) replaced by HIDDEN_HOST. */
export function hideHostName(text: string, host: string): string {
  const escaped = host.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  return text.replace(new RegExp(`(?<![A-Za-z0-9_.-])${escaped}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9_-])`, 'g'), HIDDEN_HOST);
}

/**
 * The host a job names besides its own (a copy's source), when the reader may not see it; undefined otherwise.
 * Such a job is shown with that name hidden (`hideSourceHost`), in its data, progress, error and log lines.
 */
export function hiddenSourceOf(view: Pick<JobView, 'kind' | 'data'>, visible: (host: string) => boolean): string | undefined {
  const source = view.kind === 'copy' ? view.data.sourceHost : undefined;
  return typeof source === 'string' && !visible(source) ? source : undefined;
}

/** The job as a reader who does not see its source host sees it (unchanged when the reader sees every host it names). */
export function hideSourceHost(view: JobView, visible: (host: string) => boolean): JobView {
  const source = hiddenSourceOf(view, visible);
  if (!source) return view;
  const hide = (text: string) => hideHostName(text, source);
  return {
    ...view,
    data: { ...view.data, sourceHost: HIDDEN_HOST },
    progress: view.progress ? { ...view.progress, ...(view.progress.message !== undefined ? { message: hide(view.progress.message) } : {}) } : undefined,
    error: view.error ? { code: view.error.code, message: hide(view.error.message) } : undefined,
  };
}
