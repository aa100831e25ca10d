/** The registry hosts Docker Hub answers on; a reference's domain `docker.io` means any of them. */
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** The host[:port] of a registry URL, lower-cased (`https://Harbor.example:8443/` -> `harbor.example:8443`). */
export function registryUrlHost(url: string): string {
  return new URL(url).host.toLowerCase();
}

/**
 * Whether a registry configured at `registryUrl` is the registry an image reference's domain names: the same
 * host and port (an explicit default port equals none), or Docker Hub under any of its names. Credentials go only
 * where this holds, so a named registry's password never travels to another host.
 */
export function registryHostMatches(domain: string, registryUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(registryUrl);
  } catch {
    return false;
  }
  const host = url.host.toLowerCase();
  const wanted = domain.toLowerCase();
  if (DOCKER_HUB_HOSTS.has(wanted)) return DOCKER_HUB_HOSTS.has(url.hostname.toLowerCase());
  if (host === wanted) return true;
  // `registry.example:443` in a reference and `https://registry.example` in the configuration are one registry.
  const defaultPort = url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : undefined;
  return !url.port && defaultPort !== undefined && `${url.hostname.toLowerCase()}:${defaultPort}` === wanted;
}
