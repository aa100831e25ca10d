import type { HostConfig } from '../config/config.schema.js';
import type { HangarConfig } from '../config/load-config.js';
import { DockerHostClient } from '../docker/docker-host-client.js';
import type { EngineInfo } from '../docker/engine.types.js';
import { HangarError, type HangarErrorCode } from '../errors/hangar-error.js';
import { hostConnection } from './host-connection.js';

export type HostStatus = 'UP' | 'DOWN';

/** A host as Hangar knows it right now: its configuration and the outcome of its last health check. */
export interface HostState {
  name: string;
  /** The endpoint, safe to show. */
  endpoint: string;
  labels: Record<string, string>;
  maxConcurrentJobs: number;
  status: HostStatus;
  /** Why the host is DOWN. */
  error: { code: HangarErrorCode; message: string } | undefined;
  /** What the engine said at the last successful check. */
  engine: EngineInfo | undefined;
  checkedAt: Date | undefined;
  /** When the host entered its current status. */
  since: Date;
}

export interface HostRegistryOptions {
  /** Bound for one health check. */
  healthTimeoutMs: number;
  /** Period of background checks. */
  healthIntervalMs: number;
  /** Called when a host changes status (UP <-> DOWN), e.g. to log it. */
  onStatusChange?: (state: HostState, previous: HostStatus | undefined) => void;
}

interface Entry {
  config: HostConfig;
  client: DockerHostClient;
  state: HostState;
  inflight: Promise<HostState> | undefined;
  checkedOnce: boolean;
}

/** The fleet: every configured host, its engine client, and its health, checked in the background and on demand. */
export class HostRegistry {
  private entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    hosts: readonly { config: HostConfig; client: DockerHostClient }[],
    private readonly options: HostRegistryOptions,
  ) {
    const now = new Date();
    for (const { config, client } of hosts) {
      this.entries.set(config.name, {
        config,
        client,
        checkedOnce: false,
        inflight: undefined,
        state: {
          name: config.name,
          endpoint: client.endpoint,
          labels: { ...config.labels },
          maxConcurrentJobs: config.maxConcurrentJobs,
          status: 'DOWN',
          error: { code: 'HOST_UNREACHABLE', message: 'not checked yet' },
          engine: undefined,
          checkedAt: undefined,
          since: now,
        },
      });
    }
  }

  static fromConfig(config: HangarConfig, options: Partial<HostRegistryOptions> = {}): HostRegistry {
    const healthTimeoutMs = options.healthTimeoutMs ?? config.health.timeoutMs;
    return new HostRegistry(
      config.hosts.map((host) => ({ config: host, client: new DockerHostClient(hostConnection(host, config.fleet.hostTimeoutMs)) })),
      { healthTimeoutMs, healthIntervalMs: options.healthIntervalMs ?? config.health.intervalMs, ...options },
    );
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * The fleet as a token limited to `names` sees it: the same hosts (states, clients, shared health checks), the
   * others unknown (HOST_NOT_FOUND, absent from every list). A view: it is never started or stopped itself.
   */
  scoped(names: readonly string[]): HostRegistry {
    const view = Object.create(this) as HostRegistry;
    view.entries = new Map([...this.entries].filter(([name]) => names.includes(name)));
    return view;
  }

  /** Each host's name and labels, for selecting hosts by label. */
  fleet(): { name: string; labels: Readonly<Record<string, string>> }[] {
    return [...this.entries.values()].map((entry) => ({ name: entry.config.name, labels: entry.config.labels }));
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new HangarError('HOST_NOT_FOUND', `no host named "${name}"; known hosts: ${this.names().join(', ') || 'none'}`);
    return entry;
  }

  /** The engine client of a host; throws HOST_NOT_FOUND for an unknown name. */
  client(name: string): DockerHostClient {
    return this.entry(name).client;
  }

  /** The last known state, without checking. */
  state(name: string): HostState {
    return { ...this.entry(name).state };
  }

  states(): HostState[] {
    return this.names().map((name) => this.state(name));
  }

  /**
   * Checks a host unless it was checked less than `maxAgeMs` ago; concurrent callers share one check.
   * Never throws for an unreachable host: the answer is a DOWN state with the reason.
   */
  async check(name: string, { maxAgeMs = 0 }: { maxAgeMs?: number } = {}): Promise<HostState> {
    const entry = this.entry(name);
    const age = entry.state.checkedAt ? Date.now() - entry.state.checkedAt.getTime() : Infinity;
    if (entry.checkedOnce && age <= maxAgeMs) return { ...entry.state };
    entry.inflight ??= this.runCheck(entry).finally(() => {
      entry.inflight = undefined;
    });
    return { ...(await entry.inflight) };
  }

  async checkAll(options: { maxAgeMs?: number } = {}): Promise<HostState[]> {
    return Promise.all(this.names().map((name) => this.check(name, options)));
  }

  private async runCheck(entry: Entry): Promise<HostState> {
    const previous = entry.checkedOnce ? entry.state.status : undefined;
    const checkedAt = new Date();
    let next: HostState;
    try {
      const engine = await entry.client.probe(AbortSignal.timeout(this.options.healthTimeoutMs));
      next = { ...entry.state, status: 'UP', error: undefined, engine, checkedAt };
    } catch (error) {
      const failure = HangarError.from(error, 'HOST_UNREACHABLE');
      const code = failure.code === 'ABORTED' ? 'HOST_TIMEOUT' : failure.code;
      const message = failure.code === 'ABORTED' ? `${entry.config.name} (${entry.client.endpoint}): no answer within ${this.options.healthTimeoutMs} ms` : failure.message;
      next = { ...entry.state, status: 'DOWN', error: { code, message }, checkedAt };
    }
    if (next.status !== previous) next.since = checkedAt;
    entry.state = next;
    entry.checkedOnce = true;
    if (next.status !== previous) this.options.onStatusChange?.({ ...next }, previous);
    return next;
  }

  /** Starts background health checks (one right away). */
  start(): void {
    if (this.timer) return;
    void this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.options.healthIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
