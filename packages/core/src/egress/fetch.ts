import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { HangarError } from '../errors/hangar-error.js';
import { OperationError } from '../operations/operation-error.js';
import { redactUrl } from '../archives/redact-url.js';
import { checkUrl, type EgressPolicy, type Resolver } from './policy.js';
import { systemResolver } from './resolve.js';

export interface EgressGetOptions {
  signal?: AbortSignal | undefined;
  /** Name resolution (the system's by default). */
  resolve?: Resolver | undefined;
  /** Redirects followed at most (each one checked again); default 5. */
  maxRedirects?: number | undefined;
  /** Bound for connecting and getting the response headers of each hop; default 60 s. */
  headersTimeoutMs?: number | undefined;
  /** What asked, for messages (`loadImage`). */
  what?: string | undefined;
}

export interface EgressResponse {
  status: number;
  statusText: string;
  /** The URL that answered (after redirects). */
  url: string;
  /** The body; the caller reads or destroys it. */
  body: IncomingMessage;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A lookup that answers only the addresses the policy checked: the connection cannot go anywhere else (DNS rebinding). */
function pinned(addresses: string[]): LookupFunction {
  return ((_hostname: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void) => {
    const wanted = options?.family === 4 || options?.family === 'IPv4' ? 4 : options?.family === 6 || options?.family === 'IPv6' ? 6 : 0;
    const all = addresses.map((address) => ({ address, family: isIP(address) })).filter((a) => wanted === 0 || a.family === wanted);
    if (all.length === 0) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }));
    if (options?.all) callback(null, all);
    else callback(null, all[0]!.address, all[0]!.family);
  }) as unknown as LookupFunction;
}

/**
 * GET a URL under the egress policy: the host is resolved and checked before connecting, the connection goes only
 * to the checked addresses, and every redirect is checked the same way (at most `maxRedirects`). Credentials in
 * the URL go as Basic auth to that URL's origin only. Every failure to get an answer (refused, reset, timeout, TLS)
 * is the same error, so the answer never maps an internal network.
 */
export async function egressGet(url: string, policy: EgressPolicy, options: EgressGetOptions = {}): Promise<EgressResponse> {
  const resolve = options.resolve ?? systemResolver;
  const what = options.what ?? 'download';
  const maxRedirects = options.maxRedirects ?? 5;
  const origin = (u: URL) => `${u.protocol}//${u.host}`;
  const first = new URL(url);
  let current = url;
  for (let hop = 0; ; hop++) {
    const { addresses } = await checkUrl(current, policy, resolve, { use: 'download', what: hop === 0 ? what : `${what}: redirected to` });
    const parsed = new URL(current);
    const credentials = parsed.username || parsed.password ? parsed : origin(parsed) === origin(first) && (first.username || first.password) ? first : undefined;
    const response = await get(parsed, addresses, credentials, options, () => `${what}: could not download ${redactUrl(url)}: no answer from the server`);
    const location = response.headers.location;
    if (REDIRECTS.has(response.statusCode ?? 0) && location) {
      response.destroy();
      if (hop >= maxRedirects) throw new OperationError('BAD_REQUEST', `${what}: ${redactUrl(url)} redirected more than ${maxRedirects} times`, true);
      try {
        current = new URL(location, current).href;
      } catch {
        throw new OperationError('BAD_REQUEST', `${what}: ${redactUrl(url)} redirected to something that is not a URL`, true);
      }
      continue;
    }
    return { status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', url: current, body: response };
  }
}

function get(url: URL, addresses: string[], credentials: URL | undefined, options: EgressGetOptions, failure: () => string): Promise<IncomingMessage> {
  const https = url.protocol === 'https:';
  const requestOptions: RequestOptions = {
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || (https ? 443 : 80),
    path: `${url.pathname}${url.search}`,
    // No pooled socket: each connection is made to the addresses this hop checked.
    agent: false,
    lookup: pinned(addresses),
    headers: { 'user-agent': 'hangar', accept: '*/*' },
    ...(credentials ? { auth: `${decodeURIComponent(credentials.username)}:${decodeURIComponent(credentials.password)}` } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(requestOptions);
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), options.headersTimeoutMs ?? 60_000);
    req.once('response', (response) => {
      clearTimeout(timer);
      resolve(response);
    });
    req.once('error', (error) => {
      clearTimeout(timer);
      if (options.signal?.aborted) return reject(new HangarError('ABORTED', 'aborted', { cause: options.signal.reason }));
      // One message for every way of not getting an answer: refused, reset, unreachable, timed out, TLS.
      reject(new OperationError('BAD_REQUEST', failure(), false, { cause: error }));
    });
    req.end();
  });
}
