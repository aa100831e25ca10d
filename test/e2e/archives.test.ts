// Archives through Hangar against real engines, checked with the docker and tar CLIs: export (docker save), load
// (docker load, into the TLS host), import (docker import, uploaded or by URL), refusals that change nothing, and
// the audit trail. Every call goes through the SDK's archive client (@hangar/sdk `archives`), except the few that
// send what the SDK never sends (no token, a text body with its text content type): those use fetch, and say so.
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, createWriteStream, mkdirSync, mkdtempSync, openAsBlob, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { createHangarClient, HangarError, type ArchiveClient } from '@hangar/sdk';
import { run, waitFor } from '@hangar/system';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditLog, type AuditEntry } from '../../apps/api/src/audit/audit-log.js';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { LOOPBACK_EGRESS, sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { sdkFailure } from './support/errors.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const ENGINES: EngineName[] = ['alpha', 'beta', 'gamma'];

/** Seeded images on alpha, tagged under names of this file's own so that loading them elsewhere touches no seed tag. */
const EXPORTED = [
  { seed: info.seed.sharedLayerRefs[0], ref: 'archives-test/app:1.0' },
  { seed: info.seed.multiTagRefs[0]!, ref: 'archives-test/multi:a' },
];
const IMPORTED_REF = 'archives-test/rootfs:v1';
const URL_REF = 'archives-test/from-url:v1';

let hangar: TestHangar;
/** maxUploadBytes 4096: refuses at once. */
let small: TestHangar;
/** maxUploadBytes 1 MiB: refuses while the engine is already reading the upload. */
let medium: TestHangar;
let redis: Redis;
let work: string;
let exportedTar: string;
let rootfsTar: string;
/** The calls this file makes with a token: each must show in the audit trail. */
const calls: { action: string; host: string; outcome: 'ok' | 'failed' }[] = [];

type Json = Record<string, unknown> & { errors?: { message: string; extensions: { code: string } }[] };

/** One HTTP answer the SDK received: status, headers, and the JSON body as text (read from a copy of it). */
interface Answer {
  status: number;
  headers: Headers;
  /** Only for JSON answers: an archive is never copied (a copy that is not read would buffer it). */
  text: Promise<string> | undefined;
}

/**
 * The SDK's archive client on a test Hangar, through a fetch that keeps each answer's status and headers: the SDK
 * hands back the archive stream or the parsed result, or throws a HangarError, and these tests also check the
 * content type, disposition and length of the answers.
 */
function observed(target: TestHangar, token = target.token): { archives: ArchiveClient; last: () => Answer } {
  const answers: Answer[] = [];
  const client = createHangarClient({
    url: target.url,
    token,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const isJson = /^application\/json/.test(response.headers.get('content-type') ?? '');
      const text = isJson ? response.clone().text() : undefined;
      text?.catch(() => undefined);
      answers.push({ status: response.status, headers: response.headers, text });
      return response;
    },
  });
  return {
    archives: client.archives,
    last: () => {
      const answer = answers.at(-1);
      if (!answer) throw new Error('no answer yet');
      return answer;
    },
  };
}

let sdk: ReturnType<typeof observed>;
let smallSdk: ReturnType<typeof observed>;
let mediumSdk: ReturnType<typeof observed>;

/** The JSON body of the last answer (its content type must say JSON). */
async function lastJson(client: ReturnType<typeof observed>): Promise<Json> {
  const answer = client.last();
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse((await answer.text)!) as Json;
}

/** The HangarError a call must fail with, with the HTTP status and the JSON body it came from. */
async function refusal(client: ReturnType<typeof observed>, promise: Promise<unknown>, status: number): Promise<{ error: HangarError; body: Json }> {
  const failure = await sdkFailure(promise);
  expect(failure.status).toBe(status);
  expect(client.last().status).toBe(status);
  const body = await lastJson(client);
  // The SDK's error is the answer's: its first error's code and message, every error kept.
  expect(failure.errors).toEqual(body.errors);
  expect(failure.code).toBe(body.errors![0]!.extensions.code);
  expect(failure.message).toBe(body.errors![0]!.message);
  return { error: failure, body };
}

/**
 * A bare request to the REST endpoints, only for what the SDK never sends: no token at all, or a body with a
 * content type other than application/x-tar.
 */
async function rawApi(target: TestHangar, path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const token = init.token === undefined ? target.token : init.token;
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${target.url}/api/v1${path}`, { ...init, headers });
}

async function json(response: Response): Promise<Json> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as Json;
}

/**
 * `docker image ls -a --no-trunc -q`, sorted: what a refused call must leave unchanged. (The engine's own order is
 * not stable between two calls: images created in the same second come in any order.)
 */
async function imageList(engine: EngineName): Promise<string[]> {
  return (await sandbox.docker(engine, ['image', 'ls', '-a', '--no-trunc', '-q'])).stdout.split('\n').filter(Boolean).sort();
}

async function inspect<T>(engine: EngineName, ref: string, format = '{{json .}}'): Promise<T> {
  return JSON.parse((await sandbox.docker(engine, ['image', 'inspect', '--format', format, ref])).stdout) as T;
}

async function imageId(engine: EngineName, ref: string): Promise<string> {
  return (await sandbox.docker(engine, ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
}

interface ManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

/**
 * File list and manifest of a `docker save` tar, read with the tar CLI. The manifest's entries are sorted by config:
 * docker writes them in map order, which differs from one save to the next.
 */
async function tarContents(file: string): Promise<{ files: string[]; manifest: ManifestEntry[] }> {
  const files = (await run('tar', ['-tf', file])).stdout.split('\n').filter(Boolean).sort();
  const manifest = JSON.parse((await run('tar', ['-xOf', file, 'manifest.json'])).stdout) as ManifestEntry[];
  return { files, manifest: manifest.sort((a, b) => a.Config.localeCompare(b.Config)) };
}

/** A chunked request body from a file, so the server sees no Content-Length. */
function streamedFile(file: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(file, { highWaterMark: 64 * 1024 })) as ReadableStream<Uint8Array>;
}

/** A request body from a file with its length announced (Content-Length), read from disk as it is sent. */
async function announcedFile(file: string): Promise<Blob> {
  return openAsBlob(file);
}

/** A chunked request body from a file, one 64 KiB chunk every `gapMs`, read from disk as it is sent. */
function throttledFile(file: string, gapMs: number): ReadableStream<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      handle ??= await open(file);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, null);
      if (bytesRead === 0) {
        await handle.close();
        return controller.close();
      }
      controller.enqueue(buffer.subarray(0, bytesRead));
    },
    async cancel() {
      await handle?.close();
    },
  });
}

/** A minimal root filesystem (static busybox, as the sandbox seeds it) as a tar. */
async function buildRootfs(dir: string): Promise<string> {
  const busybox = (await run('sh', ['-c', 'command -v busybox'])).stdout.trim();
  const root = join(dir, 'rootfs');
  for (const sub of ['bin', 'srv', 'tmp', 'data']) mkdirSync(join(root, sub), { recursive: true });
  copyFileSync(busybox, join(root, 'bin/busybox'));
  for (const applet of ['sh', 'cat', 'ls', 'echo']) symlinkSync('busybox', join(root, 'bin', applet));
  writeFileSync(join(root, 'srv/hello.txt'), 'hello from an imported rootfs\n');
  const tar = join(dir, 'rootfs.tar');
  await run('tar', ['--numeric-owner', '-C', root, '-cf', tar, '.']);
  return tar;
}

beforeAll(async () => {
  work = mkdtempSync(join(info.dir, 'archives-'));
  hangar = await startTestHangar(info, { hosts: ENGINES.map((name) => sandboxHost(info, name)), archives: { stallTimeoutMs: 60_000 }, egress: LOOPBACK_EGRESS });
  small = await startTestHangar(info, { hosts: ENGINES.map((name) => sandboxHost(info, name)), archives: { maxUploadBytes: 4096 } });
  medium = await startTestHangar(info, { hosts: ENGINES.map((name) => sandboxHost(info, name)), archives: { maxUploadBytes: 1024 * 1024 } });
  [sdk, smallSdk, mediumSdk] = [observed(hangar), observed(small), observed(medium)];
  redis = new Redis(info.redisUrl);
  for (const { seed, ref } of EXPORTED) await sandbox.docker('alpha', ['tag', seed, ref]);
  rootfsTar = await buildRootfs(work);
});

afterAll(async () => {
  await hangar?.stop();
  await small?.stop();
  await medium?.stop();
  await redis?.quit();
  const refs = [...EXPORTED.map((e) => e.ref), IMPORTED_REF, URL_REF];
  for (const engine of ENGINES) {
    for (const ref of refs) await sandbox.docker(engine, ['image', 'rm', ref]).catch(() => undefined);
  }
});

describe('export: GET /api/v1/hosts/:host/images/export', () => {
  it('streams the archive of two images, the same one docker save makes', async () => {
    const archive = await sdk.archives.exportImages({ host: 'alpha', refs: EXPORTED.map((e) => e.ref) });
    calls.push({ action: 'exportImages', host: 'alpha', outcome: 'ok' });
    const answer = sdk.last();
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/x-tar');
    expect(answer.headers.get('content-disposition')).toBe('attachment; filename="archives-test-app-1.0_archives-test-multi-a.tar"');
    expect(answer.headers.get('content-length')).toBeNull(); // streamed, not buffered
    exportedTar = join(work, 'hangar-export.tar');
    await pipeline(Readable.fromWeb(archive as NodeReadableStream<Uint8Array>), createWriteStream(exportedTar));

    const saved = join(work, 'docker-save.tar');
    await sandbox.docker('alpha', ['save', '-o', saved, ...EXPORTED.map((e) => e.ref)]);
    const [ours, theirs] = await Promise.all([tarContents(exportedTar), tarContents(saved)]);
    expect(ours.files).toEqual(theirs.files);
    expect(ours.manifest).toEqual(theirs.manifest);
    expect(ours.manifest.flatMap((m) => m.RepoTags ?? []).sort()).toEqual(EXPORTED.map((e) => e.ref).sort());
    expect(statSync(exportedTar).size).toBe(statSync(saved).size);
  });

  it('a missing image is a 404 and an invalid or absent ref a 400, as JSON, before any byte of an archive', async () => {
    const missing = await refusal(sdk, sdk.archives.exportImages({ host: 'alpha', refs: [EXPORTED[0]!.ref, 'archives-test/nope:1'] }), 404);
    expect(missing.body).toEqual({ errors: [{ message: 'no such image on alpha: archives-test/nope:1', extensions: { code: 'NOT_FOUND', host: 'alpha' } }] });
    expect(missing.error).toMatchObject({ code: 'NOT_FOUND', host: 'alpha' });
    const invalid = await refusal(sdk, sdk.archives.exportImages({ host: 'alpha', refs: ['Not/Valid'] }), 400);
    expect(invalid.body.errors![0]!.extensions.code).toBe('BAD_REQUEST');
    const none = await refusal(sdk, sdk.archives.exportImages({ host: 'alpha', refs: [] }), 400);
    expect(none.body.errors![0]!.message).toMatch(/^ref: at least one image reference is required/);
    calls.push(...(['alpha', 'alpha', 'alpha'] as const).map((host) => ({ action: 'exportImages', host, outcome: 'failed' as const })));
  });
});

describe('load: POST /api/v1/hosts/:host/images/load', () => {
  it('loads the exported archive into gamma (TLS): the same image IDs as on alpha', async () => {
    const result = await sdk.archives.loadImages({ host: 'gamma', archive: streamedFile(exportedTar) });
    calls.push({ action: 'loadImages', host: 'gamma', outcome: 'ok' });
    expect(sdk.last().status).toBe(200);
    expect(await lastJson(sdk)).toEqual(result);
    const alphaIds = Object.fromEntries(await Promise.all(EXPORTED.map(async (e) => [e.ref, await imageId('alpha', e.ref)] as const)));
    expect([...result.loaded].sort((a, b) => (a.ref ?? '').localeCompare(b.ref ?? ''))).toEqual(EXPORTED.map((e) => ({ ref: e.ref, imageId: alphaIds[e.ref] })));
    for (const { ref } of EXPORTED) expect(await imageId('gamma', ref)).toBe(alphaIds[ref]);
  });

  it('an archive saved by image ID (no tags) loads as that ID', async () => {
    const id = await imageId('alpha', info.seed.sharedLayerRefs[1]);
    // Straight from one engine to the other: the export stream is the load's body, never held in memory.
    const exported = await sdk.archives.exportImages({ host: 'alpha', refs: [id.slice(7, 19)] });
    calls.push({ action: 'exportImages', host: 'alpha', outcome: 'ok' });
    expect(sdk.last().status).toBe(200);
    expect(sdk.last().headers.get('content-type')).toBe('application/x-tar');
    const result = await sdk.archives.loadImages({ host: 'beta', archive: exported });
    calls.push({ action: 'loadImages', host: 'beta', outcome: 'ok' });
    expect(result).toEqual({ loaded: [{ imageId: id }] });
    expect(await lastJson(sdk)).toEqual({ loaded: [{ imageId: id }] });
    expect(await imageId('beta', id)).toBe(id);
    await sandbox.docker('beta', ['image', 'rm', id]);
  });

  it('a truncated archive is a 400 with the engine’s message, and changes nothing', async () => {
    // Through the SDK: it sends whatever file it is given, and a cut-short download is such a file.
    const truncated = join(work, 'truncated.tar');
    writeFileSync(truncated, readFileSync(exportedTar).subarray(0, Math.floor(statSync(exportedTar).size / 2)));
    const before = await imageList('beta');
    const { body, error } = await refusal(sdk, sdk.archives.loadImages({ host: 'beta', archive: await announcedFile(truncated) }), 400);
    calls.push({ action: 'loadImages', host: 'beta', outcome: 'failed' });
    expect(body.errors![0]!.extensions.code).toBe('BAD_REQUEST');
    expect(body.errors![0]!.message).toMatch(/^image load: invalid archive: .*unexpected EOF/);
    expect(error.code).toBe('BAD_REQUEST');
    expect(await imageList('beta')).toEqual(before);
  });

  it('a body that is not a tar is refused before it reaches the engine, and changes nothing', async () => {
    const before = await imageList('gamma');
    const expected = { errors: [{ message: 'body is not a tar archive', extensions: { code: 'BAD_REQUEST', host: 'gamma' } }] };
    // JSON text sent as text/plain: the SDK always says application/x-tar, so this one goes by bare fetch.
    const text = await rawApi(hangar, '/hosts/gamma/images/load', { method: 'POST', body: JSON.stringify({ hello: 'world' }).repeat(100) });
    calls.push({ action: 'loadImages', host: 'gamma', outcome: 'failed' });
    expect(text.status).toBe(400);
    expect(await json(text)).toEqual(expected);
    // Bytes of a tar from the wrong offset, as the SDK sends any bytes it is given.
    const { body } = await refusal(sdk, sdk.archives.loadImages({ host: 'gamma', archive: readFileSync(rootfsTar).subarray(100, 5000) }), 400);
    calls.push({ action: 'loadImages', host: 'gamma', outcome: 'failed' });
    expect(body).toEqual(expected);
    expect(await imageList('gamma')).toEqual(before);
  });

  it('over archives.maxUploadBytes: 413 with a clear message, whether the length is announced or not, and nothing changed', async () => {
    const before = await imageList('beta');
    const announced = await refusal(smallSdk, smallSdk.archives.loadImages({ host: 'beta', archive: await announcedFile(exportedTar) }), 413);
    const streamed = await refusal(smallSdk, smallSdk.archives.loadImages({ host: 'beta', archive: streamedFile(exportedTar) }), 413);
    calls.push({ action: 'loadImages', host: 'beta', outcome: 'failed' }, { action: 'loadImages', host: 'beta', outcome: 'failed' });
    for (const { body, error } of [announced, streamed]) {
      expect(body).toEqual({
        errors: [{ message: 'the archive is larger than the limit of 4096 bytes (archives.maxUploadBytes)', extensions: { code: 'PAYLOAD_TOO_LARGE', host: 'beta' } }],
      });
      expect(error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413, host: 'beta' });
    }
    expect(await imageList('beta')).toEqual(before);
  });

  it('over the limit mid-upload: 413, the engine request is cut, the engine loads nothing and keeps no temporary files', async () => {
    expect(statSync(exportedTar).size).toBeGreaterThan(1024 * 1024);
    const engineTmp = join(info.engines.beta.dataRoot, 'tmp');
    const leftovers = () => readdirSync(engineTmp).filter((name) => name.startsWith('docker-import-'));
    const before = await imageList('beta');
    // 64 KiB every 20 ms: the engine is well into reading the upload when the limit is reached. Its temporary
    // directory shows it was (docker 20.10 unpacks a load there first).
    const seen = new Set<string>();
    const poll = setInterval(() => leftovers().forEach((name) => seen.add(name)), 5);
    const { body, error } = await refusal(mediumSdk, mediumSdk.archives.loadImages({ host: 'beta', archive: throttledFile(exportedTar, 20) }), 413).finally(() => clearInterval(poll));
    calls.push({ action: 'loadImages', host: 'beta', outcome: 'failed' });
    expect(seen.size).toBeGreaterThan(0);
    expect(body.errors![0]!.message).toBe('the archive is larger than the limit of 1048576 bytes (archives.maxUploadBytes)');
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await imageList('beta')).toEqual(before);
    await waitFor('beta to drop the cut upload', () => leftovers().length === 0, { timeoutMs: 10_000 });
  });
});

describe('import: POST /api/v1/hosts/:host/images/import', () => {
  const changes = [
    'CMD ["cat", "/srv/hello.txt"]',
    'ENV GREETING="hello world" MODE=test',
    'LABEL org.hangar.test=archives team=infra',
    'WORKDIR /srv',
    'EXPOSE 8080 53/udp',
    'USER 65534',
    'VOLUME /data',
    'ONBUILD RUN echo built from the import',
  ];

  it('imports an uploaded rootfs with repo, tag, message and changes: docker image inspect shows each', async () => {
    const result = await sdk.archives.importImage({
      host: 'beta',
      source: streamedFile(rootfsTar),
      repo: 'archives-test/rootfs',
      tag: 'v1',
      message: 'imported through hangar',
      changes,
    });
    calls.push({ action: 'importImage', host: 'beta', outcome: 'ok' });
    expect(sdk.last().status).toBe(200);
    expect(await lastJson(sdk)).toEqual(result);
    expect(result.ref).toBe(IMPORTED_REF);
    expect(result.imageId).toBe(await imageId('beta', IMPORTED_REF));

    const image = await inspect<{ RepoTags: string[]; Comment: string; Config: Record<string, unknown> }>('beta', IMPORTED_REF);
    expect(image.RepoTags).toEqual([IMPORTED_REF]);
    expect(image.Comment).toBe('imported through hangar');
    expect(image.Config).toMatchObject({
      Cmd: ['cat', '/srv/hello.txt'],
      Env: ['GREETING=hello world', 'MODE=test'],
      Labels: { 'org.hangar.test': 'archives', team: 'infra' },
      WorkingDir: '/srv',
      ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
      User: '65534',
      Volumes: { '/data': {} },
      OnBuild: ['RUN echo built from the import'],
    });
    // The rootfs is the one uploaded: a container of it prints the file it holds.
    const { stdout } = await sandbox.docker('beta', ['run', '--rm', '--network', 'none', IMPORTED_REF]);
    expect(stdout).toBe('hello from an imported rootfs\n');
  });

  it('a bad change is a 400 naming it, and no image is created', async () => {
    const before = await imageList('beta');
    const { body, error } = await refusal(
      sdk,
      sdk.archives.importImage({ host: 'beta', source: await announcedFile(rootfsTar), repo: 'archives-test/bad', changes: ['RUN rm -rf /', 'EXPOSE 80/foo'] }),
      400,
    );
    calls.push({ action: 'importImage', host: 'beta', outcome: 'failed' });
    expect(body.errors![0]).toEqual({
      message:
        'invalid change: change 1 ("RUN rm -rf /"): RUN is not allowed; docker import accepts CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR; ' +
        'change 2 ("EXPOSE 80/foo"): EXPOSE: protocol "foo" in "80/foo" is not tcp, udp or sctp',
      extensions: { code: 'BAD_REQUEST' },
    });
    expect(error.code).toBe('BAD_REQUEST');
    expect(await imageList('beta')).toEqual(before);
  });

  it('imports by URL: the engine downloads the rootfs (credentials in the URL never show)', async () => {
    const served: string[] = [];
    const server: Server = createServer((req, res) => {
      served.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      if (req.url !== '/rootfs.tar') return void res.writeHead(404).end('not here');
      res.writeHead(200, { 'content-type': 'application/x-tar', 'content-length': statSync(rootfsTar).size });
      createReadStream(rootfsTar).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const url = `http://fetcher:url-s3cret@127.0.0.1:${port}/rootfs.tar`;
      const result = await sdk.archives.importImage({ host: 'alpha', source: { url }, repo: 'archives-test/from-url', tag: 'v1', changes: ['CMD ["sh"]'] });
      calls.push({ action: 'importImage', host: 'alpha', outcome: 'ok' });
      expect(sdk.last().status).toBe(200);
      expect(await lastJson(sdk)).toEqual(result);
      expect(result).toEqual({ imageId: await imageId('alpha', URL_REF), ref: URL_REF });
      expect(served).toEqual([`GET /rootfs.tar Basic ${Buffer.from('fetcher:url-s3cret').toString('base64')}`]);
      expect(await inspect<string[]>('alpha', URL_REF, '{{json .Config.Cmd}}')).toEqual(['sh']);

      const missing = await refusal(sdk, sdk.archives.importImage({ host: 'alpha', source: { url: `http://fetcher:url-s3cret@127.0.0.1:${port}/missing.tar` }, repo: 'archives-test/from-url' }), 400);
      calls.push({ action: 'importImage', host: 'alpha', outcome: 'failed' });
      expect(missing.body.errors![0]!.message).toBe(`alpha could not download http://127.0.0.1:${port}/missing.tar: the server answered 404 Not Found`);
      expect(missing.error.message).not.toContain('url-s3cret');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('hosts, tokens and the audit trail', () => {
  it('an unknown host is a 404; no token or a wrong one a 401', async () => {
    const unknown = await refusal(sdk, sdk.archives.exportImages({ host: 'nowhere', refs: ['a'] }), 404);
    calls.push({ action: 'exportImages', host: 'nowhere', outcome: 'failed' });
    expect(unknown.body).toEqual({ errors: [{ message: 'no host named "nowhere"; known hosts: alpha, beta, gamma', extensions: { code: 'HOST_NOT_FOUND' } }] });
    const unknownLoad = await refusal(sdk, sdk.archives.loadImages({ host: 'nowhere', archive: await announcedFile(rootfsTar) }), 404);
    calls.push({ action: 'loadImages', host: 'nowhere', outcome: 'failed' });
    expect(unknownLoad.error.code).toBe('HOST_NOT_FOUND');

    // A wrong token, through the SDK.
    const wrong = observed(hangar, 'hgr_wrong');
    for (const call of [
      () => wrong.archives.exportImages({ host: 'alpha', refs: ['a'] }),
      () => wrong.archives.loadImages({ host: 'alpha', archive: new TextEncoder().encode('x') }),
      () => wrong.archives.importImage({ host: 'alpha', source: { url: 'http://x/y' } }),
    ]) {
      const { body, error } = await refusal(wrong, call(), 401);
      expect(body.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
      expect(error.code).toBe('UNAUTHENTICATED');
    }
    // No token at all: the SDK cannot be made without one, so these go by bare fetch.
    for (const [method, path] of [['GET', '/hosts/alpha/images/export?ref=a'], ['POST', '/hosts/alpha/images/load'], ['POST', '/hosts/alpha/images/import?url=http://x/y']] as const) {
      const response = await rawApi(hangar, path, { method, token: null, ...(method === 'POST' ? { body: 'x' } : {}) });
      expect(response.status).toBe(401);
      expect((await json(response)).errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('has an entry for each call: who, what, which host, the outcome; and never a secret', async () => {
    const tokenIds = [hangar.token, small.token, medium.token].map((token) => createHash('sha256').update(token).digest('hex').slice(0, 12));
    // The trail as the API shows it (auditLog, through the SDK; `target` is JSON text there) ...
    const { auditLog } = await hangar.sdk.auditLog({ first: 500 });
    const ours = auditLog.nodes
      .filter((entry) => tokenIds.includes(entry.actor.tokenId) && ['exportImages', 'loadImages', 'importImage'].includes(entry.action))
      .map((entry) => ({ ...entry, target: JSON.parse(entry.target) as Record<string, unknown> }));
    // ... is the trail Redis holds.
    const stored = (await new AuditLog(redis).read({ first: 500 })).entries.filter((entry: AuditEntry) => ours.some((e) => e.id === entry.id));
    expect(stored.map((entry) => ({ id: entry.id, action: entry.action, hosts: entry.hosts, outcome: entry.outcome, target: entry.target, detail: entry.detail ?? null }))).toEqual(
      ours.map(({ id, action, hosts, outcome, target, detail }) => ({ id, action, hosts, outcome, target, detail })),
    );

    const summary = (list: { action: string; host: string; outcome: string }[]) => list.map((c) => `${c.action} ${c.host} ${c.outcome}`).sort();
    expect(summary(ours.map((e) => ({ action: e.action, host: e.hosts[0]!, outcome: e.outcome })))).toEqual(summary(calls));
    for (const entry of ours) {
      expect(entry.actor).toEqual({ name: 'admin (HANGAR_ADMIN_TOKEN)', role: 'admin', tokenId: expect.stringMatching(/^[0-9a-f]{12}$/) });
      expect(entry.hosts).toHaveLength(1);
      expect(typeof entry.detail).toBe('string');
    }
    const exported = ours.find((e) => e.action === 'exportImages' && e.outcome === 'ok' && (e.target.refs as string[]).length === 2)!;
    expect(exported.target).toEqual({ refs: EXPORTED.map((e) => e.ref) });
    expect(exported.detail).toMatch(/^\d+ bytes, \d+ tar entries in [\d.]+ s$/);
    const imported = ours.find((e) => e.action === 'importImage' && e.outcome === 'ok' && e.target.source === 'upload')!;
    expect(imported.target).toMatchObject({ repo: 'archives-test/rootfs', tag: 'v1', message: 'imported through hangar' });
    const byUrl = ours.find((e) => e.action === 'importImage' && e.outcome === 'ok' && e.target.source === 'url')!;
    expect(byUrl.target.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rootfs\.tar$/);
    const notTar = ours.find((e) => e.action === 'loadImages' && e.detail?.includes('body is not a tar archive'));
    expect(notTar?.detail).toMatch(/\(no "ustar" magic at offset 257\)/);
    // The length was announced for one refused upload and not for the other (see the maxUploadBytes test).
    const refusedLengths = ours.filter((e) => e.action === 'loadImages' && e.detail?.includes('4096 bytes')).map((e) => e.target.contentLength);
    expect(refusedLengths.sort()).toEqual([statSync(exportedTar).size, null].sort());

    for (const text of [JSON.stringify(ours), JSON.stringify(stored)]) {
      for (const secret of [info.registry.password, hangar.token, small.token, medium.token, 'url-s3cret', 'fetcher:']) expect(text).not.toContain(secret);
    }
  });
});
