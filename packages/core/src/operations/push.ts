import type { DockerHostClient } from '../docker/docker-host-client.js';
import { familiarName } from '../reference/reference.js';
import { OperationError } from './operation-error.js';
import { progressEmitter, ProgressTracker } from './progress.js';
import { runProgressStream } from './progress-stream.js';
import { checkOperationRef, type OperationHooks } from './pull.js';
import { registryAuthHeader, rethrowScrubbed, scrubSecrets, type RegistryAuth } from './registry-auth.js';

/** `docker push REF` from one host, with per-layer progress. Answers the digest the registry gave. */
export async function pushImage(client: DockerHostClient, request: { ref: string; auth?: RegistryAuth | undefined }, hooks: OperationHooks): Promise<{ digest: string | undefined }> {
  const ref = checkOperationRef(request.ref);
  if (ref.digest) throw new OperationError('BAD_REQUEST', `cannot push a digest reference: ${request.ref}`, true);
  const name = ref.domain === 'docker.io' ? familiarName(ref) : `${ref.domain}/${ref.path}`;
  const tracker = new ProgressTracker({ transfer: 'push' });
  let digest: string | undefined;
  const emit = progressEmitter(tracker, hooks, (line) => scrubSecrets(line, [request.auth]));
  try {
    await runProgressStream(
      client,
      { method: 'POST', path: `/images/${encodeURIComponent(name)}/push`, query: { tag: ref.tag ?? 'latest' }, headers: { 'X-Registry-Auth': registryAuthHeader(request.auth) } },
      {
        signal: hooks.signal,
        stallTimeoutMs: hooks.stallTimeoutMs,
        what: `push ${request.ref}`,
        onMessage: (message) => {
          tracker.feed(message);
          const found = /digest: (sha256:[0-9a-f]{64})/.exec(message.status ?? '');
          if (found) digest = found[1];
          emit();
        },
      },
    );
  } catch (error) {
    rethrowScrubbed(error, [request.auth], client.name, ref.domain);
  }
  tracker.finish(digest ? `pushed ${name}:${ref.tag ?? 'latest'} ${digest}` : `pushed ${name}`);
  emit();
  return { digest };
}
