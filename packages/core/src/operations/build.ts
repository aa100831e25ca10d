import { Readable } from 'node:stream';
import type { DockerHostClient } from '../docker/docker-host-client.js';
import { toImageDetails, type RawImageInspect } from '../images/engine-images.js';
import { parseTagTarget } from '../images/image-tagging.js';
import { OperationError } from './operation-error.js';
import { runProgressStream } from './progress-stream.js';
import type { OperationHooks } from './pull.js';
import { registryConfigHeader, scrubSecrets, type RegistryAuth } from './registry-auth.js';
import { tarStream } from './tar-writer.js';
import { checkUrl, egressPolicyOf, parseTarget, type EgressPolicy, type Resolver } from '../egress/policy.js';
import { systemResolver } from '../egress/resolve.js';

/** Where a build's context comes from. */
export type BuildContext =
  | { kind: 'inline'; dockerfile: string; files?: Record<string, string> | undefined }
  | { kind: 'tar'; open: () => Readable }
  | { kind: 'remote'; url: string };

export interface BuildRequest {
  context: BuildContext;
  /** Path of the Dockerfile inside the context (default `Dockerfile`). */
  dockerfile?: string | undefined;
  tags?: string[] | undefined;
  buildArgs?: Record<string, string> | undefined;
  labels?: Record<string, string> | undefined;
  target?: string | undefined;
  noCache?: boolean | undefined;
  pull?: boolean | undefined;
  platform?: string | undefined;
  /** Credentials for pulling base images. */
  auths?: RegistryAuth[] | undefined;
  /** Where a remote context may lead (checked after resolving its host); the default policy when left out. */
  egress?: EgressPolicy | undefined;
  /** Name resolution for that check (the system's by default). */
  resolve?: Resolver | undefined;
}

export interface BuildResult {
  imageId: string;
  repoTags: string[];
}

/** Inline contexts are for a Dockerfile and a few small files; larger contexts go up as a tar. */
export const MAX_INLINE_CONTEXT_BYTES = 1024 * 1024;

export function checkBuildRequest(request: BuildRequest): void {
  for (const tag of request.tags ?? []) {
    try {
      parseTagTarget(tag);
    } catch (error) {
      throw new OperationError('BAD_REQUEST', `tags: ${(error as Error).message}`, true);
    }
  }
  if (request.context.kind === 'inline') {
    const files = request.context.files ?? {};
    const bytes = Buffer.byteLength(request.context.dockerfile) + Object.values(files).reduce((n, text) => n + Buffer.byteLength(text), 0);
    if (bytes > MAX_INLINE_CONTEXT_BYTES) throw new OperationError('BAD_REQUEST', `inline context is ${bytes} bytes; upload a tar for more than ${MAX_INLINE_CONTEXT_BYTES}`, true);
    for (const path of Object.keys(files)) {
      if (path === '' || path.startsWith('/') || path.split('/').includes('..')) throw new OperationError('BAD_REQUEST', `files: "${path}" must be a relative path inside the context`, true);
    }
  }
  if (request.context.kind === 'remote') {
    // http(s)://, git://, git@host:path or github.com/...: the forms the engine takes, with a host every parser reads alike.
    try {
      parseTarget(request.context.url, 'build-context');
    } catch (error) {
      const failure = error as OperationError;
      throw new OperationError(failure.code, `contextUrl: ${failure.message.replace(/^url: /, '')}`, true);
    }
  }
}

/**
 * `docker build` on one host with the classic builder's JSON stream: every output line goes to `onLog`, the
 * image ID comes from the `aux` message. A failing step is a permanent failure whose output is in the log.
 */
export async function buildImage(client: DockerHostClient, request: BuildRequest, hooks: OperationHooks): Promise<BuildResult> {
  checkBuildRequest(request);
  const { context } = request;
  // The engine fetches a remote context itself: refuse a denied destination before asking it (the engine resolves
  // the name again, follows redirects and git submodules on its own; see the egress notes in the README).
  if (context.kind === 'remote') {
    try {
      await checkUrl(context.url, request.egress ?? egressPolicyOf(undefined), request.resolve ?? systemResolver, { use: 'build-context', what: 'buildImage' });
    } catch (error) {
      throw new OperationError((error as OperationError).code, (error as Error).message, true, { host: client.name });
    }
  }
  const body =
    context.kind === 'inline'
      ? tarStream({ [request.dockerfile ?? 'Dockerfile']: context.dockerfile, ...(context.files ?? {}) })
      : context.kind === 'tar'
        ? context.open()
        : undefined;
  let imageId: string | undefined;
  let partial = '';
  const log = (text: string) => {
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) hooks.onLog?.(scrubSecrets(line.replace(/\r$/, ''), request.auths ?? []));
  };
  let steps = 0;
  try {
    await runProgressStream(
      client,
      {
        method: 'POST',
        path: '/build',
        query: {
          t: request.tags?.length ? request.tags : undefined,
          dockerfile: request.dockerfile,
          remote: context.kind === 'remote' ? context.url : undefined,
          buildargs: request.buildArgs ? JSON.stringify(request.buildArgs) : undefined,
          labels: request.labels ? JSON.stringify(request.labels) : undefined,
          target: request.target,
          nocache: request.noCache ? '1' : undefined,
          pull: request.pull ? '1' : undefined,
          platform: request.platform,
          rm: '1',
          forcerm: '1',
        },
        ...(body ? { bodyStream: body } : {}),
        headers: { 'Content-Type': 'application/x-tar', ...(request.auths?.length ? { 'X-Registry-Config': registryConfigHeader(request.auths) } : {}) },
      },
      {
        signal: hooks.signal,
        stallTimeoutMs: hooks.stallTimeoutMs,
        what: 'build',
        onMessage: (message) => {
          if (typeof message.stream === 'string') {
            log(message.stream);
            const step = /^Step (\d+)\/(\d+)/.exec(message.stream);
            if (step) {
              steps = Number(step[2]);
              hooks.onProgress?.({ phase: 'building', percent: Math.round((100 * (Number(step[1]) - 1)) / steps), bytesDone: undefined, bytesTotal: undefined, message: message.stream.trim(), layers: [] });
            }
          }
          const aux = message.aux as { ID?: string } | undefined;
          if (aux && typeof aux.ID === 'string') imageId = aux.ID;
          if (typeof message.status === 'string') hooks.onLog?.(message.status);
        },
      },
    );
  } catch (error) {
    if (partial) hooks.onLog?.(partial);
    if (error instanceof OperationError && !error.permanent && /returned a non-zero code|failed to|Dockerfile parse error|unknown instruction|No such file/.test(error.message)) {
      throw new OperationError('BAD_REQUEST', error.message, true, { host: client.name });
    }
    throw error;
  }
  if (partial) hooks.onLog?.(partial);
  if (!imageId) {
    throw new OperationError('ENGINE_ERROR', 'the build ended without an image ID', false, { host: client.name });
  }
  const details = toImageDetails(client.name, await client.request<RawImageInspect>({ path: `/images/${encodeURIComponent(imageId)}/json`, signal: hooks.signal }));
  hooks.onProgress?.({ phase: 'complete', percent: 100, bytesDone: undefined, bytesTotal: undefined, message: `built ${details.id.slice(7, 19)}`, layers: [] });
  return { imageId: details.id, repoTags: details.repoTags };
}
