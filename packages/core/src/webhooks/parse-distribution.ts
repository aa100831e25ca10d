import { isObject, str, WebhookPayloadError, type ParsedDelivery, type RegistryPushEvent } from './event.js';

function hostOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A Distribution registry (registry:2, docker-registry) notification: `{"events": [...]}` with one event or more,
 * sent as `application/vnd.docker.distribution.events.v1+json` (v2+json from registry v3; the body is the same).
 * The registry host is the one `target.url` names (the registry's own idea of its URL), else the request's Host.
 */
export function parseDistributionPayload(body: unknown): ParsedDelivery {
  if (!isObject(body) || !Array.isArray(body.events)) throw new WebhookPayloadError('not a registry notification: expected {"events": [...]}');
  const events = body.events.map((raw: unknown, index): RegistryPushEvent => {
    if (!isObject(raw)) throw new WebhookPayloadError(`events[${index}] is not an object`);
    const eventId = str(raw.id);
    const action = str(raw.action);
    if (!eventId || !action) throw new WebhookPayloadError(`events[${index}]: "id" and "action" are required`);
    const target = isObject(raw.target) ? raw.target : {};
    const request = isObject(raw.request) ? raw.request : {};
    const repository = str(target.repository);
    if (!repository) throw new WebhookPayloadError(`events[${index}]: "target.repository" is required`);
    return {
      eventId,
      action: action.toLowerCase(),
      repository,
      tag: str(target.tag),
      digest: str(target.digest),
      registryHost: hostOfUrl(str(target.url)) ?? str(request.host),
      mediaType: str(target.mediaType),
    };
  });
  return { deliveryId: undefined, events, ignoredReason: events.length === 0 ? 'no events in the envelope' : undefined };
}
