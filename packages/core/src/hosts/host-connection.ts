import { readFileSync } from 'node:fs';
import type { HostConfig } from '../config/config.schema.js';
import type { DockerHostConnection } from '../docker/docker-host-client.js';
import { parseEndpoint } from '../docker/endpoint.js';

/** Reads a host's certificates and keys (paths already checked by the config loader) into a connection. */
export function hostConnection(host: HostConfig, defaultRequestTimeoutMs: number, env: NodeJS.ProcessEnv = process.env): DockerHostConnection {
  const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
  const passphrase = host.ssh?.passphraseEnv ? env[host.ssh.passphraseEnv] : undefined;
  return {
    name: host.name,
    endpoint: parseEndpoint(host.endpoint),
    tls: host.tls ? { ca: read(host.tls.ca), cert: read(host.tls.cert), key: read(host.tls.key), verify: host.tls.verify } : undefined,
    ssh: host.ssh ? { privateKey: read(host.ssh.privateKey), ...(passphrase ? { passphrase } : {}) } : undefined,
    requestTimeoutMs: host.requestTimeoutMs ?? defaultRequestTimeoutMs,
  };
}
