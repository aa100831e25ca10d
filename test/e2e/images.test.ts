import { allNodes, type DiskUsageFieldsFragment, type ImageFilterInput, type ImageSummaryFragment } from '@hangar/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { dockerImageRows, dockerJsonLines, sortRows } from './support/docker-cli.js';
import { humanSize, humanSize4, rfc3339Seconds } from './support/docker-format.js';
import { graphql, query } from './support/graphql.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { dockerRowsOf } from './support/image-rows.js';
import { sdkFailure } from './support/errors.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const ENGINES: EngineName[] = ['alpha', 'beta', 'gamma'];
const seed = info.seed;

let hangar: TestHangar;

beforeAll(async () => {
  hangar = await startTestHangar(info, { fleet: { hostTimeoutMs: 5_000 }, hosts: ENGINES.map((name) => sandboxHost(info, name)) });
});

afterAll(async () => {
  await hangar?.stop();
});

type Filter = ImageFilterInput;

async function hostImages(host: EngineName, args: { filter?: Filter; all?: boolean } = {}): Promise<ImageSummaryFragment[]> {
  const data = await hangar.sdk.hostImages({ host, ...args, first: 1000 });
  expect(data.host!.name).toBe(host);
  expect(data.host!.images.totalCount).toBe(data.host!.images.nodes.length);
  expect(data.host!.images.pageInfo.hasNextPage).toBe(false);
  return data.host!.images.nodes;
}


function expectNewestFirst(images: ImageSummaryFragment[]): void {
  const times = images.map((image) => new Date(image.created).getTime());
  expect(times).toEqual([...times].sort((a, b) => b - a));
}

describe('images: parity with `docker image ls --no-trunc --digests`', () => {
  const cases: [string, string[], { filter?: Filter; all?: boolean }][] = [
    ['no filter', [], {}],
    ['-a', ['-a'], { all: true }],
    ['dangling=true', ['-f', 'dangling=true'], { filter: { dangling: true } }],
    ['dangling=false', ['-f', 'dangling=false'], { filter: { dangling: false } }],
    ['label=key', ['-f', 'label=org.hangar.team'], { filter: { label: ['org.hangar.team'] } }],
    ['label=key=value', ['-f', 'label=org.hangar.tier=frontend'], { filter: { label: ['org.hangar.tier=frontend'] } }],
    ['two labels', ['-f', 'label=org.hangar.team=web', '-f', 'label=org.hangar.tier=backend'], { filter: { label: ['org.hangar.team=web', 'org.hangar.tier=backend'] } }],
    ['reference glob', ['-f', 'reference=hangar-test/app*'], { filter: { reference: ['hangar-test/app*'] } }],
    ['reference with tag glob', ['-f', 'reference=hangar-test/multi:[ab]'], { filter: { reference: ['hangar-test/multi:[ab]'] } }],
    ['two references', ['-f', 'reference=hangar-test/base', '-f', 'reference=*/rebuilt'], { filter: { reference: ['hangar-test/base', '*/rebuilt'] } }],
    ['before', ['-f', `before=${seed.rebuiltRef}`], { filter: { before: seed.rebuiltRef } }],
    ['since', ['-f', `since=${seed.baseRef}`], { filter: { since: seed.baseRef } }],
    ['since with -a', ['-a', '-f', `since=${seed.baseRef}`], { all: true, filter: { since: seed.baseRef } }],
    ['dangling and label', ['-f', 'dangling=false', '-f', 'label=org.hangar.team=web'], { filter: { dangling: false, label: ['org.hangar.team=web'] } }],
  ];

  for (const engine of ENGINES) {
    it.each(cases)(`${engine}: %s`, async (_name, dockerArgs, args) => {
      const [expected, images] = await Promise.all([dockerImageRows(sandbox, engine, dockerArgs), hostImages(engine, args)]);
      expect(expected.length).toBeGreaterThan(0);
      expect(sortRows(images.flatMap(dockerRowsOf))).toEqual(sortRows(expected));
      expectNewestFirst(images);
      for (const image of images) {
        expect(image.hostName).toBe(engine);
        expect(image.shortId).toBe(image.imageId.slice(7, 19));
        expect(image.dangling).toBe(image.repoTags.length === 0 && image.repoDigests.length === 0);
      }
    });
  }

  it('until: images created before a time (emulated on engines older than API 1.44), equal to docker’s list cut at that time', async () => {
    const all = await dockerImageRows(sandbox, 'alpha');
    const rebuilt = (await hostImages('alpha', { filter: { reference: [seed.rebuiltRef] } }))[0]!;
    const until = rebuilt.created;
    const expected = all.filter((row) => new Date(row.CreatedAt.replace(' +0000 UTC', 'Z').replace(' ', 'T')).getTime() < new Date(until).getTime());
    const images = await hostImages('alpha', { filter: { until } });
    expect(sortRows(images.flatMap(dockerRowsOf))).toEqual(sortRows(expected));
    expect(images.some((image) => image.imageId === rebuilt.imageId)).toBe(false);
    expect((await hostImages('alpha', { filter: { until: '0s' } })).length).toBe(new Set(all.map((row) => row.ID)).size);
  });

  it('labels equal the image config labels', async () => {
    const labeled = (await hostImages('beta', { filter: { reference: ['hangar-test/labeled'] } }))[0]!;
    const { stdout } = await sandbox.docker('beta', ['image', 'inspect', 'hangar-test/labeled:1.0', '--format', '{{json .Config.Labels}}']);
    const labels = JSON.parse(stdout) as Record<string, string>;
    expect(Object.fromEntries(labeled.labels.map(({ key, value }) => [key, value]))).toEqual(labels);
  });
});

describe('history and layers', () => {
  interface HistoryRow {
    ID: string;
    CreatedAt: string;
    CreatedBy: string;
    Size: string;
    Comment: string;
  }

  for (const engine of ENGINES) {
    it.each([seed.sharedLayerRefs[0], seed.baseRef, seed.multiTagRefs[0]!])(`${engine}: history of %s equals docker history`, async (ref) => {
      const rows = await dockerJsonLines<HistoryRow>(sandbox, engine, ['history', '--no-trunc', '--format', 'json', ref]);
      const data = await hangar.sdk.imageHistory({ host: engine, ref });
      const history = data.host!.image!.history.map((entry) => ({
        ID: entry.id ?? '<missing>',
        CreatedAt: rfc3339Seconds(new Date(entry.created)),
        CreatedBy: entry.createdBy,
        Size: humanSize(entry.size),
        Comment: entry.comment ?? '',
      }));
      expect(history).toEqual(rows.map(({ ID, CreatedAt, CreatedBy, Size, Comment }) => ({ ID, CreatedAt, CreatedBy, Size, Comment })));
    });
  }

  it('layers: diff IDs as docker inspect reports, each with its step, and the layers app:1.0 and app:1.1 share', async () => {
    const [app10, app11] = seed.sharedLayerRefs;
    const inspect = async (ref: string) => {
      const { stdout } = await sandbox.docker('alpha', ['image', 'inspect', ref, '--format', '{{json .RootFS.Layers}} {{.Id}}']);
      const [layers, id] = stdout.trim().split(' ') as [string, string];
      return { layers: JSON.parse(layers) as string[], id };
    };
    const [one, two, base] = await Promise.all([inspect(app10), inspect(app11), inspect(seed.baseRef)]);
    const data = await hangar.sdk.imageLayers({ host: 'alpha', ref: app10 });
    expect(data.host!.image!.imageId).toBe(one.id);
    const layers = data.host!.image!.layers;
    expect(layers.map((layer) => layer.diffId)).toEqual(one.layers);
    expect(layers.map((layer) => layer.index)).toEqual(one.layers.map((_, i) => i));
    const shared = one.layers.filter((diffId, i) => two.layers[i] === diffId).length;
    expect(shared).toBeGreaterThanOrEqual(2);
    for (const layer of layers) {
      const sharers = layer.sharedWith.map((image) => image.imageId);
      if (layer.index < shared) expect(sharers).toContain(two.id);
      else expect(sharers).not.toContain(two.id);
      if (layer.index === 0) expect(sharers).toContain(base.id);
      expect(sharers).not.toContain(one.id);
    }
    // Every layer maps onto the history step that made it, oldest first: the steps that are not zero-byte
    // metadata (`#(nop)` ENV, LABEL, CMD ...); a `#(nop) COPY` does make a layer.
    const history = await dockerJsonLines<HistoryRow>(sandbox, 'alpha', ['history', '--no-trunc', '--format', 'json', app10]);
    const steps = history.reverse().filter((row) => row.Size !== '0B' || !row.CreatedBy.includes('#(nop)'));
    expect(steps).toHaveLength(one.layers.length);
    expect(layers.map((layer) => layer.createdBy)).toEqual(steps.map((row) => row.CreatedBy));
    expect(layers.map((layer) => humanSize(layer.size))).toEqual(steps.map((row) => row.Size));
  });

  it('host layers: the base layer is used by every image built on it and saves its size for each extra user', async () => {
    const data = await hangar.sdk.hostLayers({ host: 'gamma' });
    const { stdout } = await sandbox.docker('gamma', ['image', 'inspect', seed.baseRef, '--format', '{{index .RootFS.Layers 0}}']);
    const baseLayer = data.host!.layers.find((layer) => layer.diffId === stdout.trim())!;
    expect(baseLayer).toBeDefined();
    // The images docker says start with that layer (other test files may leave images of their own making,
    // e.g. an imported root filesystem, which share nothing with the seed).
    const everyId = [...new Set((await sandbox.docker('gamma', ['image', 'ls', '-a', '-q', '--no-trunc'])).stdout.trim().split('\n'))];
    const inspected = (await sandbox.docker('gamma', ['image', 'inspect', '--format', '{{.Id}} {{index .RootFS.Layers 0}}', ...everyId])).stdout.trim().split('\n');
    const onBase = inspected.filter((line) => line.endsWith(` ${stdout.trim()}`)).map((line) => line.split(' ')[0]);
    expect(onBase.length).toBeGreaterThan(1);
    expect(new Set(baseLayer.imageIds)).toEqual(new Set(onBase));
    expect(baseLayer.savedBytes).toBe(baseLayer.size * (baseLayer.imageIds.length - 1));
    expect(data.host!.layers[0]!.savedBytes).toBeGreaterThanOrEqual(baseLayer.savedBytes);
  });
});

describe('image(ref): inspect by any reference', () => {
  /** What the tests read of `docker image inspect`. */
  interface DockerInspect {
    Id: string;
    RepoTags: string[];
    RepoDigests: string[];
    Size: number;
    Created: string;
    Architecture: string;
    Os: string;
    DockerVersion: string;
    Config: { Env: string[] | null; Cmd: string[] | null; WorkingDir: string; Labels: Record<string, string> | null };
    RootFS: { Type: string; Layers: string[] };
  }

  async function image(host: EngineName, ref: string) {
    const data = await hangar.sdk.imageInspect({ host, ref });
    expect(data.host!.name).toBe(host);
    return data.host!.image;
  }

  async function dockerInspect(host: EngineName, ref: string): Promise<DockerInspect> {
    const { stdout } = await sandbox.docker(host, ['image', 'inspect', ref]);
    return (JSON.parse(stdout) as DockerInspect[])[0]!;
  }

  it('equals `docker image inspect` field for field', async () => {
    const ref = seed.sharedLayerRefs[0];
    const [got, raw] = await Promise.all([image('alpha', ref).then((found) => found!), dockerInspect('alpha', ref)]);
    expect(got.imageId).toBe(raw.Id);
    expect(got.repoTags).toEqual(raw.RepoTags);
    expect(got.repoDigests).toEqual(raw.RepoDigests);
    expect(got.size).toBe(raw.Size);
    expect(got.details.createdAt).toBe(raw.Created);
    expect(got.details.architecture).toBe(raw.Architecture);
    expect(got.details.os).toBe(raw.Os);
    expect(got.details.dockerVersion).toBe(raw.DockerVersion);
    expect(got.details.config.env).toEqual(raw.Config.Env ?? []);
    expect(got.details.config.cmd).toEqual(raw.Config.Cmd);
    expect(got.details.config.workingDir ?? '').toBe(raw.Config.WorkingDir);
    expect(got.details.config.labels).toEqual(Object.entries(raw.Config.Labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => ({ key, value })));
    expect(got.details.rootFS).toEqual({ type: raw.RootFS.Type, layers: raw.RootFS.Layers });
  });

  it.each([
    ['name:tag', () => seed.multiTagRefs[0]!],
    ['name alone (latest implied)', () => seed.multiTagRefs[0]!.replace(/:.*$/, '')],
    ['docker.io/ prefix', () => `docker.io/${seed.multiTagRefs[1]!}`],
    ['full ID', () => seed.engines.beta.imageIds[seed.baseRef]!],
    ['full ID without sha256:', () => seed.engines.beta.imageIds[seed.baseRef]!.slice(7)],
    ['unique ID prefix', () => seed.engines.beta.imageIds[seed.baseRef]!.slice(7, 19)],
    ['sha256: prefix', () => seed.engines.beta.imageIds[seed.baseRef]!.slice(0, 20)],
  ])('by %s, as docker resolves it', async (_name, refOf) => {
    const ref = refOf();
    const [got, raw] = await Promise.all([image('beta', ref), dockerInspect('beta', ref)]);
    expect(got!.imageId).toBe(raw.Id);
  });

  it('by name@digest, on the host that pushed it', async () => {
    const pushed = seed.pushed!;
    const ref = `${pushed.ref.replace(/:[^:/]+$/, '')}@${pushed.digest}`;
    const [got, raw] = await Promise.all([image('alpha', ref), dockerInspect('alpha', ref)]);
    expect(got!.imageId).toBe(raw.Id);
    expect(got!.repoDigests).toContain(ref);
  });

  it('answers null for an image that is not there, on any host', async () => {
    // The SDK rejects on any GraphQL error: answering at all means no errors.
    for (const ref of ['hangar-test/nope:1', 'sha256:' + '0'.repeat(64), 'fffffffffff0']) expect(await image('gamma', ref), ref).toBeNull();
  });

  it('an ambiguous ID prefix is an error that lists the candidates', async () => {
    // Distinct IDs: `image ls -q` repeats an image once per tag, and one image twice is no ambiguity. Alpha holds
    // at least the seed's 15; two of 15 random IDs share a first hex digit but for odds of 16!/16^15 (2 in 100 000).
    const ids = [...new Set((await sandbox.docker('alpha', ['image', 'ls', '-a', '-q', '--no-trunc'])).stdout.trim().split('\n').map((id) => id.slice(7)))];
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id[0]!, (counts.get(id[0]!) ?? 0) + 1);
    const shared = [...counts].find(([, count]) => count > 1);
    expect(shared, `no two of ${ids.length} image IDs share a first hex digit`).toBeDefined();
    const prefix = shared![0];
    const matching = ids.filter((id) => id.startsWith(prefix));
    expect(matching.length).toBeGreaterThan(1);
    const error = await sdkFailure(hangar.sdk.imageInspect({ host: 'alpha', ref: prefix }));
    expect(error.data).toMatchObject({ host: { name: 'alpha', image: null } });
    expect(error.code).toBe('AMBIGUOUS_REFERENCE');
    expect(error.errors[0]?.extensions?.code).toBe('AMBIGUOUS_REFERENCE');
    for (const id of matching) expect(error.errors[0]?.message).toContain(id.slice(0, 12));
  });

  it('a malformed reference is BAD_REQUEST, not a 500', async () => {
    for (const ref of ['Hangar-Test/App', 'a:b:c:d', 'x@sha256:zz', '']) {
      const error = await sdkFailure(hangar.sdk.imageInspect({ host: 'alpha', ref }));
      expect(error.status, ref).toBe(200);
      expect(error.code, ref).toBe('BAD_REQUEST');
    }
  });
});

describe('disk usage: parity with `docker system df`', () => {
  interface DfRow {
    Type: string;
    TotalCount: string;
    Active: string;
    Size: string;
    Reclaimable: string;
  }
  const TYPES: [string, 'images' | 'containers' | 'volumes' | 'buildCache'][] = [
    ['Images', 'images'],
    ['Containers', 'containers'],
    ['Local Volumes', 'volumes'],
    ['Build Cache', 'buildCache'],
  ];
  const summary = 'totalCount activeCount size reclaimable';

  for (const engine of ENGINES) {
    it(`${engine}: totals and per image`, async () => {
      const rows = await dockerJsonLines<DfRow>(sandbox, engine, ['system', 'df', '--format', 'json']);
      const { diskUsage } = await hangar.sdk.diskUsage({ hosts: [engine] });
      expect(diskUsage.map((usage) => usage.host)).toEqual([engine]);
      const usage = diskUsage[0]!;
      // Raw: Host.diskUsage (`host(name) { diskUsage }`) is a resolver of its own that no SDK document selects;
      // it must answer what the SDK's diskUsage(hosts) answers, and so the same parity with docker. The engine lists
      // images of the same second in no fixed order from one /system/df to the next: compare them by ID.
      const perHost = await query<{ host: { diskUsage: DiskUsageFieldsFragment } }>(
        hangar.url,
        hangar.token,
        `query($host: String!) { host(name: $host) { diskUsage { host layersSize images { ${summary} } containers { ${summary} } volumes { ${summary} } buildCache { ${summary} }
           imageDetails { imageId repoTags created size sharedSize uniqueSize containers } } } }`,
        { host: engine },
      );
      const byId = (usage: DiskUsageFieldsFragment) => ({ ...usage, imageDetails: [...usage.imageDetails].sort((x, y) => x.imageId.localeCompare(y.imageId)) });
      expect(byId(perHost.host.diskUsage)).toEqual(byId(usage));
      for (const [type, key] of TYPES) {
        const row = rows.find((r) => r.Type === type)!;
        const mine = usage[key];
        expect({ type, total: String(mine.totalCount), active: String(mine.activeCount), size: humanSize4(mine.size) }).toEqual({
          type,
          total: row.TotalCount,
          active: row.Active,
          size: row.Size,
        });
        expect(row.Reclaimable.replace(/ \(\d+%\)$/, '')).toBe(humanSize4(mine.reclaimable));
      }
      const { stdout } = await sandbox.docker(engine, ['system', 'df', '-v', '--format', 'json']);
      const verbose = JSON.parse(stdout) as { Images: { ID: string; Containers: string; SharedSize: string; UniqueSize: string; Size: string }[] };
      const mine = new Map(usage.imageDetails.map((i) => [i.imageId, i]));
      for (const row of verbose.Images) {
        const image = mine.get(row.ID)!;
        expect(image, row.ID).toBeDefined();
        expect([String(image.containers), humanSize4(image.sharedSize), humanSize4(image.uniqueSize), humanSize(image.size)]).toEqual([row.Containers, row.SharedSize, row.UniqueSize, row.Size]);
      }
      expect(mine.size).toBe(new Set(verbose.Images.map((row) => row.ID)).size);
    });
  }

  it('the image a container uses shows it in `containers`', async () => {
    const data = await hangar.sdk.imageInspect({ host: 'beta', ref: seed.container.image });
    expect(data.host!.image!.containers).toBe(1);
    expect(data.host!.image!.sharedSize).toBeGreaterThan(0);
  });
});

describe('fleet-wide', () => {
  it('lists every host’s images, each as docker lists it there', async () => {
    const data = await hangar.sdk.fleetImages({ first: 1000 });
    expect(data.images.hostErrors).toEqual([]);
    expect(data.images.totalCount).toBe(data.images.nodes.length);
    for (const engine of ENGINES) {
      const mine = data.images.nodes.filter((image) => image.hostName === engine);
      expect(sortRows(mine.flatMap(dockerRowsOf))).toEqual(sortRows(await dockerImageRows(sandbox, engine)));
    }
    expectNewestFirst(data.images.nodes);
  });

  it('pages through the fleet with cursors: every image once, in order', async () => {
    const full = await hangar.sdk.fleetImages({ first: 1000 });
    let pages = 0;
    // The SDK's pagination helper, following endCursor until hasNextPage is false.
    const seen = await allNodes(
      async (after) => {
        const data = await hangar.sdk.fleetImages({ first: 4, after });
        pages++;
        expect(data.images.totalCount).toBe(full.images.totalCount);
        expect(data.images.nodes.length).toBeLessThanOrEqual(4);
        return data.images;
      },
      { maxPages: 100 },
    );
    expect(pages).toBe(Math.ceil(full.images.totalCount / 4));
    expect(seen.map((i) => `${i.hostName}/${i.imageId}`)).toEqual(full.images.nodes.map((i) => `${i.hostName}/${i.imageId}`));
  });

  it('answers with the other hosts’ images and one HostError when a host is stopped', async () => {
    try {
      await sandbox.stopEngine('beta');
      const started = Date.now();
      const data = await hangar.sdk.fleetImages({ first: 1000, filter: { reference: ['hangar-test/*'] } });
      expect(Date.now() - started).toBeLessThan(5_000 + 2_000);
      expect(data.images.hostErrors).toEqual([{ host: 'beta', code: 'HOST_UNREACHABLE', message: expect.stringMatching(/no such socket|connection refused/) }]);
      expect(new Set(data.images.nodes.map((image) => image.hostName))).toEqual(new Set(['alpha', 'gamma']));
      for (const engine of ['alpha', 'gamma'] as const) {
        const mine = data.images.nodes.filter((image) => image.hostName === engine);
        expect(sortRows(mine.flatMap(dockerRowsOf))).toEqual(sortRows(await dockerImageRows(sandbox, engine, ['-f', 'reference=hangar-test/*'])));
      }
    } finally {
      await sandbox.startEngine('beta');
    }
  });

  it('names unknown hosts as host errors and finds where an image is', async () => {
    const data = await hangar.sdk.locateImage({ ref: seed.pushed!.ref, hosts: ['alpha', 'beta', 'gamma', 'delta'] });
    expect(data.locateImage.images.map(({ hostName, imageId }) => ({ hostName, imageId }))).toEqual([{ hostName: 'alpha', imageId: seed.engines.alpha.imageIds[seed.pushed!.sourceRef] }]);
    expect(data.locateImage.images[0]!.repoTags).toContain(seed.pushed!.ref);
    expect([...data.locateImage.missingOn].sort()).toEqual(['beta', 'gamma']);
    expect(data.locateImage.hostErrors).toEqual([{ host: 'delta', code: 'HOST_NOT_FOUND', message: expect.stringContaining('delta') }]);
  });

  it('fleet disk usage adds up the hosts', async () => {
    const data = await hangar.sdk.fleetDiskUsage();
    expect(data.fleetDiskUsage.hosts.map((h) => h.host)).toEqual(ENGINES);
    expect(data.fleetDiskUsage.hostErrors).toEqual([]);
    expect(data.fleetDiskUsage.images.totalCount).toBe(data.fleetDiskUsage.hosts.reduce((n, h) => n + h.images.totalCount, 0));
  });
});

describe('bad input gets clear errors, never a 500', () => {
  /** The status, code and message of the first error a failed call answered. */
  interface Failure {
    status: number | undefined;
    code: string | undefined;
    message: string | undefined;
  }

  async function failure(call: Promise<unknown>): Promise<Failure> {
    const error = await sdkFailure(call);
    return { status: error.status, code: error.code, message: error.errors[0]?.message };
  }

  it.each<[string, () => Promise<Failure>, string, RegExp]>([
    ['a label without key', () => failure(hangar.sdk.fleetImages({ filter: { label: ['=x'] } })), 'BAD_REQUEST', /filter\.label/],
    ['a malformed reference pattern', () => failure(hangar.sdk.fleetImages({ filter: { reference: ['app['] } })), 'BAD_REQUEST', /filter\.reference/],
    ['an unreadable until', () => failure(hangar.sdk.fleetImages({ filter: { until: 'yesterday-ish' } })), 'BAD_REQUEST', /filter\.until/],
    [
      'an unknown filter key',
      // Raw: an input field the schema does not have is a document that fails validation; a typed SDK document
      // cannot carry it (and as a variable it would be a different error, BAD_USER_INPUT).
      async () => {
        const result = await graphql(hangar.url, hangar.token, '{ images(filter: { colour: "red" }) { totalCount } }');
        return { status: result.status, code: result.errors?.[0]?.extensions?.code, message: result.errors?.[0]?.message };
      },
      'GRAPHQL_VALIDATION_FAILED',
      /colour/,
    ],
    ['a bad cursor', () => failure(hangar.sdk.fleetImages({ after: 'not-a-cursor' })), 'BAD_REQUEST', /after/],
    ['a page size of 0', () => failure(hangar.sdk.fleetImages({ first: 0 })), 'BAD_REQUEST', /first/],
    ['a page size too large', () => failure(hangar.sdk.fleetImages({ first: 5000 })), 'BAD_REQUEST', /first/],
    ['an empty host list', () => failure(hangar.sdk.fleetImages({ hosts: [] })), 'BAD_REQUEST', /hosts/],
    ['a negative page size on a host', () => failure(hangar.sdk.hostImages({ host: 'alpha', first: -1 })), 'BAD_REQUEST', /first/],
  ])('%s', async (_name, call, code, message) => {
    const result = await call();
    expect(result.status).toBeLessThan(500);
    expect(result.code).toBe(code);
    expect(result.message).toMatch(message);
  });

  it('a since/before image missing on the host is NOT_FOUND for that host', async () => {
    const data = await hangar.sdk.fleetImages({ filter: { since: seed.pushed!.ref } });
    expect([...data.images.hostErrors].sort((a, b) => a.host.localeCompare(b.host)).map(({ host, code }) => ({ host, code }))).toEqual([
      { host: 'beta', code: 'NOT_FOUND' },
      { host: 'gamma', code: 'NOT_FOUND' },
    ]);
  });
});

describe('one request asks each engine endpoint once', () => {
  it('many fields needing the same engine data share one call', async () => {
    // Raw: the SDK answers `data` only, not the response's `extensions.engineCalls`; and this selection (history,
    // sharedSize and Host.diskUsage in one request) is one no SDK document makes.
    const result = await graphql<{ host: { images: { nodes: unknown[] } } }>(
      hangar.url,
      hangar.token,
      '{ host(name: "gamma") { images(first: 1000) { nodes { imageId containers sharedSize history { id } } } diskUsage { layersSize } } }',
    );
    const images = result.data!.host.images.nodes.length;
    // GET /images/json + GET /system/df + one GET /images/{id}/history per image; nothing twice.
    expect(result.extensions?.engineCalls).toBe(2 + images);
  });
});
