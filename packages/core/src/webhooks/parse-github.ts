import { headerValue } from './verify.js';
import { hostOfResource, isDigest, isObject, str, WebhookPayloadError, type ParsedDelivery } from './event.js';

/**
 * A GitHub `registry_package` or `package` event for a container image (GHCR): action `published` is a push of
 * `package_version.container_metadata.tag` (name, digest). GitHub sends both events for one publish when a hook
 * subscribes to both, under different delivery IDs: the event ID is derived from the package version, tag and
 * digest so that the second one is a duplicate. `ping` and every other event are ignored.
 */
export function parseGithubPayload(body: unknown, headers: Readonly<Record<string, string | string[] | undefined>>): ParsedDelivery {
  const deliveryId = headerValue(headers, 'x-github-delivery');
  const kind = headerValue(headers, 'x-github-event');
  if (!isObject(body)) throw new WebhookPayloadError('not a GitHub webhook: expected a JSON object');
  if (kind !== 'registry_package' && kind !== 'package') return { deliveryId, events: [], ignoredReason: `${kind ?? 'unnamed'} event` };
  const pkg = isObject(body.registry_package) ? body.registry_package : isObject(body.package) ? body.package : undefined;
  if (!pkg) throw new WebhookPayloadError(`a ${kind} event needs a "${kind}" object`);
  const packageType = (str(pkg.package_type) ?? str(pkg.ecosystem) ?? '').toLowerCase();
  if (packageType !== 'container' && packageType !== 'docker') return { deliveryId, events: [], ignoredReason: `${packageType || 'unknown'} package` };
  const version = isObject(pkg.package_version) ? pkg.package_version : {};
  const metadata = isObject(version.container_metadata) ? version.container_metadata : {};
  const tagInfo = isObject(metadata.tag) ? metadata.tag : {};
  const owner = isObject(pkg.owner) ? pkg.owner : {};
  const namespace = str(pkg.namespace) ?? str(owner.login);
  const name = str(pkg.name);
  if (!namespace || !name) throw new WebhookPayloadError(`a ${kind} event needs the package's "name" and "namespace" (or "owner.login")`);
  const tag = str(tagInfo.name);
  const digestCandidate = str(tagInfo.digest) ?? str(version.version) ?? str(version.name);
  const digest = isDigest(digestCandidate) ? digestCandidate : undefined;
  const action = str(body.action) === 'published' ? 'push' : (str(body.action) ?? 'unknown');
  const versionId = typeof version.id === 'number' || typeof version.id === 'string' ? String(version.id) : '';
  return {
    deliveryId,
    events: [
      {
        eventId: `github:${JSON.stringify([`${namespace}/${name}`.toLowerCase(), versionId, tag ?? null, digest ?? null, action])}`,
        action,
        // GHCR image names are lower case, whatever the owner's login looks like.
        repository: `${namespace}/${name}`.toLowerCase(),
        tag,
        digest,
        registryHost: hostOfResource(str(version.package_url)) ?? 'ghcr.io',
        mediaType: undefined,
      },
    ],
    ignoredReason: undefined,
  };
}
