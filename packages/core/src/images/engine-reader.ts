import type { QueryValue } from '../docker/docker-host-client.js';
import { HangarError } from '../errors/hangar-error.js';
import type { HostRegistry } from '../hosts/host-registry.js';

export interface EngineReaderOptions {
  /**
   * The most distinct engine calls this reader makes (config `limits.maxEngineCallsPerRequest`); each call past it
   * fails with ENGINE_CALL_BUDGET_EXCEEDED without reaching the engine. Unbounded when absent.
   */
  maxCalls?: number;
}

/**
 * Read access to the fleet for one request (one GraphQL operation): every distinct engine GET is made at most
 * once, however many fields need it, and all of them stop when the request's signal aborts. A request has a
 * budget of engine calls: however the document is shaped, it cannot make more than that.
 */
export class EngineReader {
  private readonly cache = new Map<string, Promise<unknown>>();
  private refused = 0;
  readonly maxCalls: number;

  constructor(
    readonly hosts: HostRegistry,
    readonly signal?: AbortSignal,
    options: EngineReaderOptions = {},
  ) {
    this.maxCalls = options.maxCalls ?? Number.POSITIVE_INFINITY;
  }

  get<T>(host: string, path: string, query: Record<string, QueryValue> = {}): Promise<T> {
    const key = `${host}\u0000${path}\u0000${JSON.stringify(Object.entries(query).filter(([, v]) => v !== undefined).sort())}`;
    let pending = this.cache.get(key);
    if (!pending) {
      if (this.cache.size >= this.maxCalls) {
        this.refused++;
        return Promise.reject(
          new HangarError(
            'ENGINE_CALL_BUDGET_EXCEEDED',
            `this request has made ${this.cache.size} engine calls, the most one request may make (limits.maxEngineCallsPerRequest); ask for fewer hosts, images or fields at once`,
            { host },
          ),
        );
      }
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

  /** How many engine calls the budget refused. */
  get refusedCount(): number {
    return this.refused;
  }
}
