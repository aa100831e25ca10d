import type { QueryValue } from '../docker/docker-host-client.js';
import type { HostRegistry } from '../hosts/host-registry.js';

/**
 * Read access to the fleet for one request (one GraphQL operation): every distinct engine GET is made at most
 * once, however many fields need it, and all of them stop when the request's signal aborts.
 */
export class EngineReader {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    readonly hosts: HostRegistry,
    readonly signal?: AbortSignal,
  ) {}

  get<T>(host: string, path: string, query: Record<string, QueryValue> = {}): Promise<T> {
    const key = `${host}\u0000${path}\u0000${JSON.stringify(Object.entries(query).filter(([, v]) => v !== undefined).sort())}`;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.hosts.client(host).request<T>({ path, query, signal: this.signal });
      this.cache.set(key, pending);
    }
    return pending as Promise<T>;
  }

  /** The negotiated API version of a host (negotiating once if needed). */
  async apiVersion(host: string): Promise<string> {
    const client = this.hosts.client(host);
    return client.negotiatedApiVersion ?? (await client.negotiate(this.signal)).apiVersion;
  }

  /** How many distinct engine calls this request has made (for tests and metrics). */
  get callCount(): number {
    return this.cache.size;
  }
}
