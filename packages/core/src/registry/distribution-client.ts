import { createHash } from 'node:crypto';
import { HangarError, type HangarErrorCode } from '../errors/hangar-error.js';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.js';

/** How to reach one registry. The same shape for every registry kind, so configuration maps onto it directly. */
export interface RegistryClientOptions {
  /** The configured registry name: used in messages and as `SearchHit.registry`. */
  name: string;
  /** Base URL, `http(s)://host[:port][/prefix]`, without credentials. */
  url: string;
  username?: string;
  password?: string;
  /** Upper bound for ONE HTTP exchange (connect, redirects, headers and body). Default 10 000 ms. */
  timeoutMs?: number;
}

export interface RegistryCallOptions {
  signal?: AbortSignal;
}

/** One page of repository names; `endCursor` is what to pass as `after` for the next page. */
export interface CatalogPage {
  repositories: string[];
  hasNextPage: boolean;
  endCursor: string | undefined;
}

export const DEFAULT_REGISTRY_TIMEOUT_MS = 10_000;
/** Registry answers here are small JSON documents; anything bigger is a misbehaving server, not data. */
export const MAX_REGISTRY_RESPONSE_BYTES = 4 * 1024 * 1024;
/** `n` of `/v2/_catalog`: Distribution's default page, and its default `catalog.maxentries` ceiling. */
export const DEFAULT_CATALOG_PAGE_SIZE = 100;
export const MAX_CATALOG_PAGE_SIZE = 1000;

/**
 * What we accept for a manifest, most specific first. Without this header Distribution 2.8 converts a v2
 * manifest to the deprecated schema 1 on the fly and reports THAT digest, which matches nothing `docker push`
 * printed; with it, the registry returns the stored manifest (or index) and its real digest.
 */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

// ---------------------------------------------------------------------------------------------------------------
// Names and references. Checked before they go into a URL path: the registry's router answers a malformed name
// with a plain-text "404 page not found" (uppercase), or a 500 (a bad digest taken as a tag), never a clear error.

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const REPOSITORY_NAME = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
/** Distribution's `NameTotalLengthMax`. */
const MAX_REPOSITORY_NAME_LENGTH = 255;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** A repository path as Distribution's grammar allows it: `library/nginx`, `my-org/app_v2`. */
export function isRepositoryName(name: string): boolean {
  return name.length <= MAX_REPOSITORY_NAME_LENGTH && REPOSITORY_NAME.test(name);
}

export function isTag(reference: string): boolean {
  return TAG.test(reference);
}

/** `algorithm:encoded`; a sha256 digest must be 64 lower-case hex digits. */
export function isDigest(reference: string): boolean {
  if (!DIGEST.test(reference)) return false;
  return !reference.startsWith('sha256:') || SHA256_DIGEST.test(reference);
}

export function assertRepositoryName(name: string): void {
  if (typeof name !== 'string' || !isRepositoryName(name)) {
    throw new HangarError(
      'BAD_REQUEST',
      `invalid repository name ${JSON.stringify(name)}: use lower-case components of letters and digits separated by ".", "_", "__" or "-", joined by "/" (at most ${MAX_REPOSITORY_NAME_LENGTH} characters)`,
    );
  }
}

export function assertReference(reference: string): void {
  if (typeof reference !== 'string' || !(isTag(reference) || isDigest(reference))) {
    throw new HangarError('BAD_REQUEST', `invalid reference ${JSON.stringify(reference)}: expected a tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) or a digest (sha256:<64 hex>)`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Link headers (RFC 8288), used for paging by Distribution (`/v2/_catalog`, and `tags/list` from v3) and Harbor.

/**
 * The targets of a `Link` header by relation type (`next`, `prev`, ...), first one winning. Targets are returned
 * as written (Distribution sends them relative: `</v2/_catalog?last=a%2Fb&n=1>; rel="next"`).
 */
export function parseLinkHeader(header: string | null | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  // A target, then `; param` parts whose quoted values may hold commas and semicolons.
  const link = /<([^>]*)>((?:\s*;\s*(?:[^;,"]|"[^"]*")*)*)/g;
  for (let match = link.exec(header); match; match = link.exec(header)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2] ?? '');
    for (const type of (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)) {
      if (type && !Object.hasOwn(links, type)) Object.defineProperty(links, type, { value: match[1]!, enumerable: true, writable: true, configurable: true });
    }
  }
  return links;
}

// ---------------------------------------------------------------------------------------------------------------
// Transport shared by the registry clients (Distribution, Harbor).

export interface RegistryResponse {
  status: number;
  headers: Headers;
  /** Empty for HEAD, or when the request asked not to read it. */
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: URL;
}

export interface RegistryRequest {
  method?: 'GET' | 'HEAD';
  url: URL;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Skip reading the body (only the status matters); it is discarded without being buffered. */
  discardBody?: boolean;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the registry',
  EPIPE: 'connection closed by the registry',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  UND_ERR_SOCKET: 'connection closed by the registry',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
};
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|EPROTO$|HOSTNAME_MISMATCH)/;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const USER_AGENT = 'hangar-registry-client';

interface Credentials {
  username: string;
  password: string;
}

interface NetworkFailure {
  code: string | undefined;
  message: string;
}

/** The errno-like code and message of whatever fetch threw, looking through `cause` and AggregateError. */
function networkFailure(error: unknown): NetworkFailure {
  // undici throws `TypeError: fetch failed` and puts the reason in `cause` (an errno error, an AggregateError of
  // per-address attempts, or a bare `Error: bad port` for ports the fetch spec blocks, like 1 or 6000).
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.message === 'string' && e.message) message = e.message;
    if (typeof e.code === 'string') return { code: e.code, message };
    current = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
  }
  return { code: undefined, message };
}

/**
 * One registry's HTTP plumbing: base URL, credentials, deadlines, redirects, size cap, and turning answers and
 * failures into HangarErrors. It is also where secrets are kept out of messages: the password, the Basic header
 * and every token it has seen are scrubbed from any text that came from the network before it is put in an
 * error, and network failures are re-created as plain errors (no request object, no header) for `cause`.
 */
export class RegistryHttp {
  readonly name: string;
  /** Base URL without query or credentials (its path keeps WHATWG's `/` for an empty path). */
  readonly baseUrl: URL;
  /** Path prefix without trailing slash: '' for `http://host:5000/`. */
  readonly basePath: string;
  readonly timeoutMs: number;
  readonly #credentials: Credentials | undefined;
  readonly #secrets = new Set<string>();

  constructor(options: RegistryClientOptions) {
    const where = `registry ${JSON.stringify(options.name)}`;
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new HangarError('CONFIG_ERROR', `${where}: url is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HangarError('CONFIG_ERROR', `${where}: url must be http:// or https://`);
    // Never echo the URL here: it is the part that carries the secret.
    if (url.username || url.password) throw new HangarError('CONFIG_ERROR', `${where}: url must not contain credentials; set username and password`);
    url.search = '';
    url.hash = '';
    const timeoutMs = options.timeoutMs ?? DEFAULT_REGISTRY_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new HangarError('CONFIG_ERROR', `${where}: timeoutMs must be a positive number`);
    const hasUser = options.username !== undefined && options.username !== '';
    if (hasUser !== (options.password !== undefined)) {
      throw new HangarError('CONFIG_ERROR', `${where}: username and password go together; set both or neither`);
    }
    if (hasUser && options.username!.includes(':')) throw new HangarError('CONFIG_ERROR', `${where}: a username cannot contain ":" (Basic auth)`);
    this.name = options.name;
    this.baseUrl = url;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = timeoutMs;
    if (hasUser) {
      this.#credentials = { username: options.username!, password: options.password! };
      this.addSecret(options.password!);
      this.addSecret(this.basicToken()!);
    }
  }

  /** `name (http://host:port)`: how messages name this registry. */
  get label(): string {
    return `${this.name} (${this.baseUrl.origin}${this.basePath})`;
  }

  get username(): string | undefined {
    return this.#credentials?.username;
  }

  get hasCredentials(): boolean {
    return this.#credentials !== undefined;
  }

  private basicToken(): string | undefined {
    if (!this.#credentials) return undefined;
    return Buffer.from(`${this.#credentials.username}:${this.#credentials.password}`, 'utf8').toString('base64');
  }

  /** `Basic ...` for the configured credentials, or undefined without any. */
  basicAuthorization(): string | undefined {
    const token = this.basicToken();
    return token === undefined ? undefined : `Basic ${token}`;
  }

  /** Registers a value that must never appear in a message (tokens as they are received). */
  addSecret(secret: string): void {
    if (secret.length >= 4) this.#secrets.add(secret);
  }

  /** Replaces every known secret in a text from the network. */
  scrub(text: string): string {
    let clean = text;
    for (const secret of this.#secrets) clean = clean.split(secret).join('***');
    return clean;
  }

  /** An error about this registry; the message is scrubbed. */
  error(code: HangarErrorCode, message: string, cause?: Error): HangarError {
    return new HangarError(code, this.scrub(`${this.label}: ${message}`), cause ? { cause } : {});
  }

  /** `base + path` (path starts with `/`), with query parameters. */
  url(path: string, query: Record<string, string | number | undefined> = {}): URL {
    const url = new URL(this.baseUrl.href);
    url.pathname = `${this.basePath}${path}`;
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    return url;
  }

  /**
   * Resolves a link target the registry sent (relative or absolute) and insists it stays on the registry's own
   * origin: a paging link is followed with credentials, so it must not lead elsewhere.
   */
  sameOriginUrl(target: string, what: string): URL {
    let url: URL;
    try {
      url = new URL(target, this.baseUrl);
    } catch {
      throw this.error('REGISTRY_ERROR', `${what}: the registry sent an invalid link`);
    }
    if (url.origin !== this.baseUrl.origin) throw this.error('REGISTRY_ERROR', `${what}: the registry sent a link to another origin (${url.origin})`);
    return url;
  }

  /**
   * One bounded exchange: `timeoutMs` covers connecting, every redirect, the headers and reading the body.
   * Redirects are followed by hand, only to http(s) URLs, and the Authorization header is dropped when one leads
   * to another origin (a storage backend must not receive registry credentials).
   */
  async send(request: RegistryRequest): Promise<RegistryResponse> {
    const method = request.method ?? 'GET';
    const what = `${method} ${request.url.pathname}`;
    if (request.signal?.aborted) throw this.error('ABORTED', `${what}: request cancelled`);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error('deadline')), this.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...lowerCaseKeys(request.headers ?? {}) };
    let url = request.url;
    try {
      for (let hop = 0; ; hop++) {
        const response = await fetch(url, { method, headers, redirect: 'manual', signal });
        const location = response.headers.get('location');
        if (REDIRECT_STATUS.has(response.status) && location !== null) {
          await response.body?.cancel().catch(() => undefined);
          if (hop >= MAX_REDIRECTS) throw this.error('REGISTRY_ERROR', `${what}: more than ${MAX_REDIRECTS} redirects`);
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            throw this.error('REGISTRY_ERROR', `${what}: redirected to an invalid URL`);
          }
          if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            throw this.error('REGISTRY_ERROR', `${what}: redirected to a ${next.protocol.replace(/:$/, '')} URL; only http(s) is followed`);
          }
          if (next.origin !== url.origin) delete headers.authorization;
          url = next;
          continue;
        }
        const body = method === 'HEAD' || request.discardBody ? await discard(response) : await this.readBody(response, what);
        return { status: response.status, headers: response.headers, body, url };
      }
    } catch (error) {
      if (error instanceof HangarError) throw error;
      if (request.signal?.aborted) throw this.error('ABORTED', `${what}: request cancelled`);
      if (deadline.signal.aborted) throw this.error('REGISTRY_UNREACHABLE', `${what}: no answer within ${this.timeoutMs} ms`);
      const failure = networkFailure(error);
      const detail = this.scrub(failure.message);
      // A fresh, plain cause: the original may hold the request (and with it the Authorization header).
      const cause = Object.assign(new Error(detail), failure.code ? { code: failure.code } : {});
      const reason =
        failure.code && TLS_CODE.test(failure.code)
          ? `TLS handshake failed: ${detail}`
          : failure.message === 'bad port'
            ? `port ${url.port} is on the list of ports fetch refuses to connect to ("bad port"); serve the registry on another port`
            : ((failure.code && NETWORK_REASONS[failure.code]) ?? detail);
      throw this.error('REGISTRY_UNREACHABLE', `${what}: ${reason}`, cause);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reads a body up to MAX_REGISTRY_RESPONSE_BYTES; beyond it, stops reading and fails. */
  private async readBody(response: Response, what: string): Promise<Buffer> {
    if (!response.body) return Buffer.alloc(0);
    const tooLarge = (): HangarError => this.error('REGISTRY_ERROR', `${what}: the answer is larger than ${MAX_REGISTRY_RESPONSE_BYTES / 1024 / 1024} MiB; refusing to read it`);
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > MAX_REGISTRY_RESPONSE_BYTES) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge();
    }
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_REGISTRY_RESPONSE_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks, total);
  }

  /** The body as a JSON object (not an array), or a REGISTRY_ERROR. */
  jsonObject(response: RegistryResponse, what: string): Record<string, unknown> {
    const body = this.json(response, what);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw this.error('REGISTRY_ERROR', `${what}: the answer is not a JSON object`);
    return body as Record<string, unknown>;
  }

  /** The body as JSON, or a REGISTRY_ERROR that does not quote it (it could hold a token). */
  json(response: RegistryResponse, what: string): unknown {
    try {
      return JSON.parse(response.body.toString('utf8')) as unknown;
    } catch {
      throw this.error('REGISTRY_ERROR', `${what}: the answer is not JSON (HTTP ${response.status}, ${response.headers.get('content-type') ?? 'no content type'})`);
    }
  }

  /**
   * The HangarError for an unsuccessful answer: 401/403 -> REGISTRY_AUTH_FAILED, 404 -> NOT_FOUND, an invalid
   * name/tag/digest/page size -> BAD_REQUEST, anything else REGISTRY_ERROR. The message carries the registry's
   * own `errors[0].message` (Distribution and Harbor share that error format) when there is one.
   */
  statusError(response: RegistryResponse, what: string): HangarError {
    const { message, code: registryCode } = this.registryMessage(response);
    const detail = message ?? `HTTP ${response.status}`;
    let code: HangarErrorCode = 'REGISTRY_ERROR';
    if (response.status === 401 || response.status === 403) code = 'REGISTRY_AUTH_FAILED';
    else if (response.status === 404) code = 'NOT_FOUND';
    else if (response.status === 400 && registryCode && /^(NAME_INVALID|TAG_INVALID|DIGEST_INVALID|PAGINATION_NUMBER_INVALID|BAD_REQUEST)$/.test(registryCode)) code = 'BAD_REQUEST';
    return this.error(code, `${what}: ${detail}`);
  }

  /** `errors[0].message (CODE)` from a Distribution/Harbor error body, or one short line of a text body. */
  registryMessage(response: RegistryResponse): { message: string | undefined; code: string | undefined } {
    const text = response.body.toString('utf8').trim();
    if (!text) return { message: undefined, code: undefined };
    try {
      const parsed = JSON.parse(text) as { errors?: unknown };
      const first: unknown = Array.isArray(parsed?.errors) ? parsed.errors[0] : undefined;
      if (first && typeof first === 'object') {
        const { code, message } = first as { code?: unknown; message?: unknown };
        const codeText = typeof code === 'string' ? code : undefined;
        const messageText = typeof message === 'string' && message ? message : undefined;
        const combined = messageText && codeText ? `${messageText} (${codeText})` : (messageText ?? codeText);
        return { message: combined === undefined ? undefined : `${combined.slice(0, 500)}`, code: codeText };
      }
      return { message: undefined, code: undefined };
    } catch {
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith('text/plain')) return { message: undefined, code: undefined };
      return { message: `HTTP ${response.status}: ${text.split('\n')[0]!.slice(0, 200)}`, code: undefined };
    }
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}

async function discard(response: Response): Promise<Buffer> {
  await response.body?.cancel().catch(() => undefined);
  return Buffer.alloc(0);
}

// ---------------------------------------------------------------------------------------------------------------
// The Distribution client.

type Authorization = { kind: 'none' } | { kind: 'basic'; header: string } | { kind: 'bearer'; header: string; key: string };

interface CachedToken {
  token: string;
  /** Epoch ms after which the token is not sent any more. */
  expiresAt: number;
}

/** Distribution's token spec: a token without `expires_in` lives 60 s. */
const DEFAULT_TOKEN_LIFETIME_S = 60;
const MAX_CACHED_TOKENS = 256;

/**
 * A Distribution v2 registry (registry:2, Debian's docker-registry, and the /v2 API of Harbor, GitLab, ...).
 * Read-only: ping, catalog, tags, manifest digests. Every request is bounded by `timeoutMs` and takes an
 * AbortSignal; every failure is a HangarError whose message never contains the password or a token.
 *
 * Authentication follows the registry's lead: the first request goes out bare, a 401 names the scheme. Basic
 * (htpasswd) is then sent up front on every later request; Bearer tokens are fetched from the challenge's realm
 * with `service` and `scope`, and cached per scope until `expires_in`.
 */
export class DistributionClient {
  readonly name: string;
  readonly url: string;
  readonly #http: RegistryHttp;
  /** Learned from the first 401 answered with Basic: later requests carry the header at once. */
  #basicUpFront = false;
  /** Learned from the first 401 answered with Bearer, to find cached tokens before asking. */
  #bearer: { realm: string; service: string } | undefined;
  readonly #tokens = new Map<string, CachedToken>();

  constructor(options: RegistryClientOptions) {
    this.#http = new RegistryHttp(options);
    this.name = this.#http.name;
    this.url = `${this.#http.baseUrl.origin}${this.#http.basePath}`;
  }

  /** `GET /v2/`: true when the registry answers 200 (after authentication), otherwise throws. */
  async ping(options: RegistryCallOptions = {}): Promise<true> {
    const what = 'ping';
    const response = await this.call({ url: this.#http.url('/v2/'), scope: '', signal: options.signal, what });
    if (response.status !== 200) throw this.#http.statusError(response, what);
    return true;
  }

  /**
   * One page of `/v2/_catalog`, in the registry's (lexical) order. `after` is exclusive: the last repository of
   * the previous page (`endCursor`). `first` is 1..1000 (Distribution refuses more than its `maxentries`).
   */
  async catalog(options: RegistryCallOptions & { first?: number; after?: string | undefined } = {}): Promise<CatalogPage> {
    const first = options.first ?? DEFAULT_CATALOG_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_CATALOG_PAGE_SIZE) {
      throw new HangarError('BAD_REQUEST', `first must be an integer from 1 to ${MAX_CATALOG_PAGE_SIZE}, got ${first}`);
    }
    if (options.after !== undefined) assertRepositoryName(options.after);
    const what = 'catalog';
    const url = this.#http.url('/v2/_catalog', { n: first, last: options.after });
    const response = await this.call({ url, scope: 'registry:catalog:*', signal: options.signal, what, accept: 'application/json' });
    if (response.status !== 200) throw this.#http.statusError(response, what);
    const repositories = this.#http.jsonObject(response, what).repositories ?? [];
    if (!Array.isArray(repositories) || !repositories.every((name): name is string => typeof name === 'string')) {
      throw this.#http.error('REGISTRY_ERROR', `${what}: "repositories" is not a list of names`);
    }
    const next = parseLinkHeader(response.headers.get('link')).next;
    // The registry sends a next link only when the page was full and more may follow (2.8 omits it when the
    // page ends exactly at the last repository).
    const hasNextPage = next !== undefined && repositories.length > 0;
    let endCursor = repositories.at(-1);
    if (endCursor === undefined && next !== undefined) endCursor = this.#http.sameOriginUrl(next, what).searchParams.get('last') ?? undefined;
    return { repositories, hasNextPage, endCursor };
  }

  /**
   * Every repository name, page after page, up to `max` (default 10 000). Pages of 1000, falling back to 100
   * once if the registry's `catalog.maxentries` is lower.
   */
  async allRepositories(options: RegistryCallOptions & { max?: number } = {}): Promise<string[]> {
    const max = options.max ?? 10_000;
    if (!Number.isInteger(max) || max < 1) throw new HangarError('BAD_REQUEST', `max must be a positive integer, got ${max}`);
    const all: string[] = [];
    let after: string | undefined;
    let pageSize = MAX_CATALOG_PAGE_SIZE;
    while (all.length < max) {
      const first = Math.min(pageSize, max - all.length);
      let page: CatalogPage;
      try {
        page = await this.catalog({ first, after, signal: options.signal });
      } catch (error) {
        if (error instanceof HangarError && error.code === 'BAD_REQUEST' && first > DEFAULT_CATALOG_PAGE_SIZE) {
          pageSize = DEFAULT_CATALOG_PAGE_SIZE;
          continue;
        }
        throw error;
      }
      all.push(...page.repositories);
      // Stop on the last page, and on a registry that does not move forward (it would loop forever).
      if (!page.hasNextPage || page.endCursor === undefined || page.endCursor === after) break;
      after = page.endCursor;
    }
    return all.slice(0, max);
  }

  /**
   * All tags of a repository, sorted by UTF-16 code units (`1.10` before `1.9`, `latest` after digits): the
   * registry's own order is none at all in 2.8. An existing repository without tags (every manifest deleted)
   * gives []; an unknown one NOT_FOUND. Follows `Link` pages for registries that page tags (Distribution 3).
   */
  async tags(repository: string, options: RegistryCallOptions = {}): Promise<string[]> {
    assertRepositoryName(repository);
    const what = `tags of ${repository}`;
    const tags = new Set<string>();
    let url: URL | undefined = this.#http.url(`/v2/${repository}/tags/list`);
    for (let page = 0; url && page < 1000; page++) {
      const response = await this.call({ url, scope: `repository:${repository}:pull`, signal: options.signal, what, accept: 'application/json' });
      if (response.status !== 200) throw this.#http.statusError(response, what);
      const list = this.#http.jsonObject(response, what).tags ?? [];
      if (!Array.isArray(list) || !list.every((tag): tag is string => typeof tag === 'string')) {
        throw this.#http.error('REGISTRY_ERROR', `${what}: "tags" is not a list of names`);
      }
      for (const tag of list) tags.add(tag);
      const next = parseLinkHeader(response.headers.get('link')).next;
      url = next === undefined || list.length === 0 ? undefined : this.#http.sameOriginUrl(next, what);
    }
    return [...tags].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * The digest of the manifest (or image index) a tag or digest points to, as `docker push` printed it: a HEAD
   * with every modern manifest type in Accept, reading `Docker-Content-Digest` (or hashing the manifest when a
   * registry omits that header). undefined when the repository exists but has no such tag or digest; NOT_FOUND
   * when the repository itself is unknown (2.8 answers both with the same 404, so a second request tells them
   * apart, only in that case).
   */
  async manifestDigest(repository: string, reference: string, options: RegistryCallOptions = {}): Promise<string | undefined> {
    assertRepositoryName(repository);
    assertReference(reference);
    const what = `manifest ${repository}${isDigest(reference) ? '@' : ':'}${reference}`;
    const url = this.#http.url(`/v2/${repository}/manifests/${reference}`);
    const scope = `repository:${repository}:pull`;
    const accept = MANIFEST_MEDIA_TYPES.join(', ');
    const head = await this.call({ url, method: 'HEAD', scope, signal: options.signal, what, accept });
    if (head.status === 200) {
      const digest = head.headers.get('docker-content-digest')?.trim();
      if (digest) {
        if (!isDigest(digest)) throw this.#http.error('REGISTRY_ERROR', `${what}: invalid Docker-Content-Digest header`);
        return digest;
      }
      if (isDigest(reference)) return reference;
      const get = await this.call({ url, scope, signal: options.signal, what, accept });
      if (get.status !== 200) throw this.#http.statusError(get, what);
      return `sha256:${createHash('sha256').update(get.body).digest('hex')}`;
    }
    if (head.status === 404) {
      const tags = await this.call({ url: this.#http.url(`/v2/${repository}/tags/list`), scope, signal: options.signal, what, discardBody: true });
      if (tags.status === 404) throw this.#http.error('NOT_FOUND', `${what}: repository ${repository} is not known to the registry`);
      return undefined;
    }
    throw this.#http.statusError(head, what);
  }

  // -------------------------------------------------------------------------------------------------------------

  /**
   * One request with authentication: send (with what we already know), and on a 401 follow the challenge once.
   * A second 401 means the credentials (or the token they bought) are refused. Returns any other status as is.
   */
  private async call(request: {
    url: URL;
    method?: 'GET' | 'HEAD';
    /** The token scope this request needs ('' for /v2/), to find a cached token before the registry asks. */
    scope: string;
    signal: AbortSignal | undefined;
    what: string;
    accept?: string;
    discardBody?: boolean;
  }): Promise<RegistryResponse> {
    const send = (auth: Authorization): Promise<RegistryResponse> =>
      this.#http.send({
        url: request.url,
        method: request.method ?? 'GET',
        signal: request.signal,
        discardBody: request.discardBody ?? false,
        headers: {
          ...(request.accept ? { accept: request.accept } : {}),
          ...(auth.kind === 'none' ? {} : { authorization: auth.header }),
        },
      });

    let auth = this.upFrontAuthorization(request.scope);
    let response = await send(auth);
    if (response.status !== 401) return response;

    const challenges = parseWwwAuthenticate(response.headers.get('www-authenticate') ?? '');
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer' && challenge.params.realm);
    const basic = challenges.find((challenge) => challenge.scheme === 'basic');
    if (bearer) {
      if (auth.kind === 'bearer') this.#tokens.delete(auth.key); // expired or revoked early: buy a fresh one
      auth = await this.bearerAuthorization(bearer, request.signal, request.what);
    } else if (basic) {
      const header = this.#http.basicAuthorization();
      if (header === undefined || auth.kind === 'basic') throw this.rejected(request.what, basic);
      this.#basicUpFront = true;
      auth = { kind: 'basic', header };
    } else {
      throw this.#http.error('REGISTRY_AUTH_FAILED', `${request.what}: the registry answered 401 without a Basic or Bearer challenge`);
    }
    response = await send(auth);
    if (response.status === 401) {
      if (auth.kind === 'bearer') this.#tokens.delete(auth.key);
      const again = parseWwwAuthenticate(response.headers.get('www-authenticate') ?? '').find((challenge) => challenge.scheme === auth.kind);
      throw this.rejected(request.what, again ?? bearer ?? basic);
    }
    return response;
  }

  private upFrontAuthorization(scope: string): Authorization {
    if (this.#basicUpFront) {
      const header = this.#http.basicAuthorization();
      if (header !== undefined) return { kind: 'basic', header };
    }
    if (this.#bearer) {
      const key = tokenKey(this.#bearer.realm, this.#bearer.service, scope);
      const cached = this.#tokens.get(key);
      if (cached && cached.expiresAt > Date.now()) return { kind: 'bearer', header: `Bearer ${cached.token}`, key };
      if (cached) this.#tokens.delete(key);
    }
    return { kind: 'none' };
  }

  /** A token for a Bearer challenge: from the cache, or from the realm (with Basic credentials when configured). */
  private async bearerAuthorization(challenge: AuthChallenge, signal: AbortSignal | undefined, what: string): Promise<Authorization> {
    const realmText = challenge.params.realm ?? '';
    const service = challenge.params.service ?? '';
    const scope = challenge.params.scope ?? '';
    const key = tokenKey(realmText, service, scope);
    this.#bearer = { realm: realmText, service };
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return { kind: 'bearer', header: `Bearer ${cached.token}`, key };

    let realm: URL;
    try {
      realm = new URL(realmText);
    } catch {
      throw this.#http.error('REGISTRY_AUTH_FAILED', `${what}: the token realm is not a valid URL`);
    }
    if (realm.protocol !== 'http:' && realm.protocol !== 'https:') {
      throw this.#http.error('REGISTRY_AUTH_FAILED', `${what}: the token realm is not an http(s) URL`);
    }
    const basic = this.#http.basicAuthorization();
    if (basic && realm.protocol === 'http:' && this.#http.baseUrl.protocol === 'https:') {
      throw this.#http.error('REGISTRY_AUTH_FAILED', `${what}: the token realm ${realm.origin} is plain http while the registry uses https; refusing to send credentials there`);
    }
    if (service) realm.searchParams.set('service', service);
    for (const part of scope.split(' ')) if (part) realm.searchParams.append('scope', part);

    const tokenWhat = `${what}: token from ${realm.origin}${realm.pathname}`;
    const response = await this.#http.send({ url: realm, signal, headers: { accept: 'application/json', ...(basic ? { authorization: basic } : {}) } });
    if (response.status === 401 || response.status === 403) throw this.rejected(tokenWhat, undefined);
    if (response.status !== 200) throw this.#http.statusError(response, tokenWhat);
    const body = this.#http.jsonObject(response, tokenWhat);
    const token = typeof body.token === 'string' && body.token ? body.token : typeof body.access_token === 'string' ? body.access_token : '';
    if (!token) throw this.#http.error('REGISTRY_AUTH_FAILED', `${tokenWhat}: the answer holds no token`);
    this.#http.addSecret(token);
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_LIFETIME_S;
    // Renew a little early so a token does not expire between the check and the registry's.
    const margin = Math.min(10, lifetime / 4);
    this.#tokens.set(key, { token, expiresAt: Date.now() + (lifetime - margin) * 1000 });
    while (this.#tokens.size > MAX_CACHED_TOKENS) this.#tokens.delete(this.#tokens.keys().next().value!);
    return { kind: 'bearer', header: `Bearer ${token}`, key };
  }

  private rejected(what: string, challenge: AuthChallenge | undefined): HangarError {
    const error = challenge?.params.error;
    const reason = error === 'insufficient_scope' ? ` (insufficient scope${challenge?.params.scope ? ` for ${challenge.params.scope}` : ''})` : '';
    const message = this.#http.hasCredentials
      ? `${what}: the registry rejected the credentials of user ${JSON.stringify(this.#http.username)}${reason}`
      : `${what}: the registry requires authentication; configure a username and password${reason}`;
    return this.#http.error('REGISTRY_AUTH_FAILED', message);
  }
}

function tokenKey(realm: string, service: string, scope: string): string {
  return JSON.stringify([realm, service, scope]);
}
