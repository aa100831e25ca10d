// Secrets scan: a scenario of its own (vitest does not promise an order of files, so it does not rely on running
// last) exercises every place a secret passes through: registry credentials (hangar.yaml passwordEnv and
// addRegistry, login, push, pull, a wrong password, a URL with credentials), webhook secrets (bearer and path token,
// good and bad), API tokens (admin, created, invalid), and URL jobs whose URL carries user info and a pre-signed
// query. Then it looks for every one of those secrets, raw, JSON-escaped and URL-encoded, in what Hangar answered,
// what it logged, /metrics, the audit log, the job records and every key of every Redis database: 0 times.
// The same file checks the bounds that keep a hostile token or sender from evicting history (webhook refusals,
// audit entries), the token cache, and the key/bootstrap rules (revoked HANGAR_ADMIN_TOKEN, weak tokens, a worker
// without the key).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHangar, type Hangar } from '@hangar/api';
import { AuditLog } from '../../apps/api/src/audit/audit-log.js';
import { TokenStore } from '../../apps/api/src/auth/token-store.js';
import { WebhookDeliveryStore } from '../../apps/api/src/webhooks/delivery-store.js';
import { parseConfig } from '@hangar/core';
import { createHangarClient, HangarError, type HangarClient, type Job } from '@hangar/sdk';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from '../sandbox/index.js';
import { LOOPBACK_EGRESS, sandboxHost } from './support/hangar.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = randomBytes(3).toString('hex');
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Redis databases of this file alone: the scenario's Hangar, and the store/bootstrap checks. */
const SCAN_DB = 12;
const STORES_DB = 15;
const BOOT_DB = 4;

/** Every secret the scenario hands Hangar; none may come back anywhere. */
const secrets = new Map<string, string>();
const secret = (what: string, value: string) => (secrets.set(what, value), value);

const adminToken = secret('admin token', `hgr_scan_${randomBytes(24).toString('base64url')}`);
// A registry user of the sandbox whose password needs escaping (`:`, `@`, `"`, `\`, non-ASCII).
const user = info.registry.users.find((u) => /["\\]/.test(u.password) && /[^\x20-\x7e]/.test(u.password)) ?? info.registry.users[0]!;
secret('registry password (addRegistry)', user.password);
secret('registry password (passwordEnv)', info.registry.password);
const wrongPassword = secret('wrong registry password', `wr0ng:p@ss"\\ü-${run}`);
const urlPassword = secret('URL password', `u:rl@p"w\\ä-${run}`);
const urlSignature = secret('pre-signed query', `sig/${randomBytes(12).toString('base64')}ü`);
const inlineUrlPassword = secret('password inside a registry URL', `in:url@${run}"x`);
// Header-safe (visible ASCII) but with the characters that matter.
const webhookSecret = secret('webhook bearer secret', `whk:${run}@"\\${randomBytes(12).toString('base64url')}`);
const wrongWebhookSecret = secret('wrong webhook secret', `not-${randomBytes(12).toString('hex')}`);

/** Everything Hangar answered (GraphQL and REST), except the one answer that shows a new token or secret by design. */
const answers: string[] = [];
const logs: string[] = [];
let hangar: Hangar;
let sdk: HangarClient;
let files: Server;
let filesUrl: string;
const fileRequests: { url: string; authorization: string | undefined }[] = [];
let redis: Redis;

/** A call whose answer (or error) joins the scanned answers. */
async function seen<T>(call: Promise<T>): Promise<T> {
  try {
    const result = await call;
    answers.push(JSON.stringify(result));
    return result;
  } catch (error) {
    answers.push(JSON.stringify({ message: (error as Error).message, ...(error instanceof HangarError ? { code: error.code, errors: error.errors, data: error.data } : {}) }));
    throw error;
  }
}

/** A job's final state, through the SDK's handle; the job as read afterwards joins the answers. */
async function finish(id: string): Promise<Job> {
  await sdk.run
    .job(id)
    .done()
    .catch(() => undefined);
  const { job } = await seen(sdk.job({ id }));
  return job!;
}

async function raw(path: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`${hangar.url}${path}`, init);
  const text = await response.text();
  answers.push(text);
  return { status: response.status, text };
}

/** A rootfs tar for `docker import`, served only with the right Basic credentials and signature. */
async function startFileServer(): Promise<void> {
  const dir = mkdtempSync(join(info.dir, 'scan-files-'));
  mkdirSync(join(dir, 'root'));
  writeFileSync(join(dir, 'root', 'hello.txt'), `scan ${run}\n`);
  execFileSync('tar', ['-cf', join(dir, 'rootfs.tar'), '-C', join(dir, 'root'), '.']);
  const tar = readFileSync(join(dir, 'rootfs.tar'));
  const expected = `Basic ${Buffer.from(`scanner:${urlPassword}`).toString('base64')}`;
  files = createServer((req: IncomingMessage, res) => {
    fileRequests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/rootfs.tar' && req.headers.authorization === expected && url.searchParams.get('X-Amz-Signature') === urlSignature) {
      res.writeHead(200, { 'content-type': 'application/x-tar', 'content-length': tar.length });
      res.end(tar);
      return;
    }
    res.writeHead(403).end('denied');
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesUrl = `127.0.0.1:${(files.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  // A configured registry's password is read from the environment when a worker needs it.
  process.env.SCAN_REGISTRY_PASSWORD = info.registry.password;
  redis = new Redis(`${info.redisUrl}/${SCAN_DB}`);
  await redis.flushdb();
  await startFileServer();
  const config = parseConfig(
    {
      listen: { host: '127.0.0.1', port: 0 },
      redis: { url: `${info.redisUrl}/${SCAN_DB}` },
      dataDir: `${info.dir}/hangar`,
      hosts: [sandboxHost(info, 'alpha'), sandboxHost(info, 'beta')],
      egress: LOOPBACK_EGRESS,
      registries: [{ name: `conf-${run}`, url: info.registry.url, username: info.registry.username, passwordEnv: 'SCAN_REGISTRY_PASSWORD' }],
    },
    { env: { SCAN_REGISTRY_PASSWORD: info.registry.password } },
  );
  hangar = await startHangar(config, { adminToken, log: (line) => logs.push(line), workers: true });
  sdk = createHangarClient({ url: hangar.url, token: adminToken });
});

afterAll(async () => {
  delete process.env.SCAN_REGISTRY_PASSWORD;
  await sdk?.close();
  await hangar?.stop();
  files?.close();
  redis?.disconnect();
});

describe('secrets scan', () => {
  it('registry credentials: added, tested, pushed and pulled with; wrong ones and ones inside a URL refused', async () => {
    const name = `scan-${run}`;
    const added = await seen(sdk.addRegistry({ input: { name, url: info.registry.url, username: user.username, password: user.password } }));
    expect(added.addRegistry.userErrors).toEqual([]);
    expect(added.addRegistry.registry).toMatchObject({ name, hasPassword: true });
    expect((await seen(sdk.testRegistryLogin({ name }))).testRegistryLogin).toMatchObject({ ok: true, userErrors: [] });
    expect((await seen(sdk.testRegistryLogin({ name: `conf-${run}` }))).testRegistryLogin).toMatchObject({ ok: true });

    // A URL with credentials in it is refused, and the refusal does not repeat them.
    const inline = await seen(sdk.addRegistry({ input: { name: `${name}-inline`, url: `http://scanner:${encodeURIComponent(inlineUrlPassword)}@${info.registry.host}`, username: 'x', password: 'y-not-scanned' } }));
    expect(inline.addRegistry.userErrors).toMatchObject([{ code: 'BAD_REQUEST', field: ['input', 'url'], message: expect.stringMatching(/must not hold credentials/) }]);

    const wrong = await seen(sdk.addRegistry({ input: { name: `${name}-wrong`, url: info.registry.url, username: user.username, password: wrongPassword } }));
    expect(wrong.addRegistry.userErrors).toEqual([]);
    const login = await seen(sdk.testRegistryLogin({ name: `${name}-wrong` })).then((r) => r.testRegistryLogin);
    expect(login.ok).toBe(false);

    const ref = `${info.registry.host}/scan-${run}/app:1`;
    await sandbox.docker('alpha', ['tag', info.seed.taggedRefs[0]!, ref]);
    const push = await seen(sdk.pushImage({ input: { ref, hosts: ['alpha'], registry: name } }));
    expect(push.pushImage.userErrors).toEqual([]);
    expect((await finish(push.pushImage.jobs![0]!.id)).state).toBe('COMPLETED');
    const pull = await seen(sdk.pullImage({ input: { ref, hosts: ['beta'], registry: name } }));
    expect((await finish(pull.pullImage.jobs![0]!.id)).state).toBe('COMPLETED');
    const denied = await seen(sdk.pullImage({ input: { ref, hosts: ['beta'], registry: `${name}-wrong` } }));
    const failed = await finish(denied.pullImage.jobs![0]!.id);
    expect(failed).toMatchObject({ state: 'FAILED', error: { code: 'REGISTRY_AUTH_FAILED' } });
  });

  it('URL jobs: the worker gets the real URL (sealed in the job), every view shows it redacted', async () => {
    const url = `http://scanner:${encodeURIComponent(urlPassword)}@${filesUrl}/rootfs.tar?X-Amz-Signature=${encodeURIComponent(urlSignature)}&X-Amz-Expires=300`;
    const started = await seen(sdk.importImage({ input: { url, hosts: ['alpha'], repo: `scan-${run}/imported`, tag: '1' } }));
    expect(started.importImage.userErrors).toEqual([]);
    const job = started.importImage.jobs![0]!;
    expect(job.subject).toBe(`http://${filesUrl}/rootfs.tar?X-Amz-Signature=redacted&X-Amz-Expires=redacted`);
    const done = await finish(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('COMPLETED');
    // The engine fetched it with the credentials and the signature: the real URL reached the worker.
    expect(fileRequests.some((r) => r.url.startsWith('/rootfs.tar?') && r.authorization?.startsWith('Basic '))).toBe(true);
    expect((await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{.Id}}', `scan-${run}/imported:1`])).stdout.trim()).toBe(done.result!.imageId);

    // Refused before any job (the egress policy denies link-local/metadata addresses): neither the GraphQL answer
    // nor the REST one repeats the credentials.
    const metadata = `http://scanner:${encodeURIComponent(urlPassword)}@169.254.169.254/latest/x.tar?X-Amz-Signature=${encodeURIComponent(urlSignature)}`;
    const denied = await seen(sdk.importImage({ input: { url: metadata, hosts: ['alpha'] } }));
    expect(denied.importImage.userErrors.map((e) => e.code)).toContain('EGRESS_DENIED');
    const rest = await raw(`/api/v1/hosts/alpha/images/import?url=${encodeURIComponent(metadata)}&repo=scan-${run}/rest`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
    expect(rest.status).toBeGreaterThanOrEqual(400);
    expect(rest.status).toBeLessThan(500);

    // A load from a URL that answers 403: the failure names the URL, redacted.
    const load = await seen(sdk.loadImage({ input: { url: `http://scanner:${encodeURIComponent(urlPassword)}@${filesUrl}/missing.tar?token=${encodeURIComponent(urlSignature)}`, hosts: ['beta'] } }));
    expect(load.loadImage.userErrors).toEqual([]);
    const failed = await finish(load.loadImage.jobs![0]!.id);
    expect(failed.state).toBe('FAILED');
    expect(failed.error!.message).toContain(`${filesUrl}/missing.tar?token=redacted`);
  });

  it('webhooks: a secret added through the API, good and bad deliveries, a path token', async () => {
    const name = `scan-${run}`;
    const added = await seen(sdk.addWebhookReceiver({ input: { name, source: 'DISTRIBUTION', secret: webhookSecret } }));
    expect(added.addWebhookReceiver.userErrors).toEqual([]);
    // The generated secret is shown once, in this answer (not scanned); then never again.
    const hub = await sdk.addWebhookReceiver({ input: { name: `${name}-hub`, source: 'DOCKERHUB' } });
    const hubSecret = secret('generated path token', hub.addWebhookReceiver.generatedSecret!);
    const body = JSON.stringify({ events: [{ id: `ev-${run}`, timestamp: new Date().toISOString(), action: 'push', target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: `sha256:${'a'.repeat(64)}`, repository: `scan-${run}/x`, tag: '1' }, request: { host: info.registry.host } }] });
    const post = (path: string, authorization?: string, content = body) =>
      raw(`/webhooks/${path}`, { method: 'POST', headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', ...(authorization ? { authorization } : {}) }, body: content });
    expect((await post(name, `Bearer ${webhookSecret}`)).status).toBe(202);
    expect((await post(name, `Bearer ${wrongWebhookSecret}`)).status).toBe(401);
    expect((await post(name, `Bearer ${webhookSecret}x`)).status).toBe(401);
    expect((await post(`${name}-hub/${wrongWebhookSecret}`, undefined, JSON.stringify({ push_data: { tag: '1', pushed_at: 1 }, repository: { repo_name: 'a/b' } }))).status).toBe(401);
    expect((await post(`${name}-hub/${hubSecret}`, undefined, JSON.stringify({ push_data: { tag: '1', pushed_at: 2 }, repository: { repo_name: `scan-${run}/hub`, namespace: 'scan', name: 'hub' }, callback_url: 'https://registry.hub.docker.com/u/a/b/hook/1/' }))).status).toBeLessThan(300);
    const { webhookDeliveries } = await seen(sdk.webhookDeliveries({ first: 50 }));
    expect(webhookDeliveries.nodes.filter((d) => d.receiver === name).map((d) => d.status).sort()).toEqual(['ACCEPTED', 'REJECTED', 'REJECTED']);
    await seen(sdk.webhookReceivers());
  });

  it('tokens: a created token is shown once; invalid and forbidden requests leave no token behind', async () => {
    const created = await sdk.createToken({ input: { name: `viewer-${run}`, role: 'VIEWER' } });
    const viewerToken = secret('created viewer token', created.createToken.token!);
    const viewer = createHangarClient({ url: hangar.url, token: viewerToken });
    try {
      await seen(viewer.hosts({}));
      await expect(seen(viewer.auditLog({ first: 1 }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(seen(viewer.addRegistry({ input: { name: 'x', url: info.registry.url } }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const export_ = await raw(`/api/v1/hosts/nope-${run}/images/export?ref=a`, { headers: { authorization: `Bearer ${viewerToken}` } });
      expect(export_.status).toBe(404);
    } finally {
      await viewer.close();
    }
    const invalid = secret('invalid token', `hgr_${randomBytes(32).toString('base64url')}`);
    expect((await raw('/graphql', { method: 'POST', headers: { authorization: `Bearer ${invalid}`, 'content-type': 'application/json' }, body: '{"query":"{ hosts { name } }"}' })).status).toBe(401);
    await seen(sdk.tokens());
  });

  it('finds none of the secrets in answers, logs, /metrics, the audit log, the job records or any Redis key', async () => {
    const metrics = await raw('/metrics', { headers: { authorization: `Bearer ${adminToken}` } });
    expect(metrics.status).toBe(200);
    let after: string | undefined;
    const audit: unknown[] = [];
    do {
      const { auditLog } = await seen(sdk.auditLog({ first: 1000, after }));
      audit.push(...auditLog.nodes);
      after = auditLog.pageInfo.hasNextPage ? (auditLog.pageInfo.endCursor ?? undefined) : undefined;
    } while (after);
    expect(audit.length).toBeGreaterThan(5);
    const jobs = await seen(sdk.jobs({ first: 1000 }));
    expect(jobs.jobs.nodes.length).toBeGreaterThanOrEqual(4);
    // Let the workers' last writes land.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const places: Record<string, string> = {
      'GraphQL and REST answers': answers.join('\n'),
      'log lines': logs.join('\n'),
      '/metrics': metrics.text,
      'audit log': JSON.stringify(audit),
      'job records': await jobRecords(),
      'Redis (every key of every database)': await redisDump(),
    };
    expect(logs.length).toBeGreaterThan(0);
    expect(places['job records']!).toContain('sealedUrl');
    const found: string[] = [];
    for (const [what, value] of secrets) {
      const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
      for (const [place, text] of Object.entries(places)) {
        for (const form of forms) if (text.includes(form)) found.push(`${what} (${JSON.stringify(form)}) in ${place}`);
      }
    }
    console.log(`secrets scan: ${secrets.size} secrets x ${Object.keys(places).length} places (${Object.values(places).reduce((n, t) => n + t.length, 0)} characters): ${found.length} found`);
    expect(found).toEqual([]);
  });
});

/** Every BullMQ job hash of the scenario's queues (data, failedReason, stacktrace, returnvalue) and their logs. */
async function jobRecords(): Promise<string> {
  const out: string[] = [];
  for (const key of await scanKeys(redis, '*')) {
    if (!/:(alpha|beta)@/.test(key) && !/host\.(alpha|beta):/.test(key)) continue;
    out.push(key, await valueOf(redis, key));
  }
  return out.join('\n');
}

/** Every key and value of every Redis database, read by type (DUMP's RDB encoding may compress strings). */
async function redisDump(): Promise<string> {
  const out: string[] = [];
  for (let db = 0; db < 16; db++) {
    const client = new Redis(`${info.redisUrl}/${db}`);
    try {
      for (const key of await scanKeys(client, '*')) out.push(key, await valueOf(client, key));
    } finally {
      client.disconnect();
    }
  }
  return out.join('\n');
}

async function scanKeys(client: Redis, pattern: string): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) keys.add(key);
  } while (cursor !== '0');
  return [...keys];
}

async function valueOf(client: Redis, key: string): Promise<string> {
  switch (await client.type(key)) {
    case 'string':
      return (await client.getBuffer(key))?.toString('latin1') + '\n' + ((await client.get(key)) ?? '');
    case 'hash':
      return JSON.stringify(await client.hgetall(key)).slice(0, 5_000_000);
    case 'list':
      return JSON.stringify(await client.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await client.smembers(key));
    case 'zset':
      return JSON.stringify(await client.zrange(key, '0', '-1', 'WITHSCORES'));
    case 'stream':
      return JSON.stringify(await client.xrange(key, '-', '+'));
    default:
      return '';
  }
}

describe('bounds a hostile sender or token cannot push past', () => {
  let stores: Redis;
  beforeAll(async () => {
    stores = new Redis(`${info.redisUrl}/${STORES_DB}`);
    await stores.flushdb();
  });
  afterAll(() => stores?.disconnect());

  it('the token cache keeps no invalid token: 10,000 made-up tokens leave it as it was', async () => {
    const tokens = new TokenStore(stores);
    const { token } = await tokens.create(`cached-${run}`, 'viewer', 'test');
    expect(await tokens.verify(token)).toMatchObject({ role: 'viewer' });
    expect(tokens.cacheSize).toBe(1);
    for (let i = 0; i < 10; i++) {
      const batch = Array.from({ length: 1000 }, () => `hgr_${randomBytes(8 + (i % 24)).toString(i % 2 ? 'hex' : 'base64url')}${i % 3 ? '"\\ü' : ''}`);
      expect((await Promise.all(batch.map((t) => tokens.verify(t)))).every((p) => p === undefined)).toBe(true);
    }
    expect(tokens.cacheSize).toBe(1);
    // Revoked: refused at once here, and the cache drops it.
    const [record] = (await tokens.list()).filter((t) => t.name === `cached-${run}`);
    expect(await tokens.revoke(record!.id)).toBe(true);
    expect(await tokens.verify(token)).toBeUndefined();
    expect(tokens.cacheSize).toBe(0);
  });

  it('a flood of refused webhook requests neither evicts accepted deliveries nor drops a pending one', async () => {
    const store = new WebhookDeliveryStore(stores, 60, { maxDeliveries: 5, maxRejected: 50 });
    const event = (i: number) => ({ eventId: `e-${run}-${i}`, action: 'push', repository: 'r', tag: '1', digest: undefined, mediaType: undefined, registryHost: 'x', ignoredReason: undefined }) as never;
    const now = new Date();
    const pending = await store.accept({ receiver: 'r', source: 'distribution', receivedAt: now, deliveryId: 'd-pending', ignoredReason: undefined, events: [event(0)] });
    expect(pending.pending).toBe(true);
    const accepted: string[] = [pending.view.id];
    for (let i = 1; i <= 4; i++) {
      const { view } = await store.accept({ receiver: 'r', source: 'distribution', receivedAt: now, deliveryId: `d${i}`, ignoredReason: undefined, events: [event(i)] });
      await store.finish(view.id, { processedAt: now.toISOString(), events: [] });
      accepted.push(view.id);
    }
    for (let i = 0; i < 2000; i++) await store.reject({ receiver: 'r', source: 'distribution', receivedAt: now, httpStatus: 401, reason: 'wrong token' });
    for (const id of accepted) expect((await store.get(id))?.status).toBe('ACCEPTED');
    expect(await store.pending(new Date(Date.now() + 1000))).toEqual([pending.view.id]);
    // Past the accepted cap, the oldest finished ones go, never the pending one.
    for (let i = 5; i < 12; i++) {
      const { view } = await store.accept({ receiver: 'r', source: 'distribution', receivedAt: now, deliveryId: `d${i}`, ignoredReason: undefined, events: [event(i)] });
      await store.finish(view.id, { processedAt: now.toISOString(), events: [] });
    }
    expect(await store.get(pending.view.id)).toBeDefined();
    expect(await store.get(accepted[1]!)).toBeUndefined();
    // The list pages through both kinds, newest first, each once.
    const ids: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await store.read({ first: 17, before });
      ids.push(...page.deliveries.map((d) => d.id));
      if (!page.hasMore) break;
      before = page.deliveries.at(-1)!.id;
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id === pending.view.id)).toHaveLength(1);
    expect(ids.length).toBeLessThan(120);
  });

  it('audit: refused calls cannot evict real entries, and an entry has a size bound', async () => {
    const audit = new AuditLog(stores, { maxEntries: 100, maxFailed: 30 });
    const operator = { tokenId: 'a'.repeat(12), name: 'op', role: 'operator' as const };
    const viewer = { tokenId: 'b'.repeat(12), name: 'v', role: 'viewer' as const };
    await audit.record(operator, { action: 'removeImages', hosts: ['alpha'], target: { refs: ['x'.repeat(100_000)], url: `https://u:${urlPassword}@h/x?sig=${urlSignature}`, list: Array.from({ length: 5000 }, (_, i) => i) }, outcome: 'ok', detail: `Bearer ${adminToken} ${'d'.repeat(50_000)}` });
    for (let i = 0; i < 1000; i++) await audit.record(viewer, { action: 'exportImages', hosts: [`nope-${i}`], target: {}, outcome: 'failed', detail: 'HOST_NOT_FOUND' });
    const { entries } = await audit.read({ first: 1000 });
    const real = entries.filter((e) => e.outcome === 'ok');
    expect(real).toHaveLength(1);
    const stored = JSON.stringify(real[0]);
    expect(stored.length).toBeLessThan(16_000);
    for (const leaked of [urlPassword, urlSignature, adminToken]) expect(stored).not.toContain(leaked);
    expect(entries.filter((e) => e.outcome === 'failed').length).toBeLessThanOrEqual(60);
    expect((await audit.failedCounts()).exportImages).toBe(1000);
  });
});

describe('keys and bootstrap', () => {
  it('a revoked HANGAR_ADMIN_TOKEN is not registered again at the next start; a weak one stops start-up', async () => {
    const boot = new Redis(`${info.redisUrl}/${BOOT_DB}`);
    await boot.flushdb();
    boot.disconnect();
    const config = parseConfig({ listen: { host: '127.0.0.1', port: 0 }, redis: { url: `${info.redisUrl}/${BOOT_DB}` }, dataDir: `${info.dir}/hangar`, hosts: [sandboxHost(info, 'alpha')] }, { env: {} });
    const first = `hgr_first_${randomBytes(24).toString('base64url')}`;
    const bootLogs: string[] = [];
    let api = await startHangar(config, { adminToken: first, log: (l) => bootLogs.push(l), workers: false });
    const client = createHangarClient({ url: api.url, token: first });
    const other = (await client.createToken({ input: { name: `admin-2-${run}`, role: 'ADMIN' } })).createToken.token!;
    const second = createHangarClient({ url: api.url, token: other });
    const firstId = (await second.tokens()).tokens.find((t) => t.name === 'admin (HANGAR_ADMIN_TOKEN)')!.id;
    expect((await second.revokeToken({ id: firstId })).revokeToken.userErrors).toEqual([]);
    await client.close();
    await second.close();
    await api.stop();

    api = await startHangar(config, { adminToken: first, log: (l) => bootLogs.push(l), workers: false });
    try {
      const refused = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${first}`, 'content-type': 'application/json' }, body: '{"query":"{ tokens { id } }"}' });
      expect(refused.status).toBe(401);
      expect(bootLogs.join('\n')).toContain(`HANGAR_ADMIN_TOKEN (token ${firstId}) was revoked: it was NOT registered again`);
      expect(bootLogs.join('\n')).not.toContain(first);
    } finally {
      await api.stop();
    }
    for (const weak of ['short-token', 'a'.repeat(40), `${'ab'.repeat(20)}`]) {
      await expect(startHangar(config, { adminToken: weak, log: () => {}, workers: false })).rejects.toThrow(/HANGAR_ADMIN_TOKEN: too weak/);
    }
  });

  it('a worker process without HANGAR_SECRET_KEY or the key file refuses to start, saying why', async () => {
    const dir = mkdtempSync(join(info.dir, 'keyless-worker-'));
    writeFileSync(join(dir, 'hangar.yaml'), stringify({ redis: { url: `${info.redisUrl}/${BOOT_DB}` }, hosts: [sandboxHost(info, 'alpha')] }));
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'apps/worker/src/main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, HANGAR_CONFIG: join(dir, 'hangar.yaml'), HANGAR_DATA_DIR: join(dir, 'data'), HANGAR_SECRET_KEY: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/cannot start: .*no secret key: neither HANGAR_SECRET_KEY is set nor .*secret\.key exists\. A worker never makes its own key/);
    expect(output).not.toContain('workers ready');
  });
});
