import type { DocumentNode } from 'graphql';
import { codeForStatus, HangarError, type GraphQLErrorEntry } from '../errors/hangar-error.js';
import { throwOnUserErrorsIn } from '../errors/user-errors.js';
import { prepareOperation } from './operation.js';
import type { RequestOptions } from './request-options.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpTransportConfig {
  /** Hangar's base URL (see baseUrlOf). */
  baseUrl: string;
  token: string;
  fetch: FetchLike;
  headers: Record<string, string>;
  throwOnUserErrors: boolean;
}

interface GraphQLResponseBody {
  data?: unknown;
  errors?: GraphQLErrorEntry[];
}

/** Authorization and the caller's headers; the token always wins over a header of the same name. */
export function authHeaders(config: Pick<HttpTransportConfig, 'token' | 'headers'>, extra: Record<string, string> = {}): Record<string, string> {
  return { ...config.headers, ...extra, authorization: `Bearer ${config.token}` };
}

/** The error for a fetch that threw: the caller cancelled, or Hangar could not be reached. */
export function fetchFailure(error: unknown, url: string, signal: AbortSignal | undefined): HangarError {
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) {
    return new HangarError('ABORTED', `request to ${url} was cancelled`, { cause: error });
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const reason = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new HangarError('NETWORK_ERROR', `cannot reach Hangar at ${url}: ${reason}`, { cause: error });
}

/** A non-2xx answer of a REST endpoint: its coded JSON errors when it has them, else the status's code. */
export async function httpFailure(response: Response, url: string): Promise<HangarError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as GraphQLResponseBody;
    if (Array.isArray(body.errors) && body.errors.length > 0) return HangarError.fromGraphQLErrors(body.errors, { status: response.status });
  } catch {
    /* not JSON: described below */
  }
  const code = codeForStatus(response.status) ?? 'INVALID_RESPONSE';
  const snippet = text.trim().slice(0, 200);
  return new HangarError(code, `${url} answered ${response.status} ${response.statusText}${snippet ? `: ${snippet}` : ''}`, { status: response.status });
}

/** Runs one query or mutation over HTTP POST and returns its `data`, or throws a HangarError. */
export async function executeOverHttp<R>(config: HttpTransportConfig, document: DocumentNode, variables: unknown, options: RequestOptions = {}): Promise<R> {
  const operation = prepareOperation(document);
  const url = `${config.baseUrl}/graphql`;
  let response: Response;
  try {
    response = await config.fetch(url, {
      method: 'POST',
      headers: authHeaders(config, { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...options.headers }),
      body: JSON.stringify({ query: operation.query, variables: variables ?? {}, ...(operation.name ? { operationName: operation.name } : {}) }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    throw fetchFailure(error, config.baseUrl, options.signal);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw fetchFailure(error, config.baseUrl, options.signal);
  }
  let body: GraphQLResponseBody;
  try {
    body = JSON.parse(text) as GraphQLResponseBody;
  } catch {
    const code = response.ok ? 'INVALID_RESPONSE' : (codeForStatus(response.status) ?? 'INVALID_RESPONSE');
    throw new HangarError(code, `${url} answered ${response.status} ${response.statusText} with a body that is not JSON: ${text.trim().slice(0, 200)}`, { status: response.status });
  }
  if (Array.isArray(body.errors) && body.errors.length > 0) throw HangarError.fromGraphQLErrors(body.errors, { status: response.status, data: body.data });
  if (!response.ok) throw new HangarError(codeForStatus(response.status) ?? 'INVALID_RESPONSE', `${url} answered ${response.status} ${response.statusText}`, { status: response.status });
  if (body.data === undefined || body.data === null) throw new HangarError('INVALID_RESPONSE', `${url} answered without data or errors`, { status: response.status });
  if (operation.type === 'mutation' && (options.throwOnUserErrors ?? config.throwOnUserErrors)) throwOnUserErrorsIn(body.data);
  return body.data as R;
}
