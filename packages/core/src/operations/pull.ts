import type { DockerHostClient } from '../docker/docker-host-client.js';
import { toImageDetails, type RawImageInspect } from '../images/engine-images.js';
import { familiarName, parseReference, ReferenceSyntaxError, trimReference } from '../reference/reference.js';
import { OperationError } from './operation-error.js';
import { progressEmitter, ProgressTracker, type OperationProgress } from './progress.js';
import { runProgressStream } from './progress-stream.js';
import { registryAuthHeader, rethrowScrubbed, scrubSecrets, type RegistryAuth } from './registry-auth.js';

export interface OperationHooks {
  signal?: AbortSignal | undefined;
  stallTimeoutMs: number;
  onProgress?: (progress: OperationProgress) => void;
  onLog?: (line: string) => void;
}

export interface PullResult {
  imageId: string;
  repoTags: string[];
  digest: string | undefined;
}

/** Checks a reference for pull or push; a malformed one is a permanent failure. */
export function checkOperationRef(ref: string): ReturnType<typeof parseReference> {
  try {
    return parseReference(trimReference(ref));
  } catch (error) {
    if (error instanceof ReferenceSyntaxError) throw new OperationError('BAD_REQUEST', error.message, true);
    throw error;
  }
}

/**
 * `docker pull REF` on one host, with per-layer progress. A digest reference pulls exactly that manifest; with
 * `tagAs`, the pulled image is tagged too (how a webhook pulls "the digest that was pushed, as tag T").
 */
export async function pullImage(
  client: DockerHostClient,
  request: { ref: string; platform?: string | undefined; auth?: RegistryAuth | undefined; tagAs?: string | undefined },
  hooks: OperationHooks,
): Promise<PullResult> {
  const ref = checkOperationRef(request.ref);
  const fromImage = `${ref.domain === 'docker.io' ? familiarName(ref) : `${ref.domain}/${ref.path}`}`;
  const tag = ref.digest ?? ref.tag ?? 'latest';
  const tracker = new ProgressTracker({ transfer: 'download' });
  let digest: string | undefined;
  const emit = progressEmitter(tracker, hooks, (line) => scrubSecrets(line, [request.auth]));
  try {
    await runProgressStream(
      client,
      {
        method: 'POST',
        path: '/images/create',
        query: { fromImage, tag, platform: request.platform },
        headers: { 'X-Registry-Auth': registryAuthHeader(request.auth) },
      },
      {
        signal: hooks.signal,
        stallTimeoutMs: hooks.stallTimeoutMs,
        what: `pull ${request.ref}`,
        onMessage: (message) => {
          tracker.feed(message);
          const found = /^Digest: (sha256:[0-9a-f]{64})/.exec(message.status ?? '');
          if (found) digest = found[1];
          emit();
        },
      },
    );
  } catch (error) {
    rethrowScrubbed(error, [request.auth], client.name, ref.domain);
  }
  const name = ref.digest ? `${fromImage}@${ref.digest}` : `${fromImage}:${tag}`;
  let details = toImageDetails(client.name, await client.request<RawImageInspect>({ path: `/images/${encodeURIComponent(name)}/json`, signal: hooks.signal }));
  if (request.tagAs) {
    const target = checkOperationRef(request.tagAs);
    await client.request({ method: 'POST', path: `/images/${encodeURIComponent(details.id)}/tag`, query: { repo: familiarName(target), tag: target.tag ?? 'latest' }, signal: hooks.signal });
    details = toImageDetails(client.name, await client.request<RawImageInspect>({ path: `/images/${encodeURIComponent(details.id)}/json`, signal: hooks.signal }));
  }
  tracker.finish(`pulled ${name}`);
  emit();
  return { imageId: details.id, repoTags: details.repoTags, digest: digest ?? ref.digest };
}
