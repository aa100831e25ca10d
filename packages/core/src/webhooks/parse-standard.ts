import { headerValue } from './verify.js';
import { isObject, str, WebhookPayloadError, type ParsedDelivery } from './event.js';

const ACTIONS: Record<string, string> = { 'image.pushed': 'push', 'image.pulled': 'pull', 'image.deleted': 'delete' };

/**
 * A signed generic event (Standard Webhooks headers). Standard Webhooks fixes the envelope, not the data; Hangar
 * reads `{"type": "image.pushed", "timestamp": ..., "data": {"registry", "repository", "tag", "digest",
 * "mediaType"}}`. The event ID is `webhook-id` (the same on every retry of a message).
 */
export function parseStandardPayload(body: unknown, headers: Readonly<Record<string, string | string[] | undefined>>): ParsedDelivery {
  const id = headerValue(headers, 'webhook-id');
  if (!id) throw new WebhookPayloadError('missing webhook-id header');
  if (!isObject(body)) throw new WebhookPayloadError('not a Standard Webhooks event: expected a JSON object');
  const type = str(body.type);
  if (!type) throw new WebhookPayloadError('not a Standard Webhooks event: no "type"');
  const action = ACTIONS[type];
  if (!action) return { deliveryId: id, events: [], ignoredReason: `${type} event` };
  const data = body.data;
  if (!isObject(data)) throw new WebhookPayloadError(`a ${type} event needs a "data" object`);
  const repository = str(data.repository);
  if (!repository) throw new WebhookPayloadError(`a ${type} event needs "data.repository"`);
  return {
    deliveryId: id,
    events: [{ eventId: id, action, repository, tag: str(data.tag), digest: str(data.digest), registryHost: str(data.registry), mediaType: str(data.mediaType) }],
    ignoredReason: undefined,
  };
}
