import type { DocumentNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws/client';
import { HangarError, type GraphQLErrorEntry } from '../errors/hangar-error.js';
import { prepareOperation } from './operation.js';
import type { RequestOptions } from './request-options.js';

/** A WebSocket class as graphql-ws takes it: the browser's, or `ws` on Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => unknown;

export interface SubscriptionConfig {
  /** ws:// or wss:// URL of the GraphQL endpoint. */
  url: string;
  token: string;
  webSocket: unknown;
  /** How often a dropped connection is retried (graphql-ws default 5, with backoff). */
  retryAttempts?: number | undefined;
}

/** graphql-ws close codes as Hangar errors: the token refused at connect time is UNAUTHENTICATED. */
export function closeEventError(event: { code?: number; reason?: string }, url: string): HangarError {
  const reason = event.reason ? `: ${event.reason}` : '';
  switch (event.code) {
    case 4401:
    case 4403:
      return new HangarError('UNAUTHENTICATED', `subscription refused by ${url} (${event.code}${reason})`, { status: 401 });
    case 4400:
    case 4406:
    case 4409:
      return new HangarError('BAD_REQUEST', `subscription rejected by ${url} (${event.code}${reason})`);
    case 4429:
      return new HangarError('RATE_LIMITED', `subscription rejected by ${url} (${event.code}${reason})`);
    case 4500:
      return new HangarError('INTERNAL', `subscription failed on ${url} (${event.code}${reason})`);
    default:
      return new HangarError('NETWORK_ERROR', `subscription connection to ${url} closed (${event.code ?? 'no code'}${reason})`);
  }
}

function isGraphQLErrorList(value: unknown): value is GraphQLErrorEntry[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'object' && entry !== null && typeof (entry as { message?: unknown }).message === 'string');
}

/** Whatever graphql-ws threw, as a HangarError. */
export function subscriptionFailure(error: unknown, url: string, signal?: AbortSignal): HangarError {
  if (error instanceof HangarError) return error;
  if (signal?.aborted) return new HangarError('ABORTED', `subscription to ${url} was cancelled`, { cause: error });
  if (isGraphQLErrorList(error)) return HangarError.fromGraphQLErrors(error);
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number') return closeEventError(error as { code: number; reason?: string }, url);
  const message = error instanceof Error ? error.message : typeof error === 'object' && error !== null && 'message' in error ? String((error as { message: unknown }).message) : 'connection error';
  return new HangarError('NETWORK_ERROR', `cannot reach Hangar at ${url}: ${message}`, { cause: error });
}

/**
 * One graphql-ws connection per client, opened on the first subscription and closed when the last one ends
 * (`lazy`). Authenticates with `connectionParams: { authorization: 'Bearer <token>' }`.
 */
export class SubscriptionTransport {
  #client: Client | undefined;

  constructor(private readonly config: SubscriptionConfig) {}

  #connection(): Client {
    if (!this.#client) {
      if (!this.config.webSocket) {
        throw new HangarError('NETWORK_ERROR', 'no WebSocket implementation: pass `WebSocket` to createHangarClient (e.g. `ws` on Node)');
      }
      this.#client = createClient({
        url: this.config.url,
        webSocketImpl: this.config.webSocket,
        connectionParams: { authorization: `Bearer ${this.config.token}` },
        lazy: true,
        ...(this.config.retryAttempts !== undefined ? { retryAttempts: this.config.retryAttempts } : {}),
        // An answered refusal (bad token, bad request) is final; a dropped connection is retried a few times.
        shouldRetry: (event) => !(typeof event === 'object' && event !== null && 'code' in event && typeof event.code === 'number' && event.code >= 4000),
      });
    }
    return this.#client;
  }

  /** The results of one subscription; `return()` (or `break` in `for await`) unsubscribes. */
  async *subscribe<R>(document: DocumentNode, variables: unknown, options: RequestOptions = {}): AsyncGenerator<R, void, undefined> {
    const operation = prepareOperation(document);
    const { signal } = options;
    if (signal?.aborted) throw new HangarError('ABORTED', `subscription to ${this.config.url} was cancelled`);
    const results = this.#connection().iterate<R>({
      query: operation.query,
      variables: (variables ?? {}) as Record<string, unknown>,
      ...(operation.name ? { operationName: operation.name } : {}),
    });
    const stop = () => void results.return?.();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const result of results) {
        if (result.errors?.length) throw HangarError.fromGraphQLErrors(result.errors as GraphQLErrorEntry[], { data: result.data });
        if (result.data !== undefined && result.data !== null) yield result.data;
      }
      if (signal?.aborted) throw new HangarError('ABORTED', `subscription to ${this.config.url} was cancelled`);
    } catch (error) {
      throw subscriptionFailure(error, this.config.url, signal);
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.dispose();
  }
}
