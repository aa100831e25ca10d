import { checkDockerfileChanges, describeChangeProblems, type ChangeProblem } from '../archives/dockerfile-changes.js';
import type { DockerHostClient } from '../docker/docker-host-client.js';
import { HangarError } from '../errors/hangar-error.js';
import { toImageDetails, type RawImageInspect } from './engine-images.js';
import type { ImageDetails } from './image.types.js';
import { parseTagTarget } from './image-tagging.js';

export interface CommitRequest {
  /** Container name or ID. */
  container: string;
  /** Repository for the new image (`team/app`); untagged image when left out. */
  repo?: string | null;
  /** Tag for the new image (`latest` when a repo is given without one). */
  tag?: string | null;
  author?: string | null;
  message?: string | null;
  /** Dockerfile instructions applied to the new image: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR. */
  changes?: string[] | null;
  /** Pause the container while committing (docker's default: true). */
  pause?: boolean | null;
}

/** Raised before the engine is asked anything, with one problem per bad change. */
export class CommitChangesError extends HangarError {
  constructor(readonly problems: ChangeProblem[]) {
    super('BAD_REQUEST', describeChangeProblems(problems));
  }
}

/** Checks a commit request without touching the engine; returns the engine's repo and tag parameters. */
export function checkCommit(request: CommitRequest): { repo: string | undefined; tag: string | undefined } {
  if (!request.container.trim()) throw new HangarError('BAD_REQUEST', 'container: name or ID required');
  const { problems } = checkDockerfileChanges(request.changes ?? [], { operation: 'docker commit' });
  if (problems.length) throw new CommitChangesError(problems);
  if (!request.repo) {
    if (request.tag) throw new HangarError('BAD_REQUEST', 'tag: give a repo to tag the new image with');
    return { repo: undefined, tag: undefined };
  }
  return parseTagTarget(request.tag ? `${request.repo}:${request.tag}` : request.repo);
}

/** `docker commit` on one host: the container's changes become a new image. */
export async function commitContainer(client: DockerHostClient, host: string, request: CommitRequest, signal?: AbortSignal): Promise<ImageDetails> {
  const { repo, tag } = checkCommit(request);
  const result = await client.request<{ Id: string }>({
    method: 'POST',
    path: '/commit',
    query: {
      container: request.container.trim(),
      repo,
      tag,
      author: request.author ?? undefined,
      comment: request.message ?? undefined,
      pause: request.pause === false ? '0' : '1',
      changes: request.changes?.length ? request.changes : undefined,
    },
    signal,
    timeoutMs: 600_000,
  });
  return toImageDetails(host, await client.request<RawImageInspect>({ path: `/images/${encodeURIComponent(result.Id)}/json`, signal }));
}
