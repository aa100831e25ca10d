import { hostOfResource, isDigest, isObject, str, WebhookPayloadError, type ParsedDelivery, type RegistryPushEvent } from './event.js';

const ACTIONS: Record<string, string> = {
  PUSH_ARTIFACT: 'push',
  PULL_ARTIFACT: 'pull',
  DELETE_ARTIFACT: 'delete',
  'harbor.artifact.pushed': 'push',
  'harbor.artifact.pulled': 'pull',
  'harbor.artifact.deleted': 'delete',
};

/**
 * A Harbor webhook, in its Default JSON format (`type`, `occur_at`, `event_data`) or as a CloudEvent
 * (`specversion`, `id`, `type: harbor.artifact.*`, `data`). One event per resource. The Default format has no
 * event ID: it is derived from type, digest, tag and `occur_at`. A resource's `tag` is its first tag, or its
 * digest when the artifact is untagged (then the event has no tag).
 */
export function parseHarborPayload(body: unknown): ParsedDelivery {
  if (!isObject(body)) throw new WebhookPayloadError('not a Harbor webhook: expected a JSON object');
  const cloud = body.specversion !== undefined;
  const type = str(body.type);
  if (!type) throw new WebhookPayloadError('not a Harbor webhook: no "type"');
  const action = ACTIONS[type];
  if (!action) return { deliveryId: cloud ? str(body.id) : undefined, events: [], ignoredReason: `${type} event` };
  const data = cloud ? body.data : body.event_data;
  if (!isObject(data)) throw new WebhookPayloadError(`not a Harbor webhook: no "${cloud ? 'data' : 'event_data'}" object`);
  const cloudId = str(body.id);
  if (cloud && !cloudId) throw new WebhookPayloadError('a Harbor CloudEvent needs an "id"');
  const repo = isObject(data.repository) ? data.repository : {};
  const repository = str(repo.repo_full_name) ?? (str(repo.namespace) && str(repo.name) ? `${str(repo.namespace)}/${str(repo.name)}` : undefined);
  if (!repository) throw new WebhookPayloadError('a Harbor artifact event needs "repository.repo_full_name"');
  const resources = Array.isArray(data.resources) ? data.resources : [];
  const occurAt = body.occur_at;
  const events = resources.map((raw: unknown, index): RegistryPushEvent => {
    const resource = isObject(raw) ? raw : {};
    const digest = str(resource.digest);
    const rawTag = str(resource.tag);
    const tag = rawTag && rawTag !== digest && !isDigest(rawTag) ? rawTag : undefined;
    const eventId = cloudId
      ? resources.length > 1
        ? `${cloudId}/${index}`
        : cloudId
      : `harbor:${JSON.stringify([type, digest ?? null, rawTag ?? null, typeof occurAt === 'number' || typeof occurAt === 'string' ? occurAt : null])}`;
    return { eventId, action, repository, tag, digest: isDigest(digest) ? digest : undefined, registryHost: hostOfResource(str(resource.resource_url)), mediaType: undefined };
  });
  return { deliveryId: cloudId, events, ignoredReason: events.length === 0 ? 'no resources in the event' : undefined };
}
