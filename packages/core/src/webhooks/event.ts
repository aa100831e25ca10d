/**
 * One registry event, whatever sent it: what happened (`action`) to which repository, tag and digest, on which
 * registry. Every source's payload is parsed into these; only a push of a tagged manifest starts anything.
 */
export interface RegistryPushEvent {
  /** The source's event ID, or one derived from the payload where the source has none (Harbor, Docker Hub). */
  eventId: string;
  /** `push`, `pull`, `delete`, or what else the source said (lower case). */
  action: string;
  /** Repository path inside the registry: `team/api`. */
  repository: string;
  /** The pushed tag; undefined for a push by digest (an untagged manifest). */
  tag: string | undefined;
  /** The manifest digest, when the source tells it (Docker Hub does not). */
  digest: string | undefined;
  /** The registry host (with port) the image is pulled from; undefined means Docker Hub. */
  registryHost: string | undefined;
  /** The target's media type, when the source tells it (blobs are `application/octet-stream`). */
  mediaType: string | undefined;
}

/** A payload that is not what its source sends: answered 400. */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** What a delivery held once parsed. */
export interface ParsedDelivery {
  /** The source's ID of this delivery (Standard Webhooks `webhook-id`, `X-GitHub-Delivery`), if it has one. */
  deliveryId: string | undefined;
  events: RegistryPushEvent[];
  /** Set when the delivery as a whole carries nothing to act on (a GitHub ping, an event type we do not handle). */
  ignoredReason: string | undefined;
}

const MANIFEST_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
]);

/** True for a blob (layer or config) rather than a manifest. Registry 2.x calls every blob `application/octet-stream`. */
export function isBlobMediaType(mediaType: string | undefined): boolean {
  if (!mediaType || MANIFEST_TYPES.has(mediaType)) return false;
  return mediaType === 'application/octet-stream' || /\.layer\.|rootfs\.diff|container\.image\.v1\+json|image\.config\./.test(mediaType);
}

/**
 * Whether an event asks for anything: only a push of a tagged manifest does. Pulls (a HEAD on a manifest makes
 * one), deletes, blob uploads and pushes by digest (the per-platform manifests of a multi-arch push) are ignored.
 */
export function classifyEvent(event: RegistryPushEvent): { actionable: true } | { actionable: false; reason: string } {
  if (event.action !== 'push') return { actionable: false, reason: `${event.action || 'unknown'} event` };
  if (isBlobMediaType(event.mediaType)) return { actionable: false, reason: 'blob upload' };
  if (!event.tag) return { actionable: false, reason: 'untagged push (by digest)' };
  return { actionable: true };
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export const isDigest = (value: string | undefined): value is string => value !== undefined && DIGEST_RE.test(value);

/** The registry host of a pull URL or reference such as `hub.harbor.com/ns/repo:tag` or `https://ghcr.io/x`. */
export function hostOfResource(resource: string | undefined): string | undefined {
  if (!resource) return undefined;
  const bare = resource.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const first = bare.split('/')[0];
  if (!first || first === bare) return undefined;
  // Like the reference grammar: the first component is a host when it has a dot or a port, or is localhost.
  return /[.:]/.test(first) || first === 'localhost' ? first : undefined;
}
