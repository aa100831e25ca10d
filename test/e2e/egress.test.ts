// The egress policy end to end: what Hangar fetches itself (loadImage from a URL, redirects included) and what it
// hands to an engine (importImage URLs, remote build contexts, the index of a searchImages term) may not lead to
// loopback, private, link-local or metadata addresses unless hangar.yaml's egress.allow names them.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isFinished, type HangarClient, type Job, type JobsPayload } from '@hangar/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from '../sandbox/index.js';
import { sdkFailure } from './support/errors.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { INDEX_FIXTURE, startSearchIndex } from './support/search-index.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = Math.random().toString(16).slice(2, 8);

interface FileServer {
  port: number;
  base: string;
  requests: string[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1: `routes` answer by path (a string is a body, a number a status, `{ redirect }` a 302). */
async function serve(routes: Map<string, Buffer | number | { redirect: string }>): Promise<FileServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const route = routes.get(req.url ?? '');
    if (route === undefined) return void res.writeHead(404).end('not here');
    if (typeof route === 'number') return void res.writeHead(route).end();
    if (Buffer.isBuffer(route)) return void res.writeHead(200, { 'content-type': 'application/x-tar', 'content-length': route.length }).end(route);
    res.writeHead(302, { location: route.redirect }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let strict: TestHangar;
let allowing: TestHangar;
let files: FileServer;
let inner: FileServer;
let index: Awaited<ReturnType<typeof startSearchIndex>>;
const ref = `egress-${run}/loaded:${run.length}`;
let imageId: string;

beforeAll(async () => {
  // An archive to load: a small image saved from alpha and removed there, so a load that happens is visible.
  await sandbox.docker('alpha', ['build', '-q', '-t', ref, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo "egress ${run} ✓" > /e\n` });
  imageId = (await sandbox.docker('alpha', ['image', 'inspect', ref, '--format', '{{.Id}}'])).stdout.trim();
  const dir = mkdtempSync(join(info.dir, 'egress-'));
  await sandbox.docker('alpha', ['save', '-o', join(dir, 'image.tar'), ref]);
  await sandbox.docker('alpha', ['rmi', ref]);
  const archive = readFileSync(join(dir, 'image.tar'));
  inner = await serve(new Map([['/latest/meta-data/', Buffer.from('role-credentials')], ['/image.tar', archive]]));
  files = await serve(
    new Map<string, Buffer | number | { redirect: string }>([
      ['/image.tar', archive],
      ['/to-inner', { redirect: `${inner.base}/image.tar` }],
      ['/to-metadata', { redirect: 'http://169.254.169.254/latest/meta-data/' }],
      ['/to-self', { redirect: '/image.tar' }],
    ]),
  );
  index = await startSearchIndex(INDEX_FIXTURE);
  // Two Hangars on their own Redis databases, each with its own workers: the default policy, and one that allows
  // exactly the file server (a URL pattern) and the search index (a host:port entry).
  strict = await startTestHangar(info, { redis: { url: `${info.redisUrl}/6` }, hosts: [sandboxHost(info, 'alpha')] });
  allowing = await startTestHangar(info, {
    redis: { url: `${info.redisUrl}/9` },
    hosts: [sandboxHost(info, 'alpha')],
    jobs: { attempts: 1 },
    egress: { allow: [`${files.base}/*`, index.host] },
  });
});

afterAll(async () => {
  await strict?.stop();
  await allowing?.stop();
  await files?.close();
  await inner?.close();
  await index?.close();
  await sandbox.docker('alpha', ['rmi', ref]).catch(() => {});
});

/** The job once it has finished (COMPLETED, FAILED or CANCELLED). */
async function finished(client: HangarClient, id: string): Promise<Job> {
  for (const deadline = Date.now() + 120_000; ; ) {
    const { job } = await client.job({ id, logs: 20 });
    if (job && isFinished(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} did not finish: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A payload that started nothing, with one EGRESS_DENIED user error on `field`. */
function refused(payload: JobsPayload, field: string): string {
  expect(payload.jobs).toEqual([]);
  expect(payload.batchId ?? null).toBeNull();
  expect(payload.userErrors.map((e) => [e.code, e.field])).toEqual([['EGRESS_DENIED', ['input', field]]]);
  return payload.userErrors[0]!.message;
}

const hasImage = async () => (await sandbox.docker('alpha', ['image', 'inspect', ref, '--format', '{{.Id}}']).catch(() => ({ stdout: '' }))).stdout.trim();

describe('loadImage (Hangar fetches the URL itself)', () => {
  it('refuses a loopback URL by default at enqueue time; nothing is fetched or loaded', async () => {
    for (const url of [`${files.base}/image.tar`, `http://localhost:${files.port}/image.tar`, `http://robot:pa55@[::ffff:127.0.0.1]:${files.port}/image.tar`, `http://2130706433:${files.port}/image.tar`]) {
      const message = refused((await strict.sdk.loadImage({ input: { url, hosts: ['alpha'] } })).loadImage, 'url');
      expect(message).toMatch(/is not an allowed destination|not a plain dotted-quad IPv4 address/);
      expect(message).not.toMatch(/robot|pa55/);
    }
    expect(files.requests).toEqual([]);
    expect(await hasImage()).toBe('');
  });

  it('a URL the policy allows is fetched and loaded; redirects to the same allowed server are followed', async () => {
    const { loadImage } = await allowing.sdk.loadImage({ input: { url: `${files.base}/to-self`, hosts: ['alpha'] } });
    expect(loadImage.userErrors).toEqual([]);
    const job = await finished(allowing.sdk, loadImage.jobs![0]!.id);
    expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');
    expect(job.result!.repoTags).toEqual([ref]);
    expect(await hasImage()).toBe(imageId);
    expect(files.requests.slice(-2)).toEqual(['GET /to-self', 'GET /image.tar']);
    await sandbox.docker('alpha', ['rmi', ref]);
  });

  it('an allowed server that redirects to loopback or to the metadata address is refused at run time; the target gets no request', async () => {
    for (const path of ['/to-inner', '/to-metadata']) {
      const { loadImage } = await allowing.sdk.loadImage({ input: { url: `${files.base}${path}`, hosts: ['alpha'] } });
      expect(loadImage.userErrors).toEqual([]);
      const job = await finished(allowing.sdk, loadImage.jobs![0]!.id);
      expect(job.state).toBe('FAILED');
      expect(job.error!.code).toBe('EGRESS_DENIED');
      expect(job.error!.message).toContain('loadImage: redirected to: http://');
      expect(job.error!.message).toContain('is not an allowed destination');
      expect(job.attempts).toBe(1);
    }
    expect(inner.requests).toEqual([]);
    expect(await hasImage()).toBe('');
  });

  it('workers check again when the job runs: a job enqueued under a laxer policy is refused by theirs', async () => {
    // A second API process on the allowing Hangar's queues (its own Redis database), allowing all of 127.0.0.1, with no
    // workers: the allowing Hangar's workers, which allow only the file server, run what it enqueues.
    const lax = await startTestHangar(info, { redis: { url: `${info.redisUrl}/9` }, hosts: [sandboxHost(info, 'alpha')], jobs: { attempts: 1 }, egress: { allow: ['127.0.0.1'] } }, { workers: false });
    try {
      const enqueued = (await lax.sdk.loadImage({ input: { url: `${inner.base}/image.tar`, hosts: ['alpha'] } })).loadImage;
      expect(enqueued.userErrors).toEqual([]);
      const job = await finished(allowing.sdk, enqueued.jobs![0]!.id);
      expect(job.state).toBe('FAILED');
      expect(job.error).toMatchObject({ code: 'EGRESS_DENIED' });
      expect(inner.requests).toEqual([]);
    } finally {
      await lax.stop();
    }
  });

  it('a download from an allowed address that gets no answer fails the same way whether refused or reset', async () => {
    const closed = await serve(new Map());
    await closed.close();
    const reset = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => reset.listen(0, '127.0.0.1', resolve));
    const loopback = await startTestHangar(info, { redis: { url: `${info.redisUrl}/10` }, hosts: [sandboxHost(info, 'alpha')], jobs: { attempts: 1 }, egress: { allow: ['127.0.0.1'] } });
    try {
      const messages: string[] = [];
      for (const port of [closed.port, (reset.address() as AddressInfo).port]) {
        const url = `http://127.0.0.1:${port}/image.tar`;
        const { loadImage } = await loopback.sdk.loadImage({ input: { url, hosts: ['alpha'] } });
        expect(loadImage.userErrors).toEqual([]);
        const job = await finished(loopback.sdk, loadImage.jobs![0]!.id);
        expect(job.state).toBe('FAILED');
        expect(job.error!.code).toBe('BAD_REQUEST');
        messages.push(job.error!.message.replace(String(port), 'PORT'));
      }
      expect(messages[0]).toBe('loadImage: could not download http://127.0.0.1:PORT/image.tar: no answer from the server');
      expect(messages[1]).toBe(messages[0]);
    } finally {
      await loopback.stop();
      reset.closeAllConnections();
      await new Promise<void>((resolve) => reset.close(() => resolve()));
    }
  });
});

describe('what engines fetch', () => {
  it('importImage from the metadata address (in any spelling) is refused at enqueue time, and on the REST endpoint', async () => {
    for (const hangar of [strict, allowing]) {
      for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:a9fe:a9fe]/latest/meta-data/', 'http://2852039166/latest/', 'http://169.254.169.254.nip.io.@169.254.169.254/']) {
        refused((await hangar.sdk.importImage({ input: { url, hosts: ['alpha'], repo: `egress-${run}/imported` } })).importImage, 'url');
      }
      const rest = await sdkFailure(hangar.sdk.archives.importImage({ host: 'alpha', source: { url: 'http://169.254.169.254/latest/meta-data/' }, repo: `egress-${run}/imported` }));
      expect(rest.code).toBe('EGRESS_DENIED');
    }
    const images = (await sandbox.docker('alpha', ['image', 'ls', '-q', `egress-${run}/imported`])).stdout.trim();
    expect(images).toBe('');
  });

  it('importImage from loopback: refused by default, downloaded by the engine where egress.allow names the URL', async () => {
    const url = `${files.base}/image.tar`;
    refused((await strict.sdk.importImage({ input: { url, hosts: ['alpha'] } })).importImage, 'url');
    refused((await allowing.sdk.importImage({ input: { url: `${inner.base}/image.tar`, hosts: ['alpha'] } })).importImage, 'url');
    expect(inner.requests).toEqual([]);
    const before = files.requests.length;
    const { importImage } = await allowing.sdk.importImage({ input: { url, hosts: ['alpha'], repo: `egress-${run}/imported`, tag: 'ok' } });
    expect(importImage.userErrors).toEqual([]);
    const job = await finished(allowing.sdk, importImage.jobs![0]!.id);
    expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');
    expect(files.requests.slice(before)).toEqual(['GET /image.tar']);
    expect((await sandbox.docker('alpha', ['image', 'inspect', `egress-${run}/imported:ok`, '--format', '{{.Id}}'])).stdout.trim()).toBe(job.result!.imageId);
    await sandbox.docker('alpha', ['rmi', `egress-${run}/imported:ok`]);
  });

  it('buildImage with a remote context on a private, loopback or link-local address is refused (http, git:// and git@ forms)', async () => {
    for (const contextUrl of [
      'http://10.1.2.3/context.tar',
      'https://192.168.7.7/repo.git#main',
      `http://127.0.0.1:${files.port}/context.tar`,
      'git://172.16.0.9/team/app.git',
      'git@192.168.1.1:team/app.git',
      'git@localhost:team/app.git',
      'http://0x7f.1/context.tar',
      'http://[fd00::1]/context.tar',
    ]) {
      const message = refused((await strict.sdk.buildImage({ input: { contextUrl, hosts: ['alpha'], tags: [`egress-${run}/built:1`] } })).buildImage, 'contextUrl');
      expect(message).toMatch(/is not an allowed destination|is not a plain/);
    }
    const bad = (await strict.sdk.buildImage({ input: { contextUrl: 'ssh://example.com/repo.git', hosts: ['alpha'] } })).buildImage;
    expect(bad.userErrors.map((e) => e.code)).toEqual(['BAD_REQUEST']);
    expect(files.requests.filter((r) => r.includes('context'))).toEqual([]);
  });

  it('searchImages with a host:port term on loopback is refused unless allowed; the index gets no request', async () => {
    for (const term of [`${index.host}/busy`, `localhost:${index.host.split(':')[1]}/busy`]) {
      const error = await sdkFailure(strict.sdk.searchImages({ term, host: 'alpha' }));
      expect(error.code).toBe('EGRESS_DENIED');
      expect(error.message).toContain('is not an allowed destination');
    }
    expect(index.requests).toEqual([]);
    const { searchImages } = await allowing.sdk.searchImages({ term: `${index.host}/busy`, host: 'alpha' });
    expect(searchImages.length).toBeGreaterThan(0);
    expect(searchImages.every((hit) => hit.registry === index.host)).toBe(true);
    expect(index.requests.length).toBeGreaterThan(0);
  });
});
