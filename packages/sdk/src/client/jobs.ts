import { HangarError } from '../errors/hangar-error.js';
import type {
  BuildImageInput,
  CopyImageInput,
  ImportImageInput,
  JobFieldsFragment,
  JobsPayloadFieldsFragment,
  JobState,
  LoadImageInput,
  PullImageInput,
  PushImageInput,
} from '../generated/graphql.js';
import type { HangarSdk } from './create-hangar-client.js';
import type { RequestOptions } from './request-options.js';

/** A job as handles see it: state, progress, result, error. */
export type Job = JobFieldsFragment;
/** What the job-starting mutations answer. */
export type JobsPayload = JobsPayloadFieldsFragment;
/** The operations handles use (any HangarClient has them). */
export type JobsClient = Pick<HangarSdk, 'job' | 'jobUpdated' | 'batchUpdated' | 'pullImage' | 'pushImage' | 'buildImage' | 'copyImage' | 'importImage' | 'loadImage' | 'cancelJob' | 'retryJob'>;

const TERMINAL: readonly JobState[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** COMPLETED, FAILED or CANCELLED: the job will not change again (unless retried). */
export function isFinished(job: Pick<Job, 'state'>): boolean {
  return TERMINAL.includes(job.state);
}

/**
 * A job that ended FAILED or CANCELLED: `code` is the job's error code (`REGISTRY_AUTH_FAILED`, `NOT_FOUND`, …;
 * `CANCELLED` for a cancelled job without one), `job` the final job, `jobs` every final job of its batch.
 */
export class JobFailedError extends HangarError {
  readonly job: Job;
  readonly jobs: readonly Job[];

  constructor(job: Job, jobs: readonly Job[] = [job]) {
    const code = job.error?.code ?? (job.state === 'CANCELLED' ? 'CANCELLED' : 'INTERNAL');
    const reason = job.error?.message ?? (job.state === 'CANCELLED' ? 'cancelled' : 'failed');
    super(code, `job ${job.id} ${job.state === 'CANCELLED' ? 'was cancelled' : 'failed'}: ${reason}`, { host: job.host });
    this.job = job;
    this.jobs = jobs;
  }
}

export interface JobHandle {
  readonly id: string;
  readonly host: string;
  /** The job as the call that made the handle saw it (undefined for a handle made from an ID). */
  readonly initial: Job | undefined;
  /** Every update (over `jobUpdated`): the current state first, then each change, ending once it finished. */
  progress(options?: RequestOptions): AsyncGenerator<Job, void, undefined>;
  /** The final job once COMPLETED; rejects with JobFailedError (the job's error code) when FAILED or CANCELLED. */
  done(options?: RequestOptions): Promise<Job>;
  /** Cancels the job (`cancelJob`). */
  cancel(options?: RequestOptions): Promise<JobsPayload>;
}

export interface BatchHandle {
  /** The batch ID (null when the server made no batch). */
  readonly batchId: string | null;
  /** One handle per job started (or joined). */
  readonly jobs: readonly JobHandle[];
  /** Hosts or inputs that started nothing. */
  readonly userErrors: JobsPayload['userErrors'];
  /** Updates of every job (over `batchUpdated`), ending when all have finished. */
  progress(options?: RequestOptions): AsyncGenerator<Job, void, undefined>;
  /** Every job's final state, whatever it is. */
  settled(options?: RequestOptions): Promise<Job[]>;
  /** Every job's final state when all COMPLETED; rejects with JobFailedError for the first that did not. */
  done(options?: RequestOptions): Promise<Job[]>;
}

/** After this long without an update, the jobs still running are asked for once (an update may be lost). */
export const IDLE_POLL_MS = 3_000;
const IDLE = Symbol('idle');

async function* mapStream<T, U>(stream: AsyncIterable<T>, map: (value: T) => U): AsyncGenerator<U, void, undefined> {
  for await (const value of stream) yield map(value);
}

/**
 * The updates of a subscription until every job of `ids` finished. When the feed is idle for IDLE_POLL_MS, the
 * unfinished jobs are read with `job(id)`: a final state the feed missed still ends the iteration.
 */
async function* follow(
  open: (signal: AbortSignal) => AsyncIterable<Job>,
  ids: readonly string[],
  latest: Map<string, Job>,
  client: JobsClient,
  options: RequestOptions | undefined,
): AsyncGenerator<Job, void, undefined> {
  const allFinished = () => ids.every((id) => latest.has(id) && isFinished(latest.get(id)!));
  const controller = new AbortController();
  const outer = options?.signal;
  const abort = () => controller.abort();
  outer?.addEventListener('abort', abort, { once: true });
  const iterator = open(controller.signal)[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<Job, unknown>> | undefined;
  try {
    for (;;) {
      pending ??= iterator.next();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<typeof IDLE>((resolve) => {
        timer = setTimeout(() => resolve(IDLE), IDLE_POLL_MS);
      });
      const tick = await Promise.race([pending, idle]).finally(() => clearTimeout(timer));
      if (tick === IDLE) {
        for (const id of ids) {
          if (latest.has(id) && isFinished(latest.get(id)!)) continue;
          const { job } = await client.job({ id }, options);
          if (job && isFinished(job)) {
            latest.set(id, job);
            yield job;
          }
        }
        if (allFinished()) return;
        continue;
      }
      pending = undefined;
      if (tick.done) return;
      latest.set(tick.value.id, tick.value);
      yield tick.value;
      if (allFinished()) return;
    }
  } finally {
    outer?.removeEventListener('abort', abort);
    if (pending) {
      // A next() still waiting: end the subscription through its signal (an async generator's return() would wait for it).
      pending.catch(() => {});
      controller.abort();
    } else {
      await iterator.return?.(undefined);
    }
  }
}

/** A handle on one job (from a mutation's payload, `jobs` or `job`, or only its ID). */
export function jobHandle(client: JobsClient, job: Job | string): JobHandle {
  const id = typeof job === 'string' ? job : job.id;
  const initial: Job | undefined = typeof job === 'string' ? undefined : job;

  async function* progress(options?: RequestOptions): AsyncGenerator<Job, void, undefined> {
    let last: Job | undefined;
    const latest = new Map<string, Job>(initial ? [[id, initial]] : []);
    const updates = follow((signal) => mapStream(client.jobUpdated({ id }, { ...options, signal }), (data) => data.jobUpdated), [id], latest, client, options);
    for await (const update of updates) {
      last = update;
      yield update;
    }
    if (last && isFinished(last)) return;
    // The stream ended without a final state (e.g. the job was already gone from the live feed): ask once.
    if (!last || !isFinished(last)) {
      const { job: now } = await client.job({ id }, options);
      if (!now) throw new HangarError('NOT_FOUND', `no job ${id}`);
      if (!last || now.state !== last.state) yield now;
    }
  }

  async function done(options?: RequestOptions): Promise<Job> {
    let last = initial && isFinished(initial) ? initial : undefined;
    if (!last) for await (const update of progress(options)) last = update;
    if (!last) throw new HangarError('NOT_FOUND', `no job ${id}`);
    if (!isFinished(last)) throw new HangarError('INTERNAL', `job ${id} updates ended while it was ${last.state}`);
    if (last.state !== 'COMPLETED') throw new JobFailedError(last);
    return last;
  }

  return {
    id,
    // Job IDs are `<host>@<kind>-<suffix>`.
    host: initial?.host ?? id.slice(0, Math.max(0, id.lastIndexOf('@'))),
    initial,
    progress,
    done,
    cancel: async (options) => (await client.cancelJob({ id }, options)).cancelJob,
  };
}

/** A handle on the jobs a mutation started: `const batch = batchHandle(hangar, (await hangar.pullImage({ input })).pullImage)`. */
export function batchHandle(client: JobsClient, payload: JobsPayload): BatchHandle {
  const started = payload.jobs ?? [];
  const handles = started.map((job) => jobHandle(client, job));
  const ids = new Set(started.map((job) => job.id));

  async function* progress(options?: RequestOptions): AsyncGenerator<Job, void, undefined> {
    const latest = new Map<string, Job>(started.map((job) => [job.id, job]));
    const batchId = payload.batchId;
    if (batchId && started.some((job) => !isFinished(job))) {
      yield* follow((signal) => mapStream(client.batchUpdated({ batchId }, { ...options, signal }), (data) => data.batchUpdated), [...ids], latest, client, options);
    }
    // Jobs the batch feed did not finish (joined from another batch, or no batch at all): follow each one.
    for (const handle of handles) {
      if (isFinished(latest.get(handle.id)!)) continue;
      for await (const update of handle.progress(options)) yield update;
    }
  }

  async function settled(options?: RequestOptions): Promise<Job[]> {
    const latest = new Map<string, Job>(started.map((job) => [job.id, job]));
    for await (const update of progress(options)) if (ids.has(update.id)) latest.set(update.id, update);
    return started.map((job) => latest.get(job.id)!);
  }

  return {
    batchId: payload.batchId,
    jobs: handles,
    userErrors: payload.userErrors,
    progress,
    settled,
    async done(options) {
      const finals = await settled(options);
      const failed = finals.find((job) => job.state !== 'COMPLETED');
      if (failed) throw new JobFailedError(failed, finals);
      return finals;
    },
  };
}

/** `hangar.run`: start jobs and get handles on them. */
export interface JobsApi {
  /** `docker pull` onto hosts; the batch of pulls. */
  pull(input: PullImageInput, options?: RequestOptions): Promise<BatchHandle>;
  /** `docker push` from hosts. */
  push(input: PushImageInput, options?: RequestOptions): Promise<BatchHandle>;
  /** `docker build` on hosts. */
  build(input: BuildImageInput, options?: RequestOptions): Promise<BatchHandle>;
  /** An image copied engine to engine. */
  copy(input: CopyImageInput, options?: RequestOptions): Promise<BatchHandle>;
  /** `docker import URL` on hosts (an upload goes through `archives.importImage`). */
  import(input: ImportImageInput, options?: RequestOptions): Promise<BatchHandle>;
  /** `docker load` of an archive at a URL on hosts (an upload goes through `archives.loadImages`). */
  load(input: LoadImageInput, options?: RequestOptions): Promise<BatchHandle>;
  /** Runs a failed or cancelled job again. */
  retry(id: string, options?: RequestOptions): Promise<BatchHandle>;
  /** A handle on a job by ID (or a job from `jobs`/`job`). */
  job(job: Job | string): JobHandle;
  /** A handle on a mutation's payload. */
  batch(payload: JobsPayload): BatchHandle;
}

export function createJobsApi(client: JobsClient): JobsApi {
  const batch = (payload: JobsPayload) => batchHandle(client, payload);
  return {
    pull: async (input, options) => batch((await client.pullImage({ input }, options)).pullImage),
    push: async (input, options) => batch((await client.pushImage({ input }, options)).pushImage),
    build: async (input, options) => batch((await client.buildImage({ input }, options)).buildImage),
    copy: async (input, options) => batch((await client.copyImage({ input }, options)).copyImage),
    import: async (input, options) => batch((await client.importImage({ input }, options)).importImage),
    load: async (input, options) => batch((await client.loadImage({ input }, options)).loadImage),
    retry: async (id, options) => batch((await client.retryJob({ id }, options)).retryJob),
    job: (job) => jobHandle(client, job),
    batch,
  };
}
