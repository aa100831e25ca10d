import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode } from 'graphql';
import { defaultWebSocket } from '#websocket';
import { getSdk, type Requester } from '../generated/sdk.js';
import { createArchiveClient, type ArchiveClient } from './archives.js';
import { createJobsApi, type JobsApi } from './jobs.js';
import { baseUrlOf, graphqlWebSocketUrl } from './endpoints.js';
import { executeOverHttp, type FetchLike, type HttpTransportConfig } from './http-transport.js';
import { prepareOperation } from './operation.js';
import type { RequestOptions } from './request-options.js';
import { SubscriptionTransport, type WebSocketConstructor } from './subscriptions.js';

export interface HangarClientOptions {
  /** Hangar's URL, e.g. `http://127.0.0.1:4000` (a trailing `/graphql` is accepted). */
  url: string;
  /** A Hangar API token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** fetch to use (default: the global one). */
  fetch?: FetchLike | undefined;
  /** Headers sent with every request (Authorization is always the token's). */
  headers?: Record<string, string> | undefined;
  /** WebSocket class for subscriptions (default: the global one in browsers, `ws` on Node). */
  WebSocket?: WebSocketConstructor | undefined;
  /** How often a dropped subscription connection is retried before the iteration fails (default 5). */
  subscriptionRetryAttempts?: number | undefined;
  /** Make every mutation throw a HangarUserError when its payload has `userErrors` (default false). */
  throwOnUserErrors?: boolean | undefined;
}

/** The variables argument: required only when the operation has required variables. */
export type VariablesArgs<V> = Record<string, never> extends V ? [variables?: V, options?: RequestOptions] : [variables: V, options?: RequestOptions];

/** One typed method per operation in src/operations (generated), each taking `(variables, options?)`. */
export type HangarSdk = ReturnType<typeof getSdk<RequestOptions>>;

export type HangarClient = HangarSdk & {
  /** Hangar's base URL. */
  readonly url: string;
  /** Runs any typed query or mutation document (e.g. one of the exported `…Document`s). */
  request<R, V>(document: TypedDocumentNode<R, V>, ...args: VariablesArgs<V>): Promise<R>;
  /** Subscribes over graphql-ws; iterate with `for await`, `break` to unsubscribe. */
  subscribe<R, V>(document: TypedDocumentNode<R, V>, ...args: VariablesArgs<V>): AsyncGenerator<R, void, undefined>;
  /** save / load / import through the REST endpoints. */
  readonly archives: ArchiveClient;
  /** Starts jobs (pull, push, build, copy, retry) as handles to follow: `await (await hangar.run.pull({ ref, hosts: ['alpha'] })).done()`. */
  readonly run: JobsApi;
  /** Closes the subscription connection, if one is open. */
  close(): Promise<void>;
};

/**
 * A typed client for Hangar: `const hangar = createHangarClient({ url, token }); await hangar.hosts();`.
 * Failures reject with HangarError (code = `extensions.code`, or UNAUTHENTICATED for 401, NETWORK_ERROR, ...).
 */
export function createHangarClient(options: HangarClientOptions): HangarClient {
  const fetchImpl = options.fetch ?? (globalThis.fetch ? (input: string, init: RequestInit) => globalThis.fetch(input, init) : undefined);
  if (!fetchImpl) throw new TypeError('createHangarClient: no fetch available; pass `fetch`');
  if (!options.token) throw new TypeError('createHangarClient: a token is required');
  const baseUrl = baseUrlOf(options.url);
  const http: HttpTransportConfig = {
    baseUrl,
    token: options.token,
    fetch: fetchImpl,
    headers: { ...options.headers },
    throwOnUserErrors: options.throwOnUserErrors ?? false,
  };
  const subscriptions = new SubscriptionTransport({
    url: graphqlWebSocketUrl(baseUrl),
    token: options.token,
    webSocket: options.WebSocket ?? defaultWebSocket,
    retryAttempts: options.subscriptionRetryAttempts,
  });

  // The generic SDK's requester: subscriptions go over graphql-ws, everything else over HTTP.
  const requester: Requester<RequestOptions> = <R, V>(document: DocumentNode, variables?: V, requestOptions?: RequestOptions) =>
    prepareOperation(document).type === 'subscription'
      ? subscriptions.subscribe<R>(document, variables, requestOptions)
      : executeOverHttp<R>(http, document, variables, requestOptions);

  const sdk = getSdk(requester);
  return {
    ...sdk,
    run: createJobsApi(sdk),
    url: baseUrl,
    request: <R, V>(document: TypedDocumentNode<R, V>, ...[variables, requestOptions]: VariablesArgs<V>) => executeOverHttp<R>(http, document, variables, requestOptions),
    subscribe: <R, V>(document: TypedDocumentNode<R, V>, ...[variables, requestOptions]: VariablesArgs<V>) => subscriptions.subscribe<R>(document, variables, requestOptions),
    archives: createArchiveClient(http),
    close: () => subscriptions.close(),
  };
}
