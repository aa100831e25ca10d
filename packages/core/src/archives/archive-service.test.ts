import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HangarError } from '../errors/hangar-error.js';
import { exportImages, importImage, loadImages } from './archive-service.js';
import { drain, sleep, startFakeEngine, type FakeEngine } from './fake-engine.js';
import { chunks, tarOf } from './tar-test-helpers.js';
import { NotATarError, UploadTooLargeError } from './upload-gate.js';
import { compileEgressPolicy } from '../egress/policy.js';

/** The tests' fake file servers are on loopback: allowed here as an operator would allow an internal server. */
const LOOPBACK = compileEgressPolicy({ allow: ['127.0.0.1'] });

const ID_A = `sha256:${'a'.repeat(64)}`;
const ID_B = `sha256:${'b'.repeat(64)}`;
const TAR = tarOf({ 'manifest.json': '[]', 'a/layer.tar': Buffer.alloc(20_000, 3) });

let engine: FakeEngine;
beforeEach(async () => {
  engine = await startFakeEngine();
  engine.route('GET', /^\/images\/(app:1|base:1|sha256:a+)\/json$/, (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Id: ID_A })));
});
afterEach(async () => {
  await engine.close();
});

async function collect(stream: Readable): Promise<{ data: Buffer; error?: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const chunk of stream) parts.push(chunk as Buffer);
    return { data: Buffer.concat(parts) };
  } catch (error) {
    return { data: Buffer.concat(parts), error };
  }
}

async function rejection(promise: Promise<unknown>): Promise<HangarError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HangarError);
    return error as HangarError;
  }
  throw new Error('expected a rejection');
}

/** Writes `parts` with a pause between them, then ends (or, with `end: false`, goes quiet). */
function slowSource(parts: Buffer[], { gapMs = 0, end = true }: { gapMs?: number; end?: boolean } = {}): PassThrough {
  const source = new PassThrough();
  void (async () => {
    for (const part of parts) {
      if (source.destroyed) return;
      source.write(part);
      if (gapMs) await sleep(gapMs);
    }
    if (end) source.end();
  })();
  return source;
}

describe('exportImages', () => {
  it('streams the engine’s tar unchanged, asking for every name at once', async () => {
    engine.route('GET', '/images/get', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-tar' });
      for (const part of chunks(TAR, 1000)) res.write(part);
      res.end();
    });
    const stream = await exportImages(engine.client(), ['app:1', 'base:1'], { stallTimeoutMs: 2000 });
    const { data, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(data.equals(TAR)).toBe(true);
    expect(stream.bytes).toBe(TAR.length);
    const get = engine.calls().find((r) => r.path === '/images/get')!;
    expect(get.query.getAll('names')).toEqual(['app:1', 'base:1']);
  });

  it('a missing image is NOT_FOUND before the archive is asked for; a bad reference BAD_REQUEST before any call', async () => {
    const missing = await rejection(exportImages(engine.client(), ['app:1', 'nope:1', 'gone:2'], { stallTimeoutMs: 2000 }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toBe('no such image on fake: nope:1, gone:2');
    expect(engine.calls().some((r) => r.path === '/images/get')).toBe(false);

    const before = engine.requests.length;
    expect((await rejection(exportImages(engine.client(), ['Bad Ref'], { stallTimeoutMs: 2000 }))).code).toBe('BAD_REQUEST');
    expect((await rejection(exportImages(engine.client(), [], { stallTimeoutMs: 2000 }))).message).toMatch(/at least one/);
    expect(engine.requests.length).toBe(before);
  });

  it('a bare repository name exists when any tag of it does (docker save saves them all)', async () => {
    engine.route('GET', '/images/json', (req, res) => {
      const filters = new URL(req.url!, 'http://x').searchParams.get('filters');
      res.writeHead(200, { 'content-type': 'application/json' }).end(filters?.includes('"multi"') ? JSON.stringify([{ Id: ID_B }]) : '[]');
    });
    engine.route('GET', '/images/get', (_req, res) => void res.writeHead(200).end(TAR));
    expect((await collect(await exportImages(engine.client(), ['multi'], { stallTimeoutMs: 2000 }))).data.length).toBe(TAR.length);
    expect((await rejection(exportImages(engine.client(), ['other'], { stallTimeoutMs: 2000 }))).code).toBe('NOT_FOUND');
  });

  it('fails (never ends) when the engine writes an error after the first bytes, as docker 20.10 does', async () => {
    engine.route('GET', '/images/get', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-tar' });
      res.write(TAR.subarray(0, 512 + 1024 + 4000)); // inside layer.tar's data, where a failed copy stops
      res.end('{"errorDetail":{"message":"open /var/lib/docker/image/overlay2/layerdb/x: no such file or directory"},"error":"..."}\r\n');
    });
    const { data, error } = await collect(await exportImages(engine.client(), ['app:1'], { stallTimeoutMs: 2000 }));
    expect((error as HangarError).code).toBe('ENGINE_ERROR');
    expect((error as HangarError).message).toBe('image export failed on fake mid-stream: open /var/lib/docker/image/overlay2/layerdb/x: no such file or directory');
    expect(data.length).toBeLessThan(TAR.length);
  });

  it('a cut connection is an error too, not an end', async () => {
    engine.route('GET', '/images/get', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-tar' });
      res.write(TAR.subarray(0, 3000), () => res.destroy());
    });
    const { error } = await collect(await exportImages(engine.client(), ['app:1'], { stallTimeoutMs: 2000 }));
    expect((error as HangarError).code).toBe('HOST_UNREACHABLE');
  });

  it('a stream that stops moving fails with HOST_TIMEOUT after stallTimeoutMs and closes the engine connection', async () => {
    engine.route('GET', '/images/get', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-tar' });
      res.write(TAR.subarray(0, 2048)); // ...and nothing more
    });
    const started = Date.now();
    const { error } = await collect(await exportImages(engine.client(), ['app:1'], { stallTimeoutMs: 300 }));
    expect((error as HangarError).code).toBe('HOST_TIMEOUT');
    expect((error as HangarError).message).toMatch(/^image export on fake stalled: no data moved for 0\.3 s \(archives\.stallTimeoutMs = 300\)$/);
    expect(Date.now() - started).toBeLessThan(2000);
    const get = engine.calls().find((r) => r.path === '/images/get')!;
    await get.done;
    expect(get.aborted).toBe(true);
  });

  it('a slow but living stream is never cut, however long it takes in total', async () => {
    engine.route('GET', '/images/get', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-tar' });
      for (const part of chunks(TAR, 1024)) {
        res.write(part);
        await sleep(60);
      }
      res.end();
    });
    const started = Date.now();
    // Gaps of 60 ms against a 750 ms stall bound: wide enough that a loaded machine never mistakes it for a stall.
    const { data, error } = await collect(await exportImages(engine.client(), ['app:1'], { stallTimeoutMs: 750 }));
    expect(error).toBeUndefined();
    expect(data.equals(TAR)).toBe(true);
    expect(Date.now() - started).toBeGreaterThan(750); // longer in total than the stall bound
  });

  it('an engine that prepares the archive for longer than stallTimeoutMs before its first byte is waited for while it answers pings', async () => {
    engine.route('GET', '/images/get', async (_req, res) => {
      await sleep(900);
      res.writeHead(200, { 'content-type': 'application/x-tar' }).end(TAR);
    });
    const { data, error } = await collect(await exportImages(engine.client(), ['app:1'], { stallTimeoutMs: 200 }));
    expect(error).toBeUndefined();
    expect(data.length).toBe(TAR.length);
    expect(engine.requests.filter((r) => r.path === '/_ping').length).toBeGreaterThanOrEqual(2);
  });

  it('...but not when the engine stops answering', async () => {
    engine.route('GET', '/images/get', () => undefined); // never answers
    engine.route('GET', '/_ping', () => undefined); // neither does ping
    const error = await rejection(exportImages(engine.client(), ['app:1'], { stallTimeoutMs: 200 }));
    expect(error.code).toBe('HOST_TIMEOUT');
    expect(error.message).toMatch(/stalled: no data moved for .* and the engine no longer answers/);
  });

  it('a consumer that goes away closes the engine connection', async () => {
    engine.route('GET', '/images/get', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-tar' });
      for (let i = 0; i < 1000 && !res.destroyed; i++) {
        res.write(Buffer.alloc(64 * 1024));
        await sleep(5);
      }
      res.end();
    });
    const stream = await exportImages(engine.client(), ['app:1'], { stallTimeoutMs: 2000 });
    stream.once('data', () => stream.destroy());
    const get = engine.calls().find((r) => r.path === '/images/get')!;
    await get.done;
    expect(get.aborted).toBe(true);
  });

  it('the caller’s signal cancels', async () => {
    engine.route('GET', '/images/get', () => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect((await rejection(exportImages(engine.client(), ['app:1'], { stallTimeoutMs: 5000, signal: controller.signal }))).code).toBe('ABORTED');
  });
});

describe('loadImages', () => {
  const loadAnswer = (lines: string[], chunkSize = 7) => async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, record: import('./fake-engine.js').FakeRequest) => {
    await drain(req, record);
    res.writeHead(200, { 'content-type': 'application/json' });
    for (const part of chunks(Buffer.from(lines.map((l) => `${l}\r\n`).join('')), chunkSize)) res.write(part);
    res.end();
  };

  it('streams the tar to the engine and reads what it loaded, line by line, with the IDs', async () => {
    engine.route('POST', '/images/load', loadAnswer(['{"stream":"Loaded image: app:1\\n"}', 'garbage line', `{"stream":"Loaded image ID: ${ID_B}\\n"}`]));
    const result = await loadImages(engine.client(), slowSource(chunks(TAR, 3000)), { stallTimeoutMs: 2000 });
    expect(result).toEqual({ loaded: [{ ref: 'app:1', imageId: ID_A }, { imageId: ID_B }], bytes: TAR.length });
    const load = engine.calls().find((r) => r.path === '/images/load')!;
    expect(load.bodyBytes).toBe(TAR.length);
    expect(load.query.get('quiet')).toBe('1');
  });

  it('a body that is not a tar is refused before the engine is contacted', async () => {
    for (const body of ['{"not":"a tar"}'.padEnd(2000), 'short', '']) {
      const error = await rejection(loadImages(engine.client(), Readable.from([Buffer.from(body)]), { stallTimeoutMs: 2000 }));
      expect(error).toBeInstanceOf(NotATarError);
      expect(error.message).toBe('body is not a tar archive');
    }
    expect(engine.requests).toEqual([]);
  });

  it('an error anywhere in the 200 stream fails the load, with the engine message; BAD_REQUEST when the archive is at fault', async () => {
    engine.route('POST', '/images/load', loadAnswer(['{"stream":"Loaded image: app:1\\n"}', '{"errorDetail":{"message":"Error processing tar file(exit status 1): unexpected EOF"},"error":"x"}']));
    const error = await rejection(loadImages(engine.client(), Readable.from([TAR]), { stallTimeoutMs: 2000 }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('image load: invalid archive: Error processing tar file(exit status 1): unexpected EOF (after loading app:1)');

    engine.route('POST', '/images/load', loadAnswer(['{"errorDetail":{"message":"write /var/lib/docker/tmp/x: no space left on device"}}']));
    const other = await rejection(loadImages(engine.client(), Readable.from([TAR]), { stallTimeoutMs: 2000 }));
    expect(other.code).toBe('ENGINE_ERROR');
    expect(other.message).toBe('image load failed on fake: write /var/lib/docker/tmp/x: no space left on device');
  });

  it('over maxBytes: UploadTooLargeError, and the engine request is cut before its end', async () => {
    engine.route('POST', '/images/load', loadAnswer([]));
    const big = Buffer.concat([TAR, Buffer.alloc(200_000)]);
    const error = await rejection(loadImages(engine.client(), slowSource(chunks(big, 16_384), { gapMs: 20 }), { stallTimeoutMs: 2000, maxBytes: 50_000 }));
    expect(error).toBeInstanceOf(UploadTooLargeError);
    expect(error.message).toBe('the archive is larger than the limit of 50000 bytes (archives.maxUploadBytes)');
    const load = engine.calls().find((r) => r.path === '/images/load')!;
    await load.done;
    expect(load.aborted).toBe(true);
    expect(load.bodyBytes).toBeLessThanOrEqual(50_000);

    // All at once: the limit may trip before the engine request even starts.
    const early = await rejection(loadImages(engine.client(), Readable.from([big]), { stallTimeoutMs: 2000, maxBytes: 50_000 }));
    expect(early).toBeInstanceOf(UploadTooLargeError);
  });

  it('an upload that stops moving fails with HOST_TIMEOUT and cuts the engine request', async () => {
    engine.route('POST', '/images/load', loadAnswer([]));
    const error = await rejection(loadImages(engine.client(), slowSource([TAR.subarray(0, 4096)], { end: false }), { stallTimeoutMs: 300 }));
    expect(error.code).toBe('HOST_TIMEOUT');
    expect(error.message).toMatch(/^image load on fake stalled/);
    const load = engine.calls().find((r) => r.path === '/images/load')!;
    await load.done;
    expect(load.aborted).toBe(true);
  });

  it('a source that stalls before its first block fails too (nothing reached the engine)', async () => {
    const error = await rejection(loadImages(engine.client(), slowSource([TAR.subarray(0, 100)], { end: false }), { stallTimeoutMs: 200 }));
    expect(error.code).toBe('HOST_TIMEOUT');
    expect(engine.requests).toEqual([]);
  });

  it('a quiet engine registering layers after the upload is waited for while it answers pings', async () => {
    engine.route('POST', '/images/load', async (req, res, record) => {
      await drain(req, record);
      await sleep(1600);
      res.writeHead(200).end('{"stream":"Loaded image: app:1\\n"}\r\n');
    });
    const result = await loadImages(engine.client(), Readable.from([TAR]), { stallTimeoutMs: 400 });
    expect(result.loaded).toEqual([{ ref: 'app:1', imageId: ID_A }]);
  });
});

describe('importImage', () => {
  const importAnswer = async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, record: import('./fake-engine.js').FakeRequest) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"status":"Importing","progressDetail":{"current":1024},"progress":"1kB"}\r\n');
    if (record.query.get('fromSrc') === '-') await drain(req, record);
    res.end(`{"status":"${ID_B}"}\r\n`);
  };

  it('uploads a rootfs with repo, tag, message and changes, and returns the new ID and ref', async () => {
    engine.route('POST', '/images/create', importAnswer);
    const result = await importImage(
      engine.client(),
      { source: Readable.from([TAR]), repo: 'team/rootfs', tag: 'v1', message: 'from a tar', changes: ['CMD ["sh"]', ' ENV A=b '] },
      { stallTimeoutMs: 2000 },
    );
    expect(result).toEqual({ imageId: ID_B, ref: 'team/rootfs:v1', bytes: TAR.length });
    const call = engine.calls().find((r) => r.path === '/images/create')!;
    expect(Object.fromEntries(['fromSrc', 'repo', 'tag', 'message'].map((k) => [k, call.query.get(k)]))).toEqual({ fromSrc: '-', repo: 'team/rootfs', tag: 'v1', message: 'from a tar' });
    expect(call.query.getAll('changes')).toEqual(['CMD ["sh"]', 'ENV A=b']);
    expect(call.bodyBytes).toBe(TAR.length);
  });

  it('checks repo, tag, changes and the URL before contacting the engine', async () => {
    const cases: [Parameters<typeof importImage>[1], RegExp][] = [
      [{ source: Readable.from([TAR]), repo: 'Team/X' }, /repo: invalid reference format "Team\/X": repository name must be lowercase/],
      [{ source: Readable.from([TAR]), repo: 'a', tag: 'bad tag' }, /tag: invalid reference format/],
      [{ source: Readable.from([TAR]), repo: 'a:1', tag: '2' }, /already has a tag/],
      [{ source: Readable.from([TAR]), tag: '2' }, /a tag needs a repo/],
      [{ source: Readable.from([TAR]), repo: `a@sha256:${'c'.repeat(64)}` }, /cannot import to a digest/],
      [{ source: Readable.from([TAR]), changes: ['RUN rm -rf /'] }, /invalid change: change 1 \("RUN rm -rf \/"\): RUN is not allowed/],
      [{ source: { url: 'ftp://example.com/x.tar' } }, /only http and https/],
      [{ source: { url: 'not a url' } }, /url: not a URL/],
    ];
    for (const [input, why] of cases) {
      const error = await rejection(importImage(engine.client(), input, { stallTimeoutMs: 2000 }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(why);
    }
    expect(engine.requests).toEqual([]);
  });

  it('imports from a URL the engine downloads; a download failure is BAD_REQUEST without the URL’s credentials', async () => {
    engine.route('POST', '/images/create', importAnswer);
    const ok = await importImage(engine.client(), { source: { url: 'http://127.0.0.1:9/rootfs.tar' }, repo: 'from/url' }, { stallTimeoutMs: 2000, egress: LOOPBACK });
    expect(ok).toEqual({ imageId: ID_B, ref: 'from/url:latest', bytes: 0 });
    expect(engine.calls().find((r) => r.path === '/images/create')!.query.get('fromSrc')).toBe('http://127.0.0.1:9/rootfs.tar');

    const url = 'http://alice:s3cret@127.0.0.1:9/rootfs.tar?token=t0ken';
    engine.route('POST', '/images/create', (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `Get "http://alice:***@127.0.0.1:9/rootfs.tar?token=t0ken": dial tcp 127.0.0.1:9: connect: connection refused` }));
    });
    const error = await rejection(importImage(engine.client(), { source: { url } }, { stallTimeoutMs: 2000, egress: LOOPBACK }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).not.toMatch(/s3cret|alice|t0ken/);
    expect(error.message).toMatch(/could not download http:\/\/127\.0\.0\.1:9\/rootfs\.tar\?token=redacted/);
  });

  it('refuses a URL the egress policy denies (the default: loopback, private, metadata) before contacting the engine', async () => {
    for (const url of ['http://127.0.0.1:9/rootfs.tar', 'http://169.254.169.254/latest/meta-data/', 'http://u:pw@[::ffff:10.0.0.1]/x', 'http://0x7f.1/x']) {
      const error = await rejection(importImage(engine.client(), { source: { url } }, { stallTimeoutMs: 2000 }));
      expect(error.code).toBe('EGRESS_DENIED');
      expect(error.message).not.toContain('pw');
    }
    const denied = await rejection(importImage(engine.client(), { source: { url: 'http://127.0.0.2:9/x' } }, { stallTimeoutMs: 2000, egress: LOOPBACK }));
    expect(denied.code).toBe('EGRESS_DENIED');
    expect(engine.requests).toEqual([]);
  });

  it('a download the file server refuses is BAD_REQUEST with its status, without its error page (docker 20.10 answers 404 itself)', async () => {
    engine.route('POST', '/images/create', (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'failed to GET http://127.0.0.1:9/x.tar with status 404 Not Found: <!DOCTYPE HTML><html>...</html>' }));
    });
    const error = await rejection(importImage(engine.client(), { source: { url: 'http://127.0.0.1:9/x.tar' } }, { stallTimeoutMs: 2000, egress: LOOPBACK }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('fake could not download http://127.0.0.1:9/x.tar: the server answered 404 Not Found');
  });

  it('an engine answer blaming the archive (HTTP 500 for small uploads, in-stream for large ones) is BAD_REQUEST', async () => {
    engine.route('POST', '/images/create', async (req, res, record) => {
      await drain(req, record);
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"Error processing tar file(exit status 1): unexpected EOF"}');
    });
    const error = await rejection(importImage(engine.client(), { source: Readable.from([TAR.subarray(0, 1000)]) }, { stallTimeoutMs: 2000 }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/unexpected EOF/);
  });

  it('an answer without an image ID is an ENGINE_ERROR', async () => {
    engine.route('POST', '/images/create', async (req, res, record) => {
      await drain(req, record);
      res.writeHead(200).end('{"status":"Importing"}\r\n');
    });
    expect((await rejection(importImage(engine.client(), { source: Readable.from([TAR]) }, { stallTimeoutMs: 2000 }))).code).toBe('ENGINE_ERROR');
  });
});
