import type { JobView } from '@hangar/jobs';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from './pagination.js';
import { BytesScalar, DateTimeScalar } from './scalars.js';
import { UserError } from './user-error.type.js';

export enum JobState {
  QUEUED = 'QUEUED',
  ACTIVE = 'ACTIVE',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(JobState, {
  name: 'JobState',
  description: 'Where a job is in its life.',
  valuesConfig: {
    QUEUED: { description: 'Waiting for a worker (or for its host’s concurrency limit, or for a retry).' },
    ACTIVE: { description: 'Running on a worker.' },
    COMPLETED: { description: 'Done; `result` says what it made.' },
    FAILED: { description: 'Gave up; `error` says why.' },
    CANCELLED: { description: 'Cancelled by a user; what it had started was aborted.' },
  },
});

export enum JobKind {
  PULL = 'pull',
  PUSH = 'push',
  BUILD = 'build',
  IMPORT = 'import',
  LOAD = 'load',
  COPY = 'copy',
}
registerEnumType(JobKind, {
  name: 'JobKind',
  description: 'What a job does.',
  valuesConfig: {
    PULL: { description: '`docker pull` onto its host.' },
    PUSH: { description: '`docker push` from its host.' },
    BUILD: { description: '`docker build` on its host.' },
    IMPORT: { description: '`docker import` of a rootfs tar from a URL.' },
    LOAD: { description: '`docker load` of an image archive from a URL.' },
    COPY: { description: 'An image copied from another host onto this one, engine to engine.' },
  },
});

@ObjectType({ description: 'One layer’s progress, as the engine reports it.' })
export class LayerProgress {
  @Field(() => String, { description: 'The layer’s short ID.' })
  id!: string;

  @Field(() => String, { description: 'The engine’s status: Pulling fs layer, Downloading, Extracting, Pull complete, Already exists, Pushed, ...' })
  status!: string;

  @Field(() => BytesScalar, { nullable: true, description: 'Bytes done in the current step.' })
  current?: number;

  @Field(() => BytesScalar, { nullable: true, description: 'Bytes of the current step.' })
  total?: number;
}

@ObjectType({ description: 'A job’s progress: phase, bytes, and each layer.' })
export class JobProgress {
  @Field(() => String, { description: 'starting, downloading, extracting, pushing, building, copying, complete, ...' })
  phase!: string;

  @Field(() => Float, { nullable: true, description: 'Percent done, when it can be told.' })
  percent?: number;

  @Field(() => BytesScalar, { nullable: true, description: 'Bytes moved so far.' })
  bytesDone?: number;

  @Field(() => BytesScalar, { nullable: true, description: 'Bytes to move, as far as known.' })
  bytesTotal?: number;

  @Field(() => String, { nullable: true, description: 'The latest message (a build step, a digest).' })
  message?: string;

  @Field(() => [LayerProgress], { description: 'Each layer’s state.' })
  layers!: LayerProgress[];
}

@ObjectType({ description: 'What a finished job made.' })
export class JobResult {
  @Field(() => String, { nullable: true, description: 'The image ID.' })
  imageId?: string;

  @Field(() => [String], { nullable: true, description: 'Its tags.' })
  repoTags?: string[];

  @Field(() => String, { nullable: true, description: 'The manifest digest (pull, push).' })
  digest?: string;

  @Field(() => BytesScalar, { nullable: true, description: 'Bytes moved (copy, load).' })
  bytes?: number;
}

@ObjectType({ description: 'One long operation on one host, run by a worker.' })
export class Job {
  @Field(() => ID, { description: 'The job’s ID: `<host>@<kind>-<suffix>`.' })
  id!: string;

  @Field(() => JobKind, { description: 'What it does.' })
  kind!: JobKind;

  @Field(() => String, { description: 'The host it runs on.' })
  host!: string;

  @Field(() => JobState, { description: 'Where it is in its life.' })
  state!: JobState;

  @Field(() => JobProgress, { nullable: true, description: 'The latest progress.' })
  progress?: JobProgress;

  @Field(() => UserError, { nullable: true, description: 'Why it failed or was cancelled.' })
  error?: UserError;

  @Field(() => ID, { nullable: true, description: 'The batch it belongs to (a fan-out to several hosts).' })
  batchId?: string;

  @Field(() => String, { description: 'What it works on: the reference, source or context, in words.' })
  subject!: string;

  @Field(() => String, { description: 'Who asked for it: a token’s name or a webhook delivery.' })
  requestedBy!: string;

  @Field(() => Int, { description: 'Attempts made so far.' })
  attempts!: number;

  @Field(() => Int, { description: 'Attempts allowed before it fails for good.' })
  maxAttempts!: number;

  @Field(() => DateTimeScalar, { description: 'When it was queued.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When a worker last started it.' })
  startedAt?: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it ended.' })
  finishedAt?: Date;

  @Field(() => JobResult, { nullable: true, description: 'What it made, once COMPLETED.' })
  result?: JobResult;

  static from(view: JobView): Job {
    const data = view.data as Record<string, unknown>;
    const subject =
      view.kind === 'copy'
        ? `${String(data.sourceHost)}:${String(data.ref)}`
        : view.kind === 'build'
          ? `build ${((data.tags as string[] | undefined) ?? []).join(', ') || '(untagged)'}`
          : String(data.ref ?? data.url ?? '');
    return Object.assign(new Job(), {
      id: view.id,
      kind: view.kind as JobKind,
      host: view.host,
      state: view.state as JobState,
      progress: view.progress ? Object.assign(new JobProgress(), { ...view.progress, layers: view.progress.layers.map((l) => Object.assign(new LayerProgress(), l)) }) : undefined,
      error: view.error ? UserError.of(view.error.code, view.error.message, { host: view.host }) : undefined,
      batchId: view.batchId,
      subject,
      requestedBy: view.requestedBy,
      attempts: view.attempts,
      maxAttempts: view.maxAttempts,
      createdAt: view.createdAt,
      startedAt: view.startedAt,
      finishedAt: view.finishedAt,
      result: view.result ? Object.assign(new JobResult(), view.result) : undefined,
    });
  }
}

@ObjectType({ description: 'A page of jobs, newest first.' })
export class JobConnection {
  @Field(() => [Job], { description: 'The jobs of this page.' })
  nodes!: Job[];

  @Field(() => Int, { description: 'How many jobs match, over all pages.' })
  totalCount!: number;

  @Field(() => PageInfo, { description: 'Where this page sits.' })
  pageInfo!: PageInfo;
}

@InputType({ description: 'Which jobs to list.' })
export class JobFilterInput {
  @Field(() => [JobState], { nullable: true, description: 'Only jobs in these states.' })
  states?: JobState[];

  @Field(() => [JobKind], { nullable: true, description: 'Only jobs of these kinds.' })
  kinds?: JobKind[];

  @Field(() => [String], { nullable: true, description: 'Only jobs on these hosts.' })
  hosts?: string[];

  @Field(() => ID, { nullable: true, description: 'Only the jobs of this batch.' })
  batchId?: string;
}

@ObjectType({ description: 'The result of a mutation that starts, cancels or retries jobs.' })
export class JobsPayload {
  @Field(() => [Job], { nullable: true, description: 'The jobs, one per host (a job that was already running for the same request is joined, not doubled).' })
  jobs?: Job[];

  @Field(() => ID, { nullable: true, description: 'The batch grouping them; follow it with `batchUpdated`.' })
  batchId?: string;

  @Field(() => [UserError], { description: 'Hosts or inputs that started nothing, and why.' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'An image event from an engine (`docker events --filter type=image`).' })
export class ImageEvent {
  @Field(() => String, { description: 'The host.' })
  host!: string;

  @Field(() => String, { description: 'pull, push, tag, untag, delete, import, load, save, prune.' })
  action!: string;

  @Field(() => String, { description: 'The image ID or reference the engine names.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'The image’s name, when given.' })
  ref?: string;

  @Field(() => DateTimeScalar, { description: 'When it happened.' })
  time!: Date;
}
