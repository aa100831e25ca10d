import Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import { HangarError } from '../errors/hangar-error.js';
import { negotiateApiVersion } from './api-version.js';
import type { EngineInfo, EngineSystemInfo, EngineVersion } from './engine.types.js';
import { formatEndpoint, type Endpoint } from './endpoint.js';
import { mapDockerError } from './map-docker-error.js';

/** How to reach one engine. File contents, not paths: reading files is the config loader's job. */
export interface DockerHostConnection {
  name: string;
  endpoint: Endpoint;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; verify?: boolean } | undefined;
  ssh?: { privateKey?: Buffer; passphrase?: string } | undefined;
  /** Upper bound for one short request (connect + answer). Streams use their own watchdogs. */
  requestTimeoutMs: number;
}

export type QueryValue = string | number | boolean | string[] | undefined;

export interface EngineRequest {
  method?: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  /** Unversioned path, e.g. `/images/json`; the negotiated `/v1.NN` prefix is added here. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Overrides the host's request timeout for this call. */
  timeoutMs?: number;
}

const OK_STATUS = { 200: true, 201: true, 204: true, 304: true } as const;
const ERROR_REASONS = { 400: 'bad parameter', 401: 'unauthorized', 403: 'forbidden', 404: 'not found', 409: 'conflict', 500: 'server error', 503: 'unavailable' };

interface RawVersion {
  Version?: string;
  ApiVersion?: string;
  MinAPIVersion?: string;
  Os?: string;
  Arch?: string;
  KernelVersion?: string;
  GoVersion?: string;
  GitCommit?: string;
}

interface RawInfo {
  ID?: string;
  Name?: string;
  OperatingSystem?: string;
  Driver?: string;
  DockerRootDir?: string;
  Images?: number;
  Containers?: number;
  NCPU?: number;
  MemTotal?: number;
}

function cleanQuery(query: Record<string, QueryValue> | undefined): Record<string, string | string[]> {
  const clean: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    clean[key] = Array.isArray(value) ? value : String(value);
  }
  return clean;
}

/**
 * One Docker Engine. The only class that talks to an engine: it negotiates the API version from
 * `GET /version`, bounds every call in time, honours AbortSignals, and maps every failure to a HangarError.
 */
export class DockerHostClient {
  readonly name: string;
  readonly endpoint: string;
  private readonly docker: Dockerode;
  private readonly requestTimeoutMs: number;
  private apiVersion: string | undefined;

  constructor(connection: DockerHostConnection) {
    this.name = connection.name;
    const tls = connection.tls !== undefined;
    this.endpoint = formatEndpoint(connection.endpoint, tls);
    this.requestTimeoutMs = connection.requestTimeoutMs;
    this.docker = new Dockerode(DockerHostClient.dockerodeOptions(connection));
  }

  private static dockerodeOptions(connection: DockerHostConnection): Dockerode.DockerOptions {
    const { endpoint, tls, ssh } = connection;
    switch (endpoint.kind) {
      case 'unix':
        return { socketPath: endpoint.socketPath };
      case 'tcp':
        return {
          host: endpoint.host,
          port: endpoint.port ?? (tls ? 2376 : 2375),
          protocol: tls ? 'https' : 'http',
          ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}),
          ...(tls?.verify === false ? { checkServerIdentity: () => undefined } : {}),
        } as Dockerode.DockerOptions;
      case 'ssh':
        return {
          host: endpoint.host,
          port: endpoint.port,
          protocol: 'ssh',
          username: endpoint.username,
          sshOptions: {
            ...(ssh?.privateKey ? { privateKey: ssh.privateKey } : {}),
            ...(ssh?.passphrase ? { passphrase: ssh.passphrase } : {}),
            ...(process.env.SSH_AUTH_SOCK ? { agent: process.env.SSH_AUTH_SOCK } : {}),
            readyTimeout: connection.requestTimeoutMs,
          },
        } as Dockerode.DockerOptions;
    }
  }

  /** The API version in use, once negotiated. */
  get negotiatedApiVersion(): string | undefined {
    return this.apiVersion;
  }

  /** Asks the engine which API versions it speaks (unversioned `GET /version`) and settles on one. */
  async negotiate(signal?: AbortSignal): Promise<EngineVersion> {
    const raw = await this.send<RawVersion>({ path: '/version', signal }, undefined);
    const maxApiVersion = raw.ApiVersion ?? '';
    const negotiation = negotiateApiVersion(maxApiVersion, raw.MinAPIVersion);
    if (!negotiation.ok) {
      this.apiVersion = undefined;
      throw new HangarError('ENGINE_UNSUPPORTED', `${this.name}: ${negotiation.reason}`, { host: this.name });
    }
    this.apiVersion = negotiation.version;
    return {
      version: raw.Version ?? 'unknown',
      apiVersion: negotiation.version,
      maxApiVersion,
      minApiVersion: raw.MinAPIVersion,
      os: raw.Os ?? 'unknown',
      arch: raw.Arch ?? 'unknown',
      kernelVersion: raw.KernelVersion,
      goVersion: raw.GoVersion,
      gitCommit: raw.GitCommit,
    };
  }

  async systemInfo(signal?: AbortSignal): Promise<EngineSystemInfo> {
    const raw = await this.request<RawInfo>({ path: '/info', signal });
    return {
      id: raw.ID,
      name: raw.Name,
      operatingSystem: raw.OperatingSystem,
      storageDriver: raw.Driver,
      dockerRootDir: raw.DockerRootDir,
      images: raw.Images ?? 0,
      containers: raw.Containers ?? 0,
      cpus: raw.NCPU ?? 0,
      memoryBytes: raw.MemTotal ?? 0,
    };
  }

  /** Version negotiation and system facts in one bounded call: the health check. */
  async probe(signal?: AbortSignal): Promise<EngineInfo> {
    const version = await this.negotiate(signal);
    const info = await this.systemInfo(signal);
    return { ...version, ...info };
  }

  /** A JSON request on the negotiated API version, bounded by the host's request timeout. */
  async request<T>(request: EngineRequest): Promise<T> {
    const version = this.apiVersion ?? (await this.negotiate(request.signal)).apiVersion;
    return this.send<T>(request, version);
  }

  /** A request whose answer is a stream (pull progress, tar archives). Only the connect/headers phase is bounded. */
  async stream(request: EngineRequest & { bodyStream?: Readable; headers?: Record<string, string> }): Promise<Readable> {
    const version = this.apiVersion ?? (await this.negotiate(request.signal)).apiVersion;
    return this.send<Readable>(request, version, true);
  }

  private async send<T>(request: EngineRequest & { bodyStream?: Readable; headers?: Record<string, string> }, version: string | undefined, isStream = false): Promise<T> {
    const timeoutMs = request.timeoutMs ?? this.requestTimeoutMs;
    // For a plain request the deadline covers the whole exchange; for a stream only the wait for the response
    // headers, so that a long but living stream is never cut (its consumer watches it for stalls).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error('deadline')), timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
    const query = cleanQuery(request.query);
    const hasQuery = Object.keys(query).length > 0;
    const method = request.method ?? 'GET';
    const options: Record<string, unknown> | undefined =
      method === 'POST' ? { _query: query, _body: request.body ?? {} } : hasQuery ? query : undefined;
    const dialOptions = {
      path: `${version ? `/v${version}` : ''}${request.path}${hasQuery ? '?' : ''}`,
      method,
      options,
      statusCodes: { ...ERROR_REASONS, ...OK_STATUS },
      abortSignal: signal,
      isStream,
      ...(request.bodyStream ? { file: request.bodyStream } : {}),
      ...(request.headers ? { headers: request.headers } : {}),
    };
    const dial = () =>
      new Promise<T>((resolve, reject) => {
        // Settle on abort ourselves: the modem reports an aborted request only once its agent hands over a
        // connection, and for ssh:// that waits for the SSH handshake (up to readyTimeout), whatever the signal says.
        const onAbort = () => reject(signal.reason);
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        this.docker.modem.dial(dialOptions as never, (error: unknown, result: unknown) => {
          signal.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else resolve(result as T);
        });
      });
    try {
      try {
        return await dial();
      } catch (error) {
        // A GET reset on a pooled keep-alive connection (the engine closed it, or died, since it was last used) is
        // asked once more, on a fresh connection: that answers, or fails with what is true now (refused, gone).
        if (method !== 'GET' || request.bodyStream || signal.aborted || (error as { code?: unknown }).code !== 'ECONNRESET') throw error;
        return await dial();
      }
    } catch (error) {
      if (deadline.signal.aborted && !request.signal?.aborted) {
        throw new HangarError('HOST_TIMEOUT', `${this.name} (${this.endpoint}): no answer within ${timeoutMs} ms`, { cause: error, host: this.name });
      }
      if (request.signal?.aborted) {
        throw new HangarError('ABORTED', `${this.name}: request cancelled`, { cause: error, host: this.name });
      }
      throw mapDockerError(error, { host: this.name, endpoint: this.endpoint });
    } finally {
      clearTimeout(timer);
    }
  }
}
