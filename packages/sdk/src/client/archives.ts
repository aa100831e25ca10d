import { HangarError } from '../errors/hangar-error.js';
import { authHeaders, fetchFailure, httpFailure, type HttpTransportConfig } from './http-transport.js';

/** A tar archive to upload: bytes, a Blob/File, or a stream (on Node: `Readable.toWeb(stream)`). */
export type ArchiveBody = Blob | ArrayBuffer | Uint8Array | ReadableStream<Uint8Array>;

export interface ExportImagesOptions {
  host: string;
  /** One or more image references or IDs, as `docker save` takes them. */
  refs: readonly string[];
  signal?: AbortSignal | undefined;
}

export interface LoadImagesOptions {
  host: string;
  /** The archive `docker save` (or `hangar image save`) wrote. */
  archive: ArchiveBody;
  signal?: AbortSignal | undefined;
}

/** One image a load brought in. */
export interface LoadedImage {
  /** `Loaded image: REF` */
  ref?: string;
  /** `Loaded image ID: sha256:…` */
  imageId?: string;
}

export interface LoadImagesResult {
  loaded: LoadedImage[];
}

export interface ImportImageOptions {
  host: string;
  /** A root filesystem tar (plain or compressed), or a URL the engine downloads. */
  source: ArchiveBody | { url: string };
  repo?: string | undefined;
  tag?: string | undefined;
  /** `-m`: commit message. */
  message?: string | undefined;
  /** `-c`: Dockerfile instructions (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR). */
  changes?: readonly string[] | undefined;
  signal?: AbortSignal | undefined;
}

export interface ImportImageResult {
  imageId: string;
  /** `repo:tag`, when a repository was given. */
  ref?: string;
}

export interface UploadBuildContextOptions {
  /** The build context as a plain (uncompressed) tar, at most 64 MiB; bigger contexts belong at a URL (`contextUrl`). */
  context: ArchiveBody;
  signal?: AbortSignal | undefined;
}

export interface UploadedBuildContext {
  /** Pass it as `contextUpload` to `buildImage` (or `run.build`). */
  key: string;
  bytes: number;
  /** The upload is kept this long for a build to use. */
  expiresInSeconds: number;
}

/** `docker save`, `docker load` and `docker import` through Hangar's REST endpoints (tar streams, never buffered). */
export interface ArchiveClient {
  /** The tar stream of one or more images (GET /api/v1/hosts/:host/images/export?ref=…). */
  exportImages(options: ExportImagesOptions): Promise<ReadableStream<Uint8Array>>;
  /** Loads a tar archive into an engine (POST /api/v1/hosts/:host/images/load). */
  loadImages(options: LoadImagesOptions): Promise<LoadImagesResult>;
  /** Makes an image of a root filesystem tar or URL (POST /api/v1/hosts/:host/images/import). */
  importImage(options: ImportImageOptions): Promise<ImportImageResult>;
  /** Uploads a build context tar for `buildImage(input: { contextUpload: key })` (POST /api/v1/build-contexts). */
  uploadBuildContext(options: UploadBuildContextOptions): Promise<UploadedBuildContext>;
}

function isUrlSource(source: ImportImageOptions['source']): source is { url: string } {
  return typeof source === 'object' && source !== null && 'url' in source && typeof (source as { url: unknown }).url === 'string';
}

function hostPath(config: HttpTransportConfig, host: string, action: string, query: URLSearchParams): string {
  const search = query.toString();
  return `${config.baseUrl}/api/v1/hosts/${encodeURIComponent(host)}/images/${action}${search ? `?${search}` : ''}`;
}

async function send(config: HttpTransportConfig, url: string, init: RequestInit & { duplex?: 'half' }, signal: AbortSignal | undefined): Promise<Response> {
  let response: Response;
  try {
    response = await config.fetch(url, { ...init, ...(signal ? { signal } : {}) });
  } catch (error) {
    throw fetchFailure(error, config.baseUrl, signal);
  }
  if (!response.ok) throw await httpFailure(response, url);
  return response;
}

async function json<T>(response: Response, url: string): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new HangarError('INVALID_RESPONSE', `${url} answered ${response.status} with a body that is not JSON: ${text.trim().slice(0, 200)}`, { status: response.status });
  }
}

/** A request body; a stream needs `duplex: 'half'` (fetch's rule for streamed uploads). */
function uploadInit(body: ArchiveBody, contentType: string): RequestInit & { duplex?: 'half' } {
  const streamed = typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;
  return { method: 'POST', body: body as RequestInit['body'], headers: { 'content-type': contentType }, ...(streamed ? { duplex: 'half' as const } : {}) };
}

export function createArchiveClient(config: HttpTransportConfig): ArchiveClient {
  return {
    async exportImages({ host, refs, signal }) {
      const query = new URLSearchParams();
      for (const ref of refs) query.append('ref', ref);
      const url = hostPath(config, host, 'export', query);
      const response = await send(config, url, { method: 'GET', headers: authHeaders(config, { accept: 'application/x-tar' }) }, signal);
      if (!response.body) throw new HangarError('INVALID_RESPONSE', `${url} answered without a body`, { status: response.status });
      return response.body;
    },

    async loadImages({ host, archive, signal }) {
      const url = hostPath(config, host, 'load', new URLSearchParams());
      const init = uploadInit(archive, 'application/x-tar');
      const response = await send(config, url, { ...init, headers: authHeaders(config, { ...(init.headers as Record<string, string>), accept: 'application/json' }) }, signal);
      return json<LoadImagesResult>(response, url);
    },

    async importImage({ host, source, repo, tag, message, changes, signal }) {
      const query = new URLSearchParams();
      if (repo) query.set('repo', repo);
      if (tag) query.set('tag', tag);
      if (message) query.set('message', message);
      for (const change of changes ?? []) query.append('change', change);
      if (isUrlSource(source)) query.set('url', source.url);
      const url = hostPath(config, host, 'import', query);
      const init: RequestInit & { duplex?: 'half' } = isUrlSource(source) ? { method: 'POST', headers: {} } : uploadInit(source, 'application/x-tar');
      const response = await send(config, url, { ...init, headers: authHeaders(config, { ...(init.headers as Record<string, string>), accept: 'application/json' }) }, signal);
      return json<ImportImageResult>(response, url);
    },

    async uploadBuildContext({ context, signal }) {
      const url = `${config.baseUrl}/api/v1/build-contexts`;
      const init = uploadInit(context, 'application/x-tar');
      const response = await send(config, url, { ...init, headers: authHeaders(config, { ...(init.headers as Record<string, string>), accept: 'application/json' }) }, signal);
      return json<UploadedBuildContext>(response, url);
    },
  };
}
