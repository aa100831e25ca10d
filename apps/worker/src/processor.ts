import { Readable } from 'node:stream';
import {
  buildImage,
  copyImage,
  egressGet,
  HangarError,
  importImage,
  loadImages,
  OperationError,
  parseReference,
  pullImage,
  pushImage,
  redactText,
  redactUrl,
  type EgressPolicy,
  type HostRegistry,
  type OperationHooks,
  type OperationProgress,
} from '@hangar/core';
import {
  compactProgress,
  jobDataSchemas,
  jobEnvelopeSchema,
  readMeta,
  uploadKey,
  writeMeta,
  type CredentialStore,
  type JobData,
  type JobEnvelope,
  type JobResult,
} from '@hangar/jobs';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';

export interface ProcessorDeps {
  hosts: HostRegistry;
  redis: Redis;
  credentials: CredentialStore;
  stallTimeoutMs: number;
  /** Where URLs may lead (loadImage, importImage, remote build contexts): checked again when the job runs. */
  egress: EgressPolicy;
  log: (line: string) => void;
}

/** Progress at most this often per job: enough for live bars, not a flood of Redis writes. */
const PROGRESS_EVERY_MS = 200;

function hooksFor(job: Job<JobEnvelope>, signal: AbortSignal, deps: ProcessorDeps): OperationHooks & { flush(): Promise<void> } {
  let last = 0;
  let pending: OperationProgress | undefined;
  let lastPhase = '';
  let writes: Promise<unknown> = Promise.resolve();
  const push = (progress: OperationProgress) => {
    pending = undefined;
    last = Date.now();
    lastPhase = progress.phase;
    const value = compactProgress(progress.message === undefined ? progress : { ...progress, message: redactText(progress.message) });
    writes = writes.then(() => job.updateProgress(value)).catch(() => {});
  };
  return {
    signal,
    stallTimeoutMs: deps.stallTimeoutMs,
    onProgress(progress) {
      if (Date.now() - last >= PROGRESS_EVERY_MS || progress.phase !== lastPhase || progress.phase === 'complete') push(progress);
      else pending = progress;
    },
    onLog(line) {
      writes = writes.then(() => job.log(redactText(line).slice(0, 4000))).catch(() => {});
    },
    async flush() {
      if (pending) push(pending);
      await writes;
    },
  };
}

async function run(job: Job<JobEnvelope>, signal: AbortSignal, deps: ProcessorDeps, hooks: OperationHooks): Promise<JobResult> {
  const { kind, host } = job.data;
  const client = deps.hosts.client(host);
  switch (kind) {
    case 'pull': {
      const data = jobDataSchemas.pull.parse(job.data.data) as JobData<'pull'>;
      const auth = await deps.credentials.authFor(parseReference(data.ref).domain, data.registry);
      const result = await pullImage(client, { ref: data.ref, platform: data.platform, auth, tagAs: data.tagAs }, hooks);
      return { imageId: result.imageId, repoTags: result.repoTags, ...(result.digest ? { digest: result.digest } : {}) };
    }
    case 'push': {
      const data = jobDataSchemas.push.parse(job.data.data) as JobData<'push'>;
      const auth = await deps.credentials.authFor(parseReference(data.ref).domain, data.registry);
      const result = await pushImage(client, { ref: data.ref, auth }, hooks);
      return result.digest ? { digest: result.digest } : {};
    }
    case 'build': {
      const data = jobDataSchemas.build.parse(job.data.data) as JobData<'build'>;
      const context =
        data.context.kind === 'upload'
          ? await uploadedContext(deps.redis, data.context.key)
          : data.context.kind === 'inline'
            ? { kind: 'inline' as const, dockerfile: data.context.dockerfile, files: data.context.files }
            : { kind: 'remote' as const, url: openUrl(deps, data.context) };
      const all = await deps.credentials.withSecrets();
      const auths = all.filter((r) => r.username).map((r) => ({ username: r.username, password: r.password, serveraddress: new URL(r.url).host }));
      const result = await buildImage(
        client,
        { context, dockerfile: data.dockerfile, tags: data.tags, buildArgs: data.buildArgs, labels: data.labels, target: data.target, noCache: data.noCache, pull: data.pull, platform: data.platform, auths, egress: deps.egress },
        hooks,
      );
      return { imageId: result.imageId, repoTags: result.repoTags };
    }
    case 'import': {
      const data = jobDataSchemas.import.parse(job.data.data) as JobData<'import'>;
      hooks.onProgress?.({ phase: 'importing', percent: undefined, bytesDone: undefined, bytesTotal: undefined, message: redactText(data.url), layers: [] });
      const result = await importImage(client, { source: { url: openUrl(deps, data) }, repo: data.repo, tag: data.tag, message: data.message, changes: data.changes }, { signal, stallTimeoutMs: deps.stallTimeoutMs, egress: deps.egress });
      return { imageId: result.imageId, ...(result.ref ? { repoTags: [result.ref] } : {}) };
    }
    case 'load': {
      const data = jobDataSchemas.load.parse(job.data.data) as JobData<'load'>;
      // Hangar downloads the archive itself: every hop (redirects included) is checked against the egress policy
      // after resolving it, and the connection goes only to the address that was checked.
      const response = await egressGet(openUrl(deps, data), deps.egress, { signal, what: 'loadImage', headersTimeoutMs: deps.stallTimeoutMs });
      if (response.status < 200 || response.status > 299) {
        response.body.destroy();
        throw new OperationError('BAD_REQUEST', `GET ${redactUrl(data.url)} answered ${response.status}`, response.status < 500);
      }
      const body = response.body;
      const result = await loadImages(client, body, { signal, stallTimeoutMs: deps.stallTimeoutMs }).finally(() => body.destroy());
      const first = result.loaded[0];
      return { ...(first?.imageId ? { imageId: first.imageId } : {}), repoTags: result.loaded.flatMap((l) => (l.ref ? [l.ref] : [])), bytes: result.bytes };
    }
    case 'copy': {
      const data = jobDataSchemas.copy.parse(job.data.data) as JobData<'copy'>;
      const result = await copyImage(deps.hosts, { sourceHost: data.sourceHost, ref: data.ref, targetHost: host }, hooks);
      return { imageId: result.imageId, repoTags: result.repoTags, bytes: result.bytes };
    }
  }
}

/** The URL a job works on: the sealed one opened (it held credentials), else the URL as stored. */
function openUrl(deps: ProcessorDeps, data: { url: string; sealedUrl?: string | undefined }): string {
  return data.sealedUrl ? deps.credentials.open(data.sealedUrl) : data.url;
}

async function uploadedContext(redis: Redis, key: string): Promise<{ kind: 'tar'; open: () => Readable }> {
  const body = await redis.getBuffer(uploadKey(key));
  if (!body) throw new OperationError('NOT_FOUND', `the uploaded build context ${key} has expired or was never uploaded`, true);
  return { kind: 'tar', open: () => Readable.from([body]) };
}

/**
 * The BullMQ processor: validates the job, runs its operation on the job's host with progress and logs, and turns
 * failures into retry or no-retry. A cancelled job (flag set by the API) stops at once and is not retried.
 */
export function makeProcessor(deps: ProcessorDeps) {
  return async (job: Job<JobEnvelope>, _token?: string, signal?: AbortSignal): Promise<JobResult> => {
    const envelope = jobEnvelopeSchema.safeParse(job.data);
    if (!envelope.success) throw new UnrecoverableError(`job data is not valid: ${envelope.error.issues[0]?.message}`);
    const meta = await readMeta(deps.redis, job.id!);
    if (meta.cancelledBy) throw new UnrecoverableError(`cancelled by ${meta.cancelledBy}`);
    const controller = new AbortController();
    const abort = () => controller.abort(signal?.reason);
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    const hooks = hooksFor(job, controller.signal, deps);
    deps.log(`job ${job.id} (${job.data.kind} on ${job.data.host}) started, attempt ${job.attemptsMade + 1}`);
    try {
      const result = await run(job, controller.signal, deps, hooks);
      await hooks.flush();
      deps.log(`job ${job.id} completed`);
      return result;
    } catch (error) {
      await hooks.flush();
      const cancelled = (await readMeta(deps.redis, job.id!)).cancelledBy;
      if (cancelled) {
        await job.log(`cancelled by ${cancelled}`).catch(() => {});
        throw new UnrecoverableError(`cancelled by ${cancelled}`);
      }
      const failure = error instanceof HangarError ? error : HangarError.from(error, 'ENGINE_ERROR');
      // What the job keeps (meta, log, BullMQ's failedReason) is shown to readers: no URL credential in it.
      const message = redactText(failure.message);
      await writeMeta(deps.redis, job.id!, { errorCode: failure.code, errorMessage: message });
      await job.log(`error: ${message}`).catch(() => {});
      deps.log(`job ${job.id} failed: ${failure.code}: ${message}`);
      const permanent = error instanceof OperationError ? error.permanent : ['BAD_REQUEST', 'NOT_FOUND', 'REGISTRY_AUTH_FAILED', 'AMBIGUOUS_REFERENCE', 'HOST_NOT_FOUND', 'EGRESS_DENIED'].includes(failure.code);
      if (permanent) throw new UnrecoverableError(message);
      throw new Error(message);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  };
}
