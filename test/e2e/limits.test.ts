// Memory and connection bounds end to end: the WebSocket message size limit (before and after authentication) and
// the connection_init deadline, subscription caps per connection and per token (and that their counts come back
// however subscriptions end), imageEvents subscribers sharing one engine /events stream per host (checked in
// /metrics and by real `docker tag` events), and build-context uploads bounded in flight and in stored bytes.
// Its own Redis database (7).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { connectRedis, startHangar } from '@hangar/api';
import { parseConfig } from '@hangar/core';
import { createHangarClient, type HangarClient } from '@hangar/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { Sandbox } from '../sandbox/index.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { sdkFailure } from './support/errors.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = randomBytes(3).toString('hex');
const REDIS_DB = 7;
const MiB = 1024 * 1024;
const QUOTA = 3 * MiB + 12_345;

let hangar: TestHangar;
let redis: Redis;
const clients: HangarClient[] = [];
const sockets: RawSocket[] = [];

/** A graphql-transport-ws connection spoken by hand, to send what the SDK never sends. */
class RawSocket {
  readonly messages: Record<string, unknown>[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<() => void>();
  private readonly socket: WebSocket;

  constructor(url: string) {
    this.socket = new WebSocket(url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    this.socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const wake of this.waiters) wake();
    });
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) => this.socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    sockets.push(this);
  }

  static async open(url: string, token?: string): Promise<RawSocket> {
    const raw = new RawSocket(url);
    await new Promise<void>((resolve, reject) => {
      raw.socket.once('open', () => resolve());
      raw.socket.once('error', reject);
    });
    if (token) {
      raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      await raw.next((m) => m.type === 'connection_ack');
    }
    return raw;
  }

  send(message: Record<string, unknown> | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  subscribe(id: string, query: string, variables: Record<string, unknown> = {}): void {
    this.send({ id, type: 'subscribe', payload: { query, variables } });
  }

  /** The first message (received so far or later) that matches; fails the test after `timeoutMs`. */
  async next(match: (message: Record<string, unknown>) => boolean, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(this.messages).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 200);
        this.waiters.add(wake);
      });
    }
  }

  errorsOf(id: string): Record<string, unknown>[] {
    return this.messages.filter((m) => m.id === id && m.type === 'error');
  }

  close(): void {
    this.socket.close();
  }
}

const EVENTS = 'subscription Events($hosts: [String!]) { imageEvents(hosts: $hosts) { host action ref } }';

/** Whether a raw subscription got the tag event for `ref`. */
const sawTag = (id: string, ref: string) => (m: Record<string, unknown>) =>
  m.id === id && m.type === 'next' && JSON.stringify(m.payload).includes(`"ref":${JSON.stringify(ref)}`) && JSON.stringify(m.payload).includes('"action":"tag"');

let tags = 0;
/** `docker tag` of the seed's base image on an engine: a real image event. Answers the new reference. */
async function tagOn(engine: 'alpha' | 'beta', label = 'ev'): Promise<string> {
  const ref = `limits-${run}/${label}:${++tags}`;
  await sandbox.docker(engine, ['tag', info.seed.baseRef, ref]);
  return ref;
}

/** Tags until every raw subscription named has received one of those tags: they are running, not just sent. */
async function untilRunning(subs: { socket: RawSocket; id: string }[], engine: 'alpha' | 'beta' = 'alpha'): Promise<void> {
  const refs: string[] = [];
  await expect
    .poll(
      async () => {
        refs.push(await tagOn(engine, 'warm'));
        await new Promise((resolve) => setTimeout(resolve, 150));
        return subs.every(({ socket, id }) => refs.some((ref) => socket.messages.some(sawTag(id, ref))));
      },
      { timeout: 30_000, interval: 0 },
    )
    .toBe(true);
}

async function metricsText(): Promise<string> {
  const response = await fetch(`${hangar.url}/metrics`, { headers: { authorization: `Bearer ${hangar.token}` } });
  expect(response.status).toBe(200);
  return response.text();
}

/** One sample of /metrics; undefined when the series is absent. */
function sample(text: string, name: string, host: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{host="${host}"} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function makeToken(role: 'VIEWER' | 'OPERATOR', hosts?: string[]): Promise<string> {
  const made = await hangar.sdk.createToken({ input: { name: `limits-${role.toLowerCase()}-${run}-${randomBytes(2).toString('hex')}`, role, ...(hosts ? { hosts: { names: hosts } } : {}) } });
  expect(made.createToken.userErrors).toEqual([]);
  return made.createToken.token!;
}

/** A context tar: one regular file (name with unicode and a quote) of `size` bytes of random data. */
function tarOf(size: number, name = `ctx-“${run}”'.bin`): Buffer {
  const header = Buffer.alloc(512);
  const nameBytes = Buffer.from(name, 'utf8');
  nameBytes.copy(header, 0, 0, Math.min(99, nameBytes.length));
  header.write('0000644\0', 100, 'latin1');
  header.write('0000000\0', 108, 'latin1');
  header.write('0000000\0', 116, 'latin1');
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136, 'latin1');
  header.write('        ', 148, 'latin1');
  header.write('0', 156, 'latin1');
  header.write('ustar\0', 257, 'latin1');
  header.write('00', 263, 'latin1');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const padding = (512 - (size % 512)) % 512;
  return Buffer.concat([header, randomBytes(size), Buffer.alloc(padding), Buffer.alloc(1024)]);
}

async function upload(token: string, body: Buffer | ReadableStream<Uint8Array>): Promise<{ status: number; headers: Headers; body: { key?: string; bytes?: number; errors?: { message: string; extensions: { code: string } }[] } }> {
  const response = await fetch(`${hangar.url}/api/v1/build-contexts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-tar' },
    body,
    ...(body instanceof Buffer ? {} : { duplex: 'half' }),
  } as RequestInit);
  return { status: response.status, headers: response.headers, body: (await response.json()) as never };
}

/** A body sent in pieces: the first at once, the rest once `release()` is called; no content-length. */
function slowBody(pieces: Buffer[]): { stream: ReadableStream<Uint8Array>; release: () => void } {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index > 0) await released;
      const piece = pieces[index++];
      if (piece) controller.enqueue(new Uint8Array(piece));
      else controller.close();
    },
  });
  return { stream, release: () => release() };
}

let idleSocket: RawSocket;

beforeAll(async () => {
  hangar = await startTestHangar(info, {
    redis: { url: `${info.redisUrl}/${REDIS_DB}` },
    hosts: [sandboxHost(info, 'alpha'), sandboxHost(info, 'beta')],
    limits: {
      maxSubscriptionsPerConnection: 3,
      maxSubscriptionsPerToken: 5,
      maxWebSocketConnectionsPerToken: 3,
      maxConcurrentBuildContextUploadsPerToken: 2,
      buildContextQuotaBytes: QUOTA,
    },
  });
  redis = new Redis(`${info.redisUrl}/${REDIS_DB}`);
  // Opened now, never initialised: the last test checks that it was closed for that.
  idleSocket = await RawSocket.open(hangar.url);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all(clients.map((client) => client.close()));
  await hangar?.stop();
  await redis?.quit();
  await sandbox.docker('alpha', ['image', 'ls', '-q', '--filter', `reference=limits-${run}/*`]).then(async ({ stdout }) => {
    const refs = (await sandbox.docker('alpha', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', `limits-${run}/*`])).stdout.split('\n').filter(Boolean);
    if (stdout.trim() && refs.length) await sandbox.docker('alpha', ['rmi', ...refs]);
  });
  const betaRefs = (await sandbox.docker('beta', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', `limits-${run}/*`])).stdout.split('\n').filter(Boolean);
  if (betaRefs.length) await sandbox.docker('beta', ['rmi', ...betaRefs]);
});

describe('WebSocket message size', () => {
  it('a message over 1 MiB closes the socket with 1009 before authentication, counted in bytes', async () => {
    const raw = await RawSocket.open(hangar.url);
    // 350,000 three-byte characters: fewer than 1 MiB characters, more than 1 MiB bytes.
    raw.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${hangar.token}`, pad: '€'.repeat(350_000) } }));
    expect((await raw.closed).code).toBe(1009);
    expect(raw.messages).toEqual([]);
  });

  it('after authentication: just under 1 MiB is served, just over closes the socket with 1009', async () => {
    const raw = await RawSocket.open(hangar.url, hangar.token);
    const query = '{ __typename }';
    const envelope = JSON.stringify({ id: 'small', type: 'subscribe', payload: { query: '' } }).length;
    raw.send({ id: 'small', type: 'subscribe', payload: { query: query + ' '.repeat(MiB - envelope - query.length - 8) } });
    expect(await raw.next((m) => m.id === 'small' && m.type === 'next')).toMatchObject({ payload: { data: { __typename: 'Query' } } });
    raw.send({ id: 'big', type: 'subscribe', payload: { query: query + '\t'.repeat(MiB) } });
    expect((await raw.closed).code).toBe(1009);
    expect(raw.errorsOf('big')).toEqual([]);
    // The server goes on: a new connection with the same token works.
    const again = await RawSocket.open(hangar.url, hangar.token);
    again.subscribe('q', '{ __typename }');
    await again.next((m) => m.id === 'q' && m.type === 'complete');
    again.close();
  });
});

describe('unauthenticated WebSocket connections', () => {
  it('an address may hold 64 connections that have not sent connection_init; the next is closed with 1013', async () => {
    const all = await Promise.all(Array.from({ length: 70 }, () => RawSocket.open(hangar.url)));
    const outcomes = all.map((raw) => raw.closed.then((closed) => closed));
    const settled = new Map<RawSocket, { code: number; reason: string }>();
    all.forEach((raw, i) => void outcomes[i]!.then((closed) => settled.set(raw, closed)));
    // 64 at most are kept, one of them perhaps this file's idle socket: six or seven are refused.
    await expect.poll(() => settled.size, { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    for (const closed of settled.values()) expect(closed).toEqual({ code: 1013, reason: 'too many unauthenticated connections from this address' });
    const opened = all.filter((raw) => !settled.has(raw));
    expect(opened.length).toBeGreaterThanOrEqual(63);
    expect(opened.length).toBeLessThanOrEqual(64);
    // One that authenticates frees its place: a new connection gets through to connection_ack.
    opened[0]!.send({ type: 'connection_init', payload: { authorization: `Bearer ${hangar.token}` } });
    await opened[0]!.next((m) => m.type === 'connection_ack');
    const next = await RawSocket.open(hangar.url);
    next.send({ type: 'connection_init', payload: { authorization: `Bearer ${hangar.token}` } });
    expect(await Promise.race([next.next((m) => m.type === 'connection_ack').then(() => 'ack'), next.closed.then((c) => `closed ${c.code}`)])).toBe('ack');
    for (const raw of [...opened, next]) raw.close();
    await Promise.all([...opened, next].map((raw) => raw.closed));
  });
});

describe('subscription caps', () => {
  it('past the per-connection and per-token caps a new subscription is RATE_LIMITED; the running ones go on', async () => {
    const token = await makeToken('VIEWER');
    const a = await RawSocket.open(hangar.url, token);
    for (const id of ['a1', 'a2', 'a3', 'a4']) a.subscribe(id, EVENTS, { hosts: ['alpha'] });
    // Exactly one of the four is refused (they are checked concurrently), naming the per-connection cap.
    const refusedA = await a.next((m) => m.type === 'error');
    expect(refusedA.payload).toEqual([expect.objectContaining({ message: expect.stringContaining('limits.maxSubscriptionsPerConnection'), extensions: { code: 'RATE_LIMITED' } })]);
    const runningA = ['a1', 'a2', 'a3', 'a4'].filter((id) => id !== refusedA.id).map((id) => ({ socket: a, id }));
    await untilRunning(runningA);

    const b = await RawSocket.open(hangar.url, token);
    for (const id of ['b1', 'b2', 'b3']) b.subscribe(id, EVENTS, { hosts: ['alpha'] });
    const refusedB = await b.next((m) => m.type === 'error');
    expect(refusedB.payload).toEqual([expect.objectContaining({ message: expect.stringContaining('limits.maxSubscriptionsPerToken'), extensions: { code: 'RATE_LIMITED' } })]);
    const runningB = ['b1', 'b2', 'b3'].filter((id) => id !== refusedB.id).map((id) => ({ socket: b, id }));
    // The refusals harmed nobody: all five running subscriptions see the next tag.
    const ref = await tagOn('alpha');
    for (const { socket, id } of [...runningA, ...runningB]) await socket.next(sawTag(id, ref));
    expect(a.errorsOf(runningA[0]!.id)).toEqual([]);

    // Another token is counted apart.
    const other = createHangarClient({ url: hangar.url, token: await makeToken('VIEWER'), subscriptionRetryAttempts: 0 });
    clients.push(other);
    const otherEvents = other.imageEvents({ hosts: ['alpha'] })[Symbol.asyncIterator]();
    const otherFirst = otherEvents.next();
    await expect.poll(async () => (await tagOn('alpha'), Promise.race([otherFirst.then(() => true), new Promise((r) => setTimeout(() => r(false), 300))])), { timeout: 20_000, interval: 0 }).toBe(true);
    await otherEvents.return?.(undefined);

    // A subscription the client completes gives its slot back: the token may start one more (and only one).
    a.send({ id: runningA[0]!.id, type: 'complete' });
    await expect
      .poll(
        async () => {
          const id = `b-retry-${randomBytes(2).toString('hex')}`;
          b.subscribe(id, EVENTS, { hosts: ['alpha'] });
          await new Promise((resolve) => setTimeout(resolve, 300));
          if (b.errorsOf(id).length) return 'refused';
          b.send({ id, type: 'complete' });
          return 'accepted';
        },
        { timeout: 10_000, interval: 0 },
      )
      .toBe('accepted');

    // Closing a connection gives back all it held (two subscriptions): with b's two, a new connection may run three.
    a.close();
    await a.closed;
    await expect
      .poll(
        async () => {
          const c = await RawSocket.open(hangar.url, token);
          for (const id of ['c1', 'c2', 'c3']) c.subscribe(id, EVENTS, { hosts: ['alpha'] });
          await new Promise((resolve) => setTimeout(resolve, 300));
          const refused = ['c1', 'c2', 'c3'].filter((id) => c.errorsOf(id).length).length;
          c.close();
          await c.closed;
          return refused;
        },
        { timeout: 10_000, interval: 0 },
      )
      .toBe(0);
    b.close();
    await b.closed;
  });

  it('subscriptions that fail validation or are refused never count; the SDK reports RATE_LIMITED', async () => {
    const token = await makeToken('VIEWER');
    const raw = await RawSocket.open(hangar.url, token);
    // Invalid documents with odd characters: each is a validation error, and none keeps a slot.
    const bad = ['subscription { imageEvents(hosts: 5) { host } }', 'subscription { nope\u00e9\u{1F600} }', 'subscription { imageEvents { "\\"quoted\\"" } }', '{', 'subscription { imageEvents { host } jobUpdated(id: "x@pull-0") { id } }'];
    for (let i = 0; i < 12; i++) raw.subscribe(`bad${i}`, bad[i % bad.length]!);
    for (let i = 0; i < 12; i++) await raw.next((m) => m.id === `bad${i}` && m.type === 'error');
    // Past the cap the refused ones do not count either.
    for (const id of ['g1', 'g2', 'g3', 'g4', 'g5']) raw.subscribe(id, EVENTS, { hosts: ['beta'] });
    await expect.poll(() => ['g1', 'g2', 'g3', 'g4', 'g5'].filter((id) => raw.errorsOf(id).length).length, { timeout: 10_000 }).toBe(2);
    const running = ['g1', 'g2', 'g3', 'g4', 'g5'].filter((id) => raw.errorsOf(id).length === 0).map((id) => ({ socket: raw, id }));
    expect(running).toHaveLength(3);
    await untilRunning(running, 'beta');

    // The same token through the SDK on a second connection: two more are allowed (5 per token), the third is not.
    const sdk = createHangarClient({ url: hangar.url, token, subscriptionRetryAttempts: 0 });
    clients.push(sdk);
    const s1 = sdk.imageEvents({ hosts: ['beta'] })[Symbol.asyncIterator]();
    const s2 = sdk.imageEvents({ hosts: ['beta'] })[Symbol.asyncIterator]();
    const [first1, first2] = [s1.next(), s2.next()];
    await expect.poll(async () => (await tagOn('beta'), Promise.race([Promise.all([first1, first2]).then(() => true), new Promise((r) => setTimeout(() => r(false), 300))])), { timeout: 20_000, interval: 0 }).toBe(true);
    const third = await sdkFailure(sdk.imageEvents({ hosts: ['beta'] })[Symbol.asyncIterator]().next());
    expect(third.code).toBe('RATE_LIMITED');
    expect(third.message).toContain('limits.maxSubscriptionsPerToken');
    await s1.return?.(undefined);
    await s2.return?.(undefined);
    raw.close();
  });

  it('a token may hold maxWebSocketConnectionsPerToken connections; the next is closed with 4429', async () => {
    const token = await makeToken('VIEWER');
    const open = [await RawSocket.open(hangar.url, token), await RawSocket.open(hangar.url, token), await RawSocket.open(hangar.url, token)];
    const extra = await RawSocket.open(hangar.url);
    extra.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    const closed = await extra.closed;
    expect(closed.code).toBe(4429);
    expect(closed.reason).toContain('limits.maxWebSocketConnectionsPerToken');
    // The SDK names it RATE_LIMITED.
    const sdk = createHangarClient({ url: hangar.url, token, subscriptionRetryAttempts: 0 });
    clients.push(sdk);
    expect((await sdkFailure(sdk.imageEvents({ hosts: ['alpha'] })[Symbol.asyncIterator]().next())).code).toBe('RATE_LIMITED');
    // A closed connection gives its place back.
    open[0]!.close();
    await open[0]!.closed;
    await expect
      .poll(async () => {
        const again = await RawSocket.open(hangar.url);
        again.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
        const outcome = await Promise.race([again.next((m) => m.type === 'connection_ack').then(() => 'ack'), again.closed.then((c) => String(c.code))]);
        again.close();
        return outcome;
      }, { timeout: 10_000 })
      .toBe('ack');
    for (const socket of open) socket.close();
  });
});

describe('imageEvents share one engine stream per host', () => {
  it('many subscribers, one /events stream per host; each gets its hosts’ real events only', async () => {
    let before = '';
    // Earlier tests' subscribers are gone (their connections close asynchronously).
    await expect
      .poll(async () => {
        before = await metricsText();
        return ['alpha', 'beta'].map((host) => sample(before, 'hangar_image_event_subscribers', host) ?? 0);
      }, { timeout: 10_000 })
      .toEqual([0, 0]);
    const openedBefore = { alpha: sample(before, 'hangar_image_event_streams_opened_total', 'alpha') ?? 0, beta: sample(before, 'hangar_image_event_streams_opened_total', 'beta') ?? 0 };
    // Seven subscribers on three connections of three tokens: five follow alpha, three beta.
    const [t1, t2, t3] = [await makeToken('VIEWER'), await makeToken('OPERATOR'), await makeToken('VIEWER')];
    const c1 = await RawSocket.open(hangar.url, t1);
    const c2 = await RawSocket.open(hangar.url, t2);
    const c3 = await RawSocket.open(hangar.url, t3);
    const subs = [
      { socket: c1, id: 'x1', hosts: ['alpha'] },
      { socket: c1, id: 'x2', hosts: ['alpha'] },
      { socket: c1, id: 'x3', hosts: ['alpha', 'beta'] },
      { socket: c2, id: 'y1', hosts: ['alpha'] },
      { socket: c2, id: 'y2', hosts: ['beta'] },
      { socket: c2, id: 'y3', hosts: ['beta', 'beta'] },
      { socket: c3, id: 'z1', hosts: ['alpha'] },
    ];
    for (const { socket, id, hosts } of subs) socket.subscribe(id, EVENTS, { hosts });
    const onAlpha = subs.filter((s) => s.hosts.includes('alpha'));
    const onBeta = subs.filter((s) => s.hosts.includes('beta'));
    await untilRunning(onAlpha, 'alpha');
    await untilRunning(onBeta, 'beta');

    const during = await metricsText();
    expect(sample(during, 'hangar_image_event_subscribers', 'alpha')).toBe(5);
    expect(sample(during, 'hangar_image_event_subscribers', 'beta')).toBe(3);
    expect(sample(during, 'hangar_image_event_streams', 'alpha')).toBe(1);
    expect(sample(during, 'hangar_image_event_streams', 'beta')).toBe(1);
    expect(sample(during, 'hangar_image_event_streams_opened_total', 'alpha')).toBe(openedBefore.alpha + 1);
    expect(sample(during, 'hangar_image_event_streams_opened_total', 'beta')).toBe(openedBefore.beta + 1);

    // One real event per host, and every subscriber gets exactly its own hosts' event.
    const alphaRef = await tagOn('alpha', 'shared');
    const betaRef = await tagOn('beta', 'shared');
    for (const { socket, id } of onAlpha) expect(await socket.next(sawTag(id, alphaRef))).toMatchObject({ payload: { data: { imageEvents: { host: 'alpha', action: 'tag', ref: alphaRef } } } });
    for (const { socket, id } of onBeta) expect(await socket.next(sawTag(id, betaRef))).toMatchObject({ payload: { data: { imageEvents: { host: 'beta', action: 'tag', ref: betaRef } } } });
    for (const { socket, id, hosts } of subs) {
      const seenHosts = new Set(socket.messages.filter((m) => m.id === id && m.type === 'next').map((m) => (m.payload as { data: { imageEvents: { host: string } } }).data.imageEvents.host));
      for (const host of seenHosts) expect(hosts).toContain(host);
    }
    // A subscriber on both hosts got both; the duplicate host in y3 did not double its events.
    expect(c1.messages.some(sawTag('x3', betaRef))).toBe(true);
    expect(c2.messages.filter(sawTag('y3', betaRef))).toHaveLength(1);

    // When the last subscriber of a host leaves, its stream closes.
    for (const socket of [c1, c2, c3]) socket.close();
    await expect
      .poll(async () => {
        const text = await metricsText();
        return ['alpha', 'beta'].map((host) => [sample(text, 'hangar_image_event_subscribers', host), sample(text, 'hangar_image_event_streams', host)]);
      }, { timeout: 10_000 })
      .toEqual([
        [0, 0],
        [0, 0],
      ]);
  });

  it('a host-scoped token follows only its hosts', async () => {
    const scoped = createHangarClient({ url: hangar.url, token: await makeToken('VIEWER', ['alpha']), subscriptionRetryAttempts: 0 });
    clients.push(scoped);
    expect((await sdkFailure(scoped.imageEvents({ hosts: ['beta'] })[Symbol.asyncIterator]().next())).code).toBe('HOST_NOT_FOUND');
    const raw = await RawSocket.open(hangar.url, await makeToken('VIEWER', ['alpha']));
    raw.subscribe('all', EVENTS);
    await untilRunning([{ socket: raw, id: 'all' }], 'alpha');
    const betaRef = await tagOn('beta', 'hidden');
    const alphaRef = await tagOn('alpha', 'seen');
    await raw.next(sawTag('all', alphaRef));
    expect(raw.messages.some(sawTag('all', betaRef))).toBe(false);
    expect(raw.messages.filter((m) => m.type === 'next').every((m) => JSON.stringify(m.payload).includes('"host":"alpha"'))).toBe(true);
    raw.close();
  });

  it('when the engine restarts, the shared stream reconnects and subscribers go on', async () => {
    const raw = await RawSocket.open(hangar.url, await makeToken('VIEWER'));
    raw.subscribe('r', EVENTS, { hosts: ['beta'] });
    await untilRunning([{ socket: raw, id: 'r' }], 'beta');
    const opened = sample(await metricsText(), 'hangar_image_event_streams_opened_total', 'beta') ?? 0;
    await sandbox.stopEngine('beta');
    await sandbox.startEngine('beta');
    await untilRunning([{ socket: raw, id: 'r' }], 'beta');
    expect(raw.errorsOf('r')).toEqual([]);
    const text = await metricsText();
    expect(sample(text, 'hangar_image_event_streams_opened_total', 'beta')).toBe(opened + 1);
    expect(sample(text, 'hangar_image_event_streams', 'beta')).toBe(1);
    raw.close();
  });
});

describe('build-context uploads', () => {
  it('stores contexts whole; a token past its quota gets 413 QUOTA_EXCEEDED, others are counted apart', async () => {
    const operator = await makeToken('OPERATOR');
    const sizes = [MiB + 7, MiB + 333];
    const keys: string[] = [];
    for (const size of sizes) {
      const tar = tarOf(size);
      const answer = await upload(operator, tar);
      expect(answer.status).toBe(201);
      expect(answer.body.bytes).toBe(tar.length);
      // Streamed into Redis in pieces, stored byte for byte.
      expect((await redis.getBuffer(`{hangar}:upload:${answer.body.key}`))!.equals(tar)).toBe(true);
      keys.push(answer.body.key!);
    }
    // A declared length past the quota: refused before a byte is stored.
    const third = await upload(operator, tarOf(MiB + 20_000));
    expect(third.status).toBe(413);
    expect(third.body.errors![0]!.extensions.code).toBe('QUOTA_EXCEEDED');
    expect(third.body.errors![0]!.message).toContain('limits.buildContextQuotaBytes');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // Without a length (a stream), it is cut when it passes what is left; nothing partial stays behind.
    const tar = tarOf(MiB + 50_000);
    const slow = slowBody([tar.subarray(0, 600_000), tar.subarray(600_000)]);
    const streamed = upload(operator, slow.stream);
    setTimeout(() => slow.release(), 100);
    const cut = await streamed;
    expect([cut.status, cut.body.errors![0]!.extensions.code]).toEqual([413, 'QUOTA_EXCEEDED']);
    expect(await redis.keys('{hangar}:upload:partial-*')).toEqual([]);
    // A small one that fits is still taken.
    expect((await upload(operator, tarOf(200_000))).status).toBe(201);

    // Another token has its own quota.
    const other = await makeToken('OPERATOR');
    expect((await upload(other, tarOf(MiB))).status).toBe(201);

    // A stored context that has expired no longer counts: push the first two's expiry into the past.
    const members = await redis.keys('{hangar}:upload-usage:*');
    let moved = 0;
    for (const key of members) {
      for (const member of await redis.zrange(key, '0', '-1')) {
        if (keys.some((k) => member.startsWith(`${k}:`))) moved += Number(await redis.call('ZADD', key, 'XX', 'CH', '1', member));
      }
    }
    expect(moved).toBe(2);
    expect((await upload(operator, tarOf(2 * MiB))).status).toBe(201);
  });

  it('a token may have two uploads in flight; the third is 429 RATE_LIMITED and the two complete', async () => {
    const operator = await makeToken('OPERATOR');
    const tars = [tarOf(300_000), tarOf(400_000)];
    const bodies = tars.map((tar) => slowBody([tar.subarray(0, 100_000), tar.subarray(100_000)]));
    const inFlight = bodies.map((body) => upload(operator, body.stream));
    // Once both have reached the server, a third is refused (small ones sent before that are simply stored).
    let third: Awaited<ReturnType<typeof upload>> | undefined;
    await expect
      .poll(async () => {
        third = await upload(operator, tarOf(1000));
        return third.status;
      }, { timeout: 10_000 })
      .toBe(429);
    third = third!;
    expect(third.status).toBe(429);
    expect(third.body.errors![0]!.extensions.code).toBe('RATE_LIMITED');
    expect(third.body.errors![0]!.message).toContain('limits.maxConcurrentBuildContextUploadsPerToken');
    expect(third.headers.get('retry-after')).toBe('1');
    for (const body of bodies) body.release();
    const done = await Promise.all(inFlight);
    expect(done.map((d) => [d.status, d.body.bytes])).toEqual(tars.map((tar) => [201, tar.length]));
    expect((await upload(operator, tarOf(1000))).status).toBe(201);
  });

  it('a context that would fill Redis past three quarters of its maxmemory is refused with 507, and taken again after', async () => {
    const operator = await makeToken('OPERATOR');
    const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
    await redis.config('SET', 'maxmemory', String(used + 2 * MiB));
    try {
      const refused = await upload(operator, tarOf(2 * MiB - 4096));
      expect(refused.status).toBe(507);
      expect(refused.body.errors![0]!.extensions.code).toBe('INSUFFICIENT_STORAGE');
      expect(refused.body.errors![0]!.message).toContain('near its memory limit');
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
    expect((await upload(operator, tarOf(2 * MiB - 4096))).status).toBe(201);
  });

  it('the operator role is checked on the route itself, for every spelling of the path', async () => {
    const viewer = await makeToken('VIEWER');
    const operator = await makeToken('OPERATOR');
    const post = (path: string, token: string) => fetch(`${hangar.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-tar' }, body: tarOf(1000) });
    const stored: string[] = [];
    for (const path of ['/api/v1/build-contexts', '/api/v1/build-contexts/', '/api/v1/Build-Contexts', '/API/V1/BUILD-CONTEXTS', '/api/v1//build-contexts', '/api/v1/build-%63ontexts']) {
      // Wherever an operator's upload is stored, a viewer's is FORBIDDEN; elsewhere both get the same 404.
      const asOperator = await post(path, operator);
      const asViewer = await post(path, viewer);
      const viewerBody = (await asViewer.json()) as { errors: { extensions: { code: string } }[] };
      if (asOperator.status === 201) {
        stored.push(path);
        expect([path, asViewer.status, viewerBody.errors[0]!.extensions.code]).toEqual([path, 403, 'FORBIDDEN']);
      } else {
        expect([path, asViewer.status]).toEqual([path, asOperator.status]);
        expect(asViewer.status).toBe(404);
      }
    }
    expect(stored).toContain('/api/v1/build-contexts');
  });
});

describe('embedded Redis', () => {
  it('runs with maxmemory-policy noeviction and the configured maxmemory', async () => {
    const dataDir = mkdtempSync(join(info.dir, 'limits-redis-'));
    const maxMemory = 100 * MiB + 4321;
    const config = parseConfig({ listen: { host: '127.0.0.1', port: 0 }, dataDir, hosts: [sandboxHost(info, 'alpha')], limits: { embeddedRedisMaxMemoryBytes: maxMemory } }, { env: {} });
    const own = await startHangar(config, { adminToken: `hgr_limits_${randomBytes(16).toString('hex')}`, log: () => {}, workers: false });
    const client = connectRedis(own.redisUrl);
    try {
      expect(own.redisUrl).toMatch(/^unix:\/\//);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await client.config('GET', 'maxmemory')).toEqual(['maxmemory', String(maxMemory)]);
    } finally {
      client.disconnect();
      await own.stop();
    }
  });

  it('a maxmemory under 64 MiB (other than 0) is refused with a message naming the key', () => {
    expect(() => parseConfig({ limits: { embeddedRedisMaxMemoryBytes: 1000 } }, { env: {} })).toThrow(/limits\.embeddedRedisMaxMemoryBytes.*64 MiB/);
  });
});

describe('connection_init deadline', () => {
  it('a WebSocket that never sends connection_init is closed with 4408', async () => {
    expect((await idleSocket.closed).code).toBe(4408);
  });
});
