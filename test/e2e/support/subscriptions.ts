import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws client on Hangar's /graphql, authenticated like the SDK does it. */
export function wsClient(url: string, token: string): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
}

/** Collects every event of a subscription until it completes (or fails). */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown>, onEvent?: (data: T) => void): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const events: T[] = [];
    client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors?.length) {
            reject(new Error(JSON.stringify(result.errors)));
            return;
          }
          events.push(result.data as T);
          onEvent?.(result.data as T);
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => resolve(events),
      },
    );
  });
}
