/** Where a Docker Engine listens, parsed from `unix:///path`, `tcp://host:port` or `ssh://user@host:port`. */
export type Endpoint =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number | undefined }
  | { kind: 'ssh'; host: string; port: number; username: string | undefined };

export class EndpointSyntaxError extends Error {
  constructor(endpoint: string, problem: string) {
    super(`malformed endpoint "${endpoint}": ${problem}`);
    this.name = this.constructor.name;
  }
}

const EXAMPLES = 'expected unix:///var/run/docker.sock, tcp://HOST:PORT or ssh://USER@HOST[:PORT]';

function parsePort(raw: string, endpoint: string): number | undefined {
  if (raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new EndpointSyntaxError(endpoint, `bad port "${raw}"`);
  return port;
}

export function parseEndpoint(endpoint: string): Endpoint {
  const trimmed = endpoint.trim();
  if (trimmed.startsWith('/')) return { kind: 'unix', socketPath: trimmed };
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(trimmed);
  if (!match) throw new EndpointSyntaxError(endpoint, EXAMPLES);
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  if (scheme === 'unix') {
    if (!rest.startsWith('/')) throw new EndpointSyntaxError(endpoint, 'a unix socket path must be absolute');
    return { kind: 'unix', socketPath: rest };
  }
  if (scheme !== 'tcp' && scheme !== 'ssh' && scheme !== 'http' && scheme !== 'https') {
    throw new EndpointSyntaxError(endpoint, `unsupported scheme "${scheme}": ${EXAMPLES}`);
  }
  let url: URL;
  try {
    // tcp:// and ssh:// are not "special" URL schemes, so no default port is elided from them.
    url = new URL(`${scheme === 'ssh' ? 'ssh' : 'tcp'}://${rest}`);
  } catch {
    throw new EndpointSyntaxError(endpoint, EXAMPLES);
  }
  if (!url.hostname) throw new EndpointSyntaxError(endpoint, 'no host');
  if (url.pathname !== '/' && url.pathname !== '') throw new EndpointSyntaxError(endpoint, `unexpected path "${url.pathname}"`);
  if (url.search || url.hash) throw new EndpointSyntaxError(endpoint, 'unexpected query or fragment');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsePort(url.port, endpoint);
  if (scheme === 'ssh') {
    if (url.password) throw new EndpointSyntaxError(endpoint, 'passwords do not belong in an ssh endpoint: use a key');
    return { kind: 'ssh', host, port: port ?? 22, username: url.username ? decodeURIComponent(url.username) : undefined };
  }
  if (url.username || url.password) throw new EndpointSyntaxError(endpoint, 'credentials do not belong in a tcp endpoint');
  return { kind: 'tcp', host, port };
}

/** The endpoint as it is safe to show: never a secret (ssh endpoints carry no password by construction). */
export function formatEndpoint(endpoint: Endpoint, tls: boolean): string {
  switch (endpoint.kind) {
    case 'unix':
      return `unix://${endpoint.socketPath}`;
    case 'tcp': {
      const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
      return `tcp://${host}:${endpoint.port ?? (tls ? 2376 : 2375)}`;
    }
    case 'ssh': {
      const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
      return `ssh://${endpoint.username ? `${endpoint.username}@` : ''}${host}:${endpoint.port}`;
    }
  }
}
