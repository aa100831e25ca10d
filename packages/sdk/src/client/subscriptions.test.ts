import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { buildSchema, parse } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { HangarError } from '../errors/hangar-error.js';
import { createHangarClient } from './create-hangar-client.js';
import { closeEventError, subscriptionFailure } from './subscriptions.js';

// A graphql-ws server on loopback with a toy schema: Hangar's schema has no subscription yet.
const schema = buildSchema(`
  type Query { ok: Boolean }
  type Subscription { countdown(from: Int!): Int!  failing: Int!  forever: Int! }
`);

const COUNTDOWN = parse('subscription countdown($from: Int!) { countdown(from: $from) }') as TypedDocumentNode<{ countdown: number }, { from: number }>;
const FAILING = parse('subscription failing { failing }') as TypedDocumentNode<{ failing: number }, Record<string, never>>;
const FOREVER = parse('subscription forever { forever }') as TypedDocumentNode<{ forever: number }, Record<string, never>>;

let server: Server;
let url: string;
const seen: { authorization?: unknown; active: number; completed: number } = { active: 0, completed: 0 };

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, path: '/graphql' });
  useServer(
    {
      schema,
      roots: {
        subscription: {
          countdown: async function* ({ from }: { from: number }) {
            for (let i = from; i >= 0; i--) yield { countdown: i };
          },
          failing: async function* () {
            yield* [];
            throw new Error('the job failed');
          },
          forever: async function* () {
            seen.active++;
            try {
              for (let i = 0; ; i++) {
                yield { forever: i };
                await new Promise((resolve) => setTimeout(resolve, 5));
              }
            } finally {
              seen.active--;
              seen.completed++;
            }
          },
        },
      },
      onConnect: (ctx) => {
        seen.authorization = ctx.connectionParams?.authorization;
        return ctx.connectionParams?.authorization === 'Bearer good-token';
      },
    },
    wss,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('subscribe over graphql-ws', () => {
  it('connects to ws://…/graphql with the bearer token in connectionParams and yields each result', async () => {
    const hangar = createHangarClient({ url, token: 'good-token', WebSocket });
    const values: number[] = [];
    for await (const data of hangar.subscribe(COUNTDOWN, { from: 3 })) values.push(data.countdown);
    expect(values).toEqual([3, 2, 1, 0]);
    expect(seen.authorization).toBe('Bearer good-token');
    await hangar.close();
  });

  it('uses ws on Node without being told', async () => {
    const hangar = createHangarClient({ url, token: 'good-token' });
    const values: number[] = [];
    for await (const data of hangar.subscribe(COUNTDOWN, { from: 1 })) values.push(data.countdown);
    expect(values).toEqual([1, 0]);
    await hangar.close();
  });

  it('breaking out of the loop unsubscribes on the server', async () => {
    const hangar = createHangarClient({ url, token: 'good-token', WebSocket });
    const before = seen.completed;
    let count = 0;
    for await (const data of hangar.subscribe(FOREVER)) {
      expect(data.forever).toBe(count);
      if (++count === 3) break;
    }
    await expect.poll(() => seen.completed).toBe(before + 1);
    expect(seen.active).toBe(0);
    await hangar.close();
  });

  it('an AbortSignal ends the iteration with ABORTED', async () => {
    const hangar = createHangarClient({ url, token: 'good-token', WebSocket });
    const controller = new AbortController();
    const iteration = (async () => {
      for await (const data of hangar.subscribe(FOREVER, {}, { signal: controller.signal })) if (data.forever === 2) controller.abort();
    })();
    await expect(iteration).rejects.toMatchObject({ code: 'ABORTED' });
    await hangar.close();
  });

  it('a GraphQL error in the stream is a HangarError', async () => {
    const hangar = createHangarClient({ url, token: 'good-token', WebSocket });
    const iteration = (async () => {
      for await (const _ of hangar.subscribe(FAILING)) {
        /* nothing arrives */
      }
    })();
    await expect(iteration).rejects.toMatchObject({ name: 'HangarError', message: 'the job failed' });
    await hangar.close();
  });

  it('a refused token is UNAUTHENTICATED, not retried', async () => {
    const hangar = createHangarClient({ url, token: 'bad-token', WebSocket });
    const iteration = (async () => {
      for await (const _ of hangar.subscribe(COUNTDOWN, { from: 1 })) {
        /* refused before any result */
      }
    })();
    await expect(iteration).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await hangar.close();
  });

  it('an unreachable server is NETWORK_ERROR', async () => {
    const hangar = createHangarClient({ url: 'http://127.0.0.1:9', token: 'good-token', WebSocket, subscriptionRetryAttempts: 0 });
    const iteration = (async () => {
      for await (const _ of hangar.subscribe(COUNTDOWN, { from: 1 })) {
        /* never connects */
      }
    })();
    await expect(iteration).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    await hangar.close();
  });
});

describe('subscription error mapping', () => {
  it('maps graphql-ws close codes', () => {
    expect(closeEventError({ code: 4403, reason: 'Forbidden' }, 'ws://h/graphql')).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(closeEventError({ code: 4401 }, 'ws://h/graphql')).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(closeEventError({ code: 4400, reason: 'bad' }, 'ws://h/graphql')).toMatchObject({ code: 'BAD_REQUEST' });
    expect(closeEventError({ code: 4500 }, 'ws://h/graphql')).toMatchObject({ code: 'INTERNAL' });
    expect(closeEventError({ code: 1006 }, 'ws://h/graphql')).toMatchObject({ code: 'NETWORK_ERROR' });
  });

  it('maps GraphQL error lists and keeps HangarErrors', () => {
    expect(subscriptionFailure([{ message: 'gone', extensions: { code: 'NOT_FOUND' } }], 'ws://h')).toMatchObject({ code: 'NOT_FOUND', message: 'gone' });
    const own = new HangarError('HOST_TIMEOUT', 'slow');
    expect(subscriptionFailure(own, 'ws://h')).toBe(own);
  });
});
