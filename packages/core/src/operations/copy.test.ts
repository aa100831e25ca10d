import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HangarError } from '../errors/hangar-error.js';
import { parseConfig } from '../config/load-config.js';
import { HostRegistry } from '../hosts/host-registry.js';
import { drain, sleep, startFakeEngine, type FakeEngine } from '../archives/fake-engine.js';
import { tarOf } from '../archives/tar-test-helpers.js';
import { copyImage, exportName } from './copy.js';

const ID = `sha256:${'c'.repeat(64)}`;
const INSPECT = { Id: ID, RepoTags: ['app:1', 'app:2', 'mirror.example/app:stable'], RepoDigests: [], Created: '2026-01-01T00:00:00Z', Size: 1000, Config: {}, RootFS: { Type: 'layers', Layers: [] } };

describe('exportName', () => {
  const image = { id: ID, repoTags: ['app:1', 'app:latest', 'mirror.example/app:stable', 'cccccc:latest'] };
  it.each([
    ['app:1', 'app:1'],
    ['docker.io/library/app:1', 'app:1'],
    ['app', 'app:latest'],
    ['mirror.example/app:stable', 'mirror.example/app:stable'],
    [ID, ID],
    ['c'.repeat(64), ID],
    ['cccc', ID],
    ['cccccc', 'cccccc:latest'],
    [`app@sha256:${'d'.repeat(64)}`, ID],
    ['app:2', ID],
  ])('%s saves %s', (ref, expected) => {
    expect(exportName(ref, image)).toBe(expected);
  });
});

describe('copyImage', () => {
  let source: FakeEngine;
  let target: FakeEngine;
  let hosts: HostRegistry;
  beforeEach(async () => {
    source = await startFakeEngine();
    target = await startFakeEngine();
    source.route('GET', /^\/images\/[^/]+\/json$/, (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(INSPECT)));
    hosts = HostRegistry.fromConfig(
      parseConfig({ hosts: [{ name: 'src', endpoint: source.endpoint }, { name: 'dst', endpoint: target.endpoint }] }, { env: {} }),
    );
  });
  afterEach(async () => {
    await Promise.all([source.close(), target.close()]);
  });

  /** The source's save: a tar that keeps coming until the connection closes. */
  const endlessSave = () =>
    source.route('GET', '/images/get', async (_req, res, record) => {
      res.writeHead(200, { 'content-type': 'application/x-tar' });
      const tar = tarOf({ 'big.bin': Buffer.alloc(4 << 20, 1) });
      for (let offset = 0; !record.aborted && !res.destroyed; offset = (offset + 65536) % tar.length) {
        if (!res.write(tar.subarray(offset, offset + 65536))) {
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done).off('close', done);
              resolve();
            };
            res.once('drain', done).once('close', done);
          });
        }
      }
    });

  it('saves only the tag asked for', async () => {
    endlessSave();
    target.route('POST', '/images/load', async (req, res, record) => {
      await drain(req, record).catch(() => {});
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'no space left on device' }));
    });
    await expect(copyImage(hosts, { sourceHost: 'src', ref: 'app:1', targetHost: 'dst' }, { stallTimeoutMs: 5000 })).rejects.toBeInstanceOf(HangarError);
    const saves = source.calls().filter((r) => r.path === '/images/get');
    expect(saves.map((r) => r.query.getAll('names'))).toEqual([['app:1']]);
  });

  it('a target that is down costs the source no export at all', async () => {
    endlessSave();
    await target.close();
    const error = await copyImage(hosts, { sourceHost: 'src', ref: 'app:1', targetHost: 'dst' }, { stallTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HangarError);
    expect((error as HangarError).code).toBe('HOST_UNREACHABLE');
    expect(source.calls().filter((r) => r.path === '/images/get')).toEqual([]);
    target = await startFakeEngine(); // for afterEach
  });

  it('a load that fails mid-way closes the source’s export at once', async () => {
    endlessSave();
    target.route('POST', '/images/load', async (req, res) => {
      // Take a little of the archive, then fail as an engine does (the connection goes).
      await new Promise((resolve) => req.once('data', resolve));
      await sleep(50);
      res.destroy();
    });
    await expect(copyImage(hosts, { sourceHost: 'src', ref: 'app:1', targetHost: 'dst' }, { stallTimeoutMs: 5000 })).rejects.toBeInstanceOf(HangarError);
    const save = source.calls().find((r) => r.path === '/images/get')!;
    // The save's connection is closed by the copy itself, not by a stall timeout much later.
    const closed = await Promise.race([save.done.then(() => true), sleep(1000).then(() => false)]);
    expect(closed).toBe(true);
    expect(save.aborted).toBe(true);
  });
});
