import { isObject, str, WebhookPayloadError, type ParsedDelivery } from './event.js';

/**
 * A Docker Hub webhook: a push of `push_data.tag` to `repository.repo_name`. It says neither digest nor event
 * type and has no ID: the event ID is derived from repository, tag and `pushed_at` (which may be a float).
 */
export function parseDockerHubPayload(body: unknown): ParsedDelivery {
  if (!isObject(body) || !isObject(body.push_data) || !isObject(body.repository)) {
    throw new WebhookPayloadError('not a Docker Hub webhook: expected "push_data" and "repository" objects');
  }
  const repo = body.repository;
  const repository = str(repo.repo_name) ?? (str(repo.namespace) && str(repo.name) ? `${str(repo.namespace)}/${str(repo.name)}` : undefined);
  if (!repository) throw new WebhookPayloadError('a Docker Hub webhook needs "repository.repo_name"');
  const tag = str(body.push_data.tag);
  const pushedAt = body.push_data.pushed_at;
  const when = typeof pushedAt === 'number' || typeof pushedAt === 'string' ? String(pushedAt) : '';
  return {
    deliveryId: undefined,
    events: [{ eventId: `dockerhub:${JSON.stringify([repository, tag ?? null, when])}`, action: 'push', repository, tag, digest: undefined, registryHost: 'docker.io', mediaType: undefined }],
    ignoredReason: undefined,
  };
}
