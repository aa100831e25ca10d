import {
  checkBuildRequest,
  checkDockerfileChanges,
  checkImportTarget,
  checkImportUrl,
  checkUrl,
  egressPolicyOf,
  systemResolver,
  type EgressUse,
  checkOperationRef,
  describeChangeProblems,
  findImage,
  HangarError,
  OperationError,
  trimReference,
  redactUrl,
  registryHostMatches,
  type ImageEvent as CoreImageEvent,
} from '@hangar/core';
import { cancelJob, enqueueJob, hiddenSourceOf, hideHostName, hideSourceHost, parseJobId, registryMismatch, jobLogs, listJobs, makeBatchId, readJob, retryJob, type JobKind as CoreJobKind, type JobView } from '@hangar/jobs';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { HangarContext } from '../context.js';
import { chooseHosts } from './host-selection.js';
import { BuildImageInput, CopyImageInput, ImportImageInput, LoadImageInput, PullImageInput, PushImageInput } from './job-inputs.js';
import { ImageEvent, Job, JobConnection, JobFilterInput, JobsPayload } from './job.type.js';
import { paginate } from './pagination.js';
import { UserError } from './user-error.type.js';

/** The input fields the job mutations choose hosts with. */
const HOST_FIELDS = { names: 'hosts', selector: 'hostSelector' };
const TARGET_FIELDS = { names: 'targetHosts', selector: 'targetSelector' };

/**
 * A pull or push that names a registry uses its credentials, so the reference must point at that registry: a
 * named registry's password never goes to another host. An unknown name is an error too.
 */
async function checkNamedRegistry(context: HangarContext, ref: string, registry: string | null | undefined): Promise<UserError[]> {
  if (registry === undefined || registry === null) return [];
  const field = ['input', 'registry'];
  const url = await context.credentials.registryUrl(registry);
  if (!url) return [UserError.of('NOT_FOUND', `no registry named ${JSON.stringify(registry)}`, { field })];
  let domain: string;
  try {
    domain = checkOperationRef(ref).domain;
  } catch {
    return []; // the ref's own error says what is wrong
  }
  return registryHostMatches(domain, url) ? [] : [UserError.of('BAD_REQUEST', registryMismatch(registry, url, domain), { field })];
}

/**
 * A URL's destination checked against the egress policy when the job is asked for (resolved here; the worker checks
 * it again when the job runs): a refused one is an EGRESS_DENIED user error and no job starts.
 */
async function egressErrors(context: HangarContext, url: string, use: EgressUse, what: string, field: string): Promise<UserError[]> {
  try {
    await checkUrl(url, egressPolicyOf(context.config.egress), systemResolver, { use, what });
    return [];
  } catch (error) {
    if (error instanceof HangarError) return [UserError.from(error, { field: ['input', field] })];
    throw error;
  }
}

function check(fn: () => void, field: string): UserError[] {
  try {
    fn();
    return [];
  } catch (error) {
    if (error instanceof HangarError) return [UserError.from(error, { field: ['input', field] })];
    throw error;
  }
}

@Resolver(() => Job)
export class JobResolver {
  private async start(
    context: HangarContext,
    kind: CoreJobKind,
    hosts: string[],
    dataFor: (host: string) => unknown,
    userErrors: UserError[],
    audit: Record<string, unknown>,
    notStarted: UserError[] = [],
  ): Promise<JobsPayload> {
    const payload = Object.assign(new JobsPayload(), { userErrors: [...userErrors, ...(userErrors.length ? [] : notStarted)], jobs: [] as Job[] });
    if (userErrors.length === 0 && hosts.length > 0) {
      const batchId = makeBatchId();
      payload.batchId = batchId;
      const views: JobView[] = [];
      for (const host of hosts) {
        const { id } = await enqueueJob(context.queues, context.redis, { kind, host, data: dataFor(host), batchId, requestedBy: context.principal.name, attempts: context.config.jobs.attempts, seal: (plain) => context.credentials.seal(plain) });
        const view = await readJob(context.queues, context.redis, id);
        if (view) views.push(view);
      }
      payload.jobs = views.map((view) => Job.from(view));
    }
    await context.audit.record(context.principal, {
      action: `${kind}Image`,
      hosts,
      target: audit,
      outcome: payload.userErrors.length === 0 ? 'ok' : payload.jobs.length > 0 ? 'partial' : 'failed',
      detail: [payload.jobs.length ? `${payload.jobs.length} job(s), batch ${payload.batchId}` : '', payload.userErrors[0]?.message ?? ''].filter(Boolean).join('; '),
    });
    return payload;
  }

  @Authorized('operator')
  @Mutation(() => JobsPayload, { description: '`docker pull` onto hosts: one job per host, grouped in a batch. A pull of the same reference already running on a host is joined.' })
  async pullImage(@Ctx() context: HangarContext, @Arg('input', () => PullImageInput, { description: 'What to pull, where.' }) input: PullImageInput): Promise<JobsPayload> {
    const { hosts, errors, down } = await chooseHosts(context, { names: input.hosts, selector: input.hostSelector, allHosts: input.allHosts }, HOST_FIELDS);
    errors.push(...check(() => checkOperationRef(input.ref), 'ref'));
    errors.push(...(await checkNamedRegistry(context, input.ref, input.registry)));
    return this.start(context, 'pull', hosts, () => ({ ref: trimReference(input.ref), platform: input.platform ?? undefined, registry: input.registry ?? undefined }), errors, { ref: input.ref, platform: input.platform, registry: input.registry, allHosts: input.allHosts ?? undefined }, down);
  }

  @Authorized('operator')
  @Mutation(() => JobsPayload, { description: '`docker push` from hosts, one job per host.' })
  async pushImage(@Ctx() context: HangarContext, @Arg('input', () => PushImageInput, { description: 'What to push, from where.' }) input: PushImageInput): Promise<JobsPayload> {
    const { hosts, errors, down } = await chooseHosts(context, { names: input.hosts, selector: input.hostSelector, allHosts: input.allHosts }, HOST_FIELDS);
    errors.push(...check(() => {
      const ref = checkOperationRef(input.ref);
      if (ref.digest) throw new OperationError('BAD_REQUEST', 'cannot push a digest reference', true);
    }, 'ref'));
    errors.push(...(await checkNamedRegistry(context, input.ref, input.registry)));
    return this.start(context, 'push', hosts, () => ({ ref: trimReference(input.ref), registry: input.registry ?? undefined }), errors, { ref: input.ref, registry: input.registry, allHosts: input.allHosts ?? undefined }, down);
  }

  @Authorized('operator')
  @Mutation(() => JobsPayload, { description: '`docker build` on hosts, one job per host; the build output is the job’s log.' })
  async buildImage(@Ctx() context: HangarContext, @Arg('input', () => BuildImageInput, { description: 'Context, tags and options.' }) input: BuildImageInput): Promise<JobsPayload> {
    const { hosts, errors, down } = await chooseHosts(context, { names: input.hosts, selector: input.hostSelector, allHosts: input.allHosts }, HOST_FIELDS);
    const given = [input.dockerfile, input.contextUpload, input.contextUrl].filter((v) => v !== undefined && v !== null).length;
    let context_: Record<string, unknown> = {};
    if (given !== 1) errors.push(UserError.of('BAD_REQUEST', 'give exactly one of dockerfile, contextUpload or contextUrl', { field: ['input'] }));
    else if (input.dockerfile) context_ = { kind: 'inline', dockerfile: input.dockerfile, files: input.files ? Object.fromEntries(input.files.map((f) => [f.path, f.content])) : undefined };
    else if (input.contextUrl) context_ = { kind: 'remote', url: input.contextUrl };
    else {
      const bytes = await context.redis.strlen(`{hangar}:upload:${input.contextUpload}`);
      if (!bytes) errors.push(UserError.of('NOT_FOUND', `no uploaded context "${input.contextUpload}" (expired or never uploaded)`, { field: ['input', 'contextUpload'] }));
      context_ = { kind: 'upload', key: input.contextUpload, bytes };
    }
    if (errors.length === 0 && context_.kind === 'remote') errors.push(...(await egressErrors(context, input.contextUrl!, 'build-context', 'buildImage', 'contextUrl')));
    if (errors.length === 0 && context_.kind !== 'upload') {
      errors.push(...check(() => checkBuildRequest({ context: context_ as never, tags: input.tags ?? [] }), 'tags'));
    } else if (errors.length === 0) {
      errors.push(...check(() => checkBuildRequest({ context: { kind: 'remote', url: 'https://x' }, tags: input.tags ?? [] }), 'tags'));
    }
    const kv = (list: { key: string; value: string }[] | undefined) => (list?.length ? Object.fromEntries(list.map((p) => [p.key, p.value])) : undefined);
    return this.start(
      context,
      'build',
      hosts,
      () => ({
        context: Object.fromEntries(Object.entries(context_).filter(([, v]) => v !== undefined)),
        dockerfile: input.dockerfilePath ?? undefined,
        tags: input.tags ?? [],
        buildArgs: kv(input.buildArgs),
        labels: kv(input.labels),
        target: input.target ?? undefined,
        noCache: input.noCache ?? undefined,
        pull: input.pull ?? undefined,
        platform: input.platform ?? undefined,
      }),
      errors,
      { tags: input.tags, context: context_.kind, buildArgKeys: input.buildArgs?.map((p) => p.key), allHosts: input.allHosts ?? undefined },
      down,
    );
  }

  @Authorized('operator')
  @Mutation(() => JobsPayload, { description: '`docker import URL` on hosts, as jobs (uploads go through POST /api/v1/hosts/:host/images/import).' })
  async importImage(@Ctx() context: HangarContext, @Arg('input', () => ImportImageInput, { description: 'Source URL and the new image’s name.' }) input: ImportImageInput): Promise<JobsPayload> {
    const { hosts, errors, down } = await chooseHosts(context, { names: input.hosts, selector: input.hostSelector, allHosts: input.allHosts }, HOST_FIELDS);
    const urlErrors = check(() => checkImportUrl(input.url), 'url');
    errors.push(...(urlErrors.length ? urlErrors : await egressErrors(context, input.url, 'download', 'importImage', 'url')));
    errors.push(...check(() => checkImportTarget(input.repo ?? undefined, input.tag ?? undefined), 'repo'));
    const { problems } = checkDockerfileChanges(input.changes ?? []);
    if (problems.length) errors.push(...problems.map((p) => UserError.of('BAD_REQUEST', describeChangeProblems([p]), { field: ['input', 'changes', String(p.index)] })));
    return this.start(context, 'import', hosts, () => ({ url: input.url, repo: input.repo ?? undefined, tag: input.tag ?? undefined, message: input.message ?? undefined, changes: input.changes ?? [] }), errors, {
      url: redactUrl(input.url),
      repo: input.repo,
      tag: input.tag,
      allHosts: input.allHosts ?? undefined,
    }, down);
  }

  @Authorized('operator')
  @Mutation(() => JobsPayload, { description: '`docker load` of an archive from a URL, on hosts, as jobs (uploads go through POST /api/v1/hosts/:host/images/load).' })
  async loadImage(@Ctx() context: HangarContext, @Arg('input', () => LoadImageInput, { description: 'Archive URL and hosts.' }) input: LoadImageInput): Promise<JobsPayload> {
    const { hosts, errors, down } = await chooseHosts(context, { names: input.hosts, selector: input.hostSelector, allHosts: input.allHosts }, HOST_FIELDS);
    const urlErrors = check(() => checkImportUrl(input.url), 'url');
    errors.push(...(urlErrors.length ? urlErrors : await egressErrors(context, input.url, 'download', 'loadImage', 'url')));
    return this.start(context, 'load', hosts, () => ({ url: input.url }), errors, { url: redactUrl(input.url), allHosts: input.allHosts ?? undefined }, down);
  }

  @Authorized('operator')
  @Mutation(() => JobsPayload, { description: 'Copies an image from one host to others, engine to engine with no registry and no temporary file: one job per target host.' })
  async copyImage(@Ctx() context: HangarContext, @Arg('input', () => CopyImageInput, { description: 'Source, image and targets.' }) input: CopyImageInput): Promise<JobsPayload> {
    const { hosts, errors, down } = await chooseHosts(context, { names: input.targetHosts, selector: input.targetSelector, allHosts: input.allHosts }, TARGET_FIELDS, { exclude: input.sourceHost });
    if (!context.hosts.has(input.sourceHost)) errors.push(UserError.of('HOST_NOT_FOUND', `no host named "${input.sourceHost}"`, { field: ['input', 'sourceHost'] }));
    const targets = hosts.filter((host) => host !== input.sourceHost);
    if (errors.length === 0 && targets.length === 0 && down.length === 0) errors.push(UserError.of('BAD_REQUEST', 'no target host other than the source', { field: ['input', 'targetHosts'] }));
    if (errors.length === 0) {
      try {
        const image = await findImage(context.reader, input.sourceHost, input.ref);
        if (!image) errors.push(UserError.of('NOT_FOUND', `No such image on ${input.sourceHost}: ${input.ref}`, { field: ['input', 'ref'], host: input.sourceHost }));
      } catch (error) {
        errors.push(UserError.from(error, { field: ['input', 'ref'], host: input.sourceHost }));
      }
    }
    return this.start(context, 'copy', targets, () => ({ sourceHost: input.sourceHost, ref: input.ref }), errors, { sourceHost: input.sourceHost, ref: input.ref, allHosts: input.allHosts ?? undefined }, down);
  }

  @Authorized('operator')
  @Mutation(() => JobsPayload, { description: 'Cancels a queued or running job: the engine stream is aborted and the job ends CANCELLED.' })
  async cancelJob(@Ctx() context: HangarContext, @Arg('id', () => ID, { description: 'The job’s ID.' }) id: string): Promise<JobsPayload> {
    const payload = Object.assign(new JobsPayload(), { userErrors: [] as UserError[], jobs: [] as Job[] });
    try {
      visibleJobHost(context, id);
      await cancelJob(context.queues, context.redis, id, context.principal.name);
      const view = await readJob(context.queues, context.redis, id);
      if (view) payload.jobs = [jobFor(context, view)];
    } catch (error) {
      payload.userErrors.push(UserError.from(error, { field: ['id'] }));
    }
    await context.audit.record(context.principal, { action: 'cancelJob', hosts: [id.split('@')[0] ?? ''], target: { id }, outcome: payload.userErrors.length ? 'failed' : 'ok', detail: payload.userErrors[0]?.message });
    return payload;
  }

  @Authorized('operator')
  @Mutation(() => JobsPayload, { description: 'Runs a failed or cancelled job again, from the start, as the same job.' })
  async retryJob(@Ctx() context: HangarContext, @Arg('id', () => ID, { description: 'The job’s ID.' }) id: string): Promise<JobsPayload> {
    const payload = Object.assign(new JobsPayload(), { userErrors: [] as UserError[], jobs: [] as Job[] });
    try {
      visibleJobHost(context, id);
      await retryJob(context.queues, context.redis, id);
      const view = await readJob(context.queues, context.redis, id);
      if (view) payload.jobs = [jobFor(context, view)];
    } catch (error) {
      payload.userErrors.push(UserError.from(error, { field: ['id'] }));
    }
    await context.audit.record(context.principal, { action: 'retryJob', hosts: [id.split('@')[0] ?? ''], target: { id }, outcome: payload.userErrors.length ? 'failed' : 'ok', detail: payload.userErrors[0]?.message });
    return payload;
  }

  @Query(() => Job, { nullable: true, description: 'One job by ID; null when there is none (finished jobs are kept for days).' })
  async job(@Ctx() context: HangarContext, @Arg('id', () => ID, { description: 'The job’s ID.' }) id: string): Promise<Job | null> {
    // The ID names its host: one the token does not see (or no configured host) has no job, and no queue is opened.
    if (!isVisibleJobId(context, id)) return null;
    const view = await readJob(context.queues, context.redis, id);
    return view && context.hosts.has(view.host) ? jobFor(context, view) : null;
  }

  @Query(() => JobConnection, { description: 'Jobs, newest first, filtered by state, kind, host or batch.' })
  async jobs(
    @Ctx() context: HangarContext,
    @Arg('filter', () => JobFilterInput, { nullable: true, description: 'Which jobs.' }) filter?: JobFilterInput,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 1000 (default 100).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The `endCursor` of the previous page.' }) after?: string,
  ): Promise<JobConnection> {
    const unknown = (filter?.hosts ?? []).filter((host) => !context.hosts.has(host));
    if (unknown.length) throw new HangarError('HOST_NOT_FOUND', `no host named "${unknown[0]}"`);
    const views = await listJobs(context.queues, context.redis, context.hosts.names(), { states: filter?.states, kinds: filter?.kinds as CoreJobKind[] | undefined, hosts: filter?.hosts, batchId: filter?.batchId });
    const page = paginate(views, (view) => [-view.createdAt.getTime(), view.id], { first, after });
    return Object.assign(new JobConnection(), { nodes: page.items.map((item) => jobFor(context, item.node)), totalCount: page.totalCount, pageInfo: page.pageInfo });
  }

  @FieldResolver(() => [String], {
    description: 'The job’s log: pull and push status lines, build output, errors. The last `last` lines or, with `from`, up to `last` lines from line `from` on (to follow a log: ask again from the number of lines seen).',
  })
  async logs(
    @Root() job: Job,
    @Ctx() context: HangarContext,
    @Arg('last', () => Int, { nullable: true, description: 'How many lines (default 1000, at most 10000): the latest ones, or the first ones from `from`.' }) last?: number,
    @Arg('from', () => Int, { nullable: true, description: 'Index (0-based) of the first line to return; left out, the latest lines are returned.' }) from?: number,
  ): Promise<string[]> {
    const count = last ?? 1000;
    if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new HangarError('BAD_REQUEST', 'last: must be between 1 and 10000');
    if (from !== undefined && from !== null && (!Number.isInteger(from) || from < 0)) throw new HangarError('BAD_REQUEST', 'from: must be 0 or more');
    const lines = await jobLogs(context.queues.get(job.host), job.id, count, from ?? undefined);
    const hidden = hiddenSources.get(job);
    return hidden ? lines.map((line) => hideHostName(line, hidden)) : lines;
  }
}

/** A copy's source host that the reader does not see, per Job shown (its log lines hide that name too). */
const hiddenSources = new WeakMap<Job, string>();

/** A job as the caller sees it: a copy from a host out of the token's scope does not name that host. */
function jobFor(context: HangarContext, view: JobView): Job {
  const visible = (host: string) => context.hosts.has(host);
  const job = Job.from(hideSourceHost(view, visible));
  const hidden = hiddenSourceOf(view, visible);
  if (hidden) hiddenSources.set(job, hidden);
  return job;
}

/** Whether a job ID is well formed and names a host the caller sees (so a queue may be opened for it). */
function isVisibleJobId(context: HangarContext, id: string): boolean {
  const host = parseJobId(id)?.host;
  return host !== undefined && context.hosts.has(host) && context.queues.has(host);
}

/** A job on a host the caller's token does not see (or on no configured host) is, for that caller, no job at all. */
function visibleJobHost(context: HangarContext, id: string): void {
  if (!isVisibleJobId(context, id)) throw new HangarError('NOT_FOUND', `no job ${id}`);
}

@Resolver()
export class JobSubscriptionResolver {
  @Subscription(() => Job, {
    description: 'A job’s updates: its current state first, then every change (state, progress, result), ending after it finishes.',
    subscribe: async ({ args, context }) => {
      const ctx = context as HangarContext;
      visibleJobHost(ctx, args.id as string);
      const view = await readJob(ctx.queues, ctx.redis, args.id as string);
      if (!view || !ctx.hosts.has(view.host)) throw new HangarError('NOT_FOUND', `no job ${String(args.id)}`);
      return ctx.jobEvents.job(view.id, view);
    },
  })
  jobUpdated(@Root() view: JobView, @Ctx() context: HangarContext, @Arg('id', () => ID, { description: 'The job’s ID.' }) _id: string): Job {
    return jobFor(context, view);
  }

  @Subscription(() => Job, {
    description: 'Updates of every job of a batch: their current states first, then every change, ending when all have finished.',
    subscribe: async ({ args, context }) => {
      const ctx = context as HangarContext;
      const views = await listJobs(ctx.queues, ctx.redis, ctx.hosts.names(), { batchId: args.batchId as string });
      if (views.length === 0) throw new HangarError('NOT_FOUND', `no batch ${String(args.batchId)}`);
      return ctx.jobEvents.batch(args.batchId as string, views);
    },
  })
  batchUpdated(@Root() view: JobView, @Ctx() context: HangarContext, @Arg('batchId', () => ID, { description: 'The batch’s ID.' }) _batchId: string): Job {
    return jobFor(context, view);
  }

  @Subscription(() => ImageEvent, {
    description: 'Image events from engines as they happen (pull, push, tag, untag, delete, import, load, save, prune).',
    subscribe: ({ args, context }) => {
      const ctx = context as HangarContext;
      const names = (args.hosts as string[] | undefined) ?? ctx.hosts.names();
      const unknown = names.filter((name) => !ctx.hosts.has(name));
      if (unknown.length) throw new HangarError('HOST_NOT_FOUND', `no host named "${unknown[0]}"`);
      if (names.length === 0) throw new HangarError('BAD_REQUEST', 'hosts: name at least one host');
      // One shared engine stream per host for the whole process; this subscriber gets its own hosts' events only.
      return ctx.imageEvents.subscribe(names);
    },
  })
  imageEvents(@Root() event: CoreImageEvent, @Arg('hosts', () => [String], { nullable: true, description: 'Host names; all hosts when left out.' }) _hosts?: string[]): ImageEvent {
    return Object.assign(new ImageEvent(), event);
  }
}
