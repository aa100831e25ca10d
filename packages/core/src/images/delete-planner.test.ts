import { describe, expect, it } from 'vitest';
import { HangarError } from '../errors/hangar-error.js';
import { DeleteConflict, DeletePlanner, planPrune, type DeleteRecord, type PruneOptions } from './delete-planner.js';
import type { StoreContainer, StoreImage, StoreSnapshot } from './store-snapshot.js';

/*
 * Expected results follow moby's daemon/images/image_delete.go (ImageDelete, imageDeleteHelper,
 * checkImageDeleteConflict, isSingleReference) and image_prune.go (ImagesPrune), 20.10 branch and master alike.
 */

const hex = (seed: string) => seed.padEnd(64, '0');
const id = (seed: string) => `sha256:${hex(seed)}`;
/** Chain IDs are only compared, but keep them digest-shaped and distinct from image IDs. */
const layer = (seed: string) => `sha256:${hex(`ce${seed}`)}`;
const short = (seed: string) => hex(seed).slice(0, 12);
const DIGEST_A = `sha256:${'d4'.repeat(32)}`;
const DIGEST_B = `sha256:${'9b'.repeat(32)}`;

interface ImageSpec {
  seed: string;
  parent?: string;
  tags?: string[];
  digests?: string[];
  chain: string[];
  created?: string;
  labels?: Record<string, string>;
}

function image(spec: ImageSpec): StoreImage {
  return {
    id: id(spec.seed),
    parentId: spec.parent ? id(spec.parent) : undefined,
    tags: spec.tags ?? [],
    digests: spec.digests ?? [],
    chain: spec.chain.map(layer),
    created: new Date(spec.created ?? '2026-01-01T00:00:00Z'),
    labels: spec.labels ?? {},
  };
}

function container(seed: string, imageSeed: string, running: boolean): StoreContainer {
  return { id: hex(seed), imageId: id(imageSeed), running };
}

/** Layer sizes vary by layer so a wrong set of freed layers gives a wrong byte count. */
function snapshot(images: ImageSpec[], containers: StoreContainer[] = []): StoreSnapshot {
  const layerSizes = new Map<string, number>();
  for (const spec of images) spec.chain.forEach((seed) => layerSizes.set(layer(seed), 1000 + seed.length * 37 + parseInt(seed, 16)));
  return { images: new Map(images.map((spec) => [id(spec.seed), image(spec)])), containers, layerSizes };
}

const untagged = (ref: string): DeleteRecord => ({ untagged: ref });
const deleted = (ref: string): DeleteRecord => ({ deleted: ref });
const deletedImage = (seed: string) => deleted(id(seed));
const deletedLayer = (seed: string) => deleted(layer(seed));

function caught(fn: () => unknown): HangarError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HangarError) return error;
    throw error;
  }
  throw new Error('expected the call to throw');
}

const PRUNE = { force: false, prune: true };
const FORCE = { force: true, prune: true };

describe('DeletePlanner.delete by reference (ImageDelete: a repository reference was given)', () => {
  it.each<{ name: string; images: ImageSpec[]; ref: string; records: DeleteRecord[]; left: Record<string, string[]> }>([
    {
      name: 'untags only when the image keeps another tag in the same repository',
      images: [{ seed: 'a1', tags: ['app:1', 'app:2'], chain: ['1', '2'] }],
      ref: 'app:1',
      records: [untagged('app:1')],
      left: { a1: ['app:2'] },
    },
    {
      name: 'untags only when the image keeps a tag in another repository',
      images: [{ seed: 'a1', tags: ['app:1', 'registry.example:5000/team/app:1'], chain: ['1'] }],
      ref: 'registry.example:5000/team/app:1',
      records: [untagged('registry.example:5000/team/app:1')],
      left: { a1: ['app:1'] },
    },
    {
      name: 'untags then deletes the image and its layers, top first, when it was the last reference',
      images: [{ seed: 'a1', tags: ['app:1'], chain: ['1', '2', '3'] }],
      ref: 'app:1',
      records: [untagged('app:1'), deletedImage('a1'), deletedLayer('3'), deletedLayer('2'), deletedLayer('1')],
      left: {},
    },
    {
      name: 'a name without tag means :latest, recorded as the familiar name:latest (TagNameOnly)',
      images: [{ seed: 'b2', tags: ['team/web:latest', 'team/web:2'], chain: ['4'] }],
      ref: 'team/web',
      records: [untagged('team/web:latest')],
      left: { b2: ['team/web:2'] },
    },
    {
      name: 'a fully qualified docker.io reference is recorded in its familiar form',
      images: [{ seed: 'b2', tags: ['busybox:1.36', 'busybox:latest'], chain: ['4'] }],
      ref: 'docker.io/library/busybox:1.36',
      records: [untagged('busybox:1.36')],
      left: { b2: ['busybox:latest'] },
    },
    {
      name: 'a registry host with a port and no tag means :latest (the colon is not a tag)',
      images: [{ seed: 'c3', tags: ['localhost:5000/team/app:latest', 'localhost:5000/team/app:v2'], chain: ['5'] }],
      ref: 'localhost:5000/team/app',
      records: [untagged('localhost:5000/team/app:latest')],
      left: { c3: ['localhost:5000/team/app:v2'] },
    },
    {
      name: 'removing the last tag of a repository also untags that repository\'s digests, then deletes',
      images: [{ seed: 'd4', tags: ['app:1'], digests: [`app@${DIGEST_A}`], chain: ['6', '7'] }],
      ref: 'app:1',
      records: [untagged('app:1'), untagged(`app@${DIGEST_A}`), deletedImage('d4'), deletedLayer('7'), deletedLayer('6')],
      left: {},
    },
    {
      name: 'removing the last tag of a repository untags its digests but keeps the image referenced elsewhere',
      images: [{ seed: 'd4', tags: ['app:1', 'other:1'], digests: [`app@${DIGEST_A}`, `other@${DIGEST_B}`], chain: ['6'] }],
      ref: 'app:1',
      records: [untagged('app:1'), untagged(`app@${DIGEST_A}`)],
      left: { d4: ['other:1', `other@${DIGEST_B}`] },
    },
    {
      name: 'digests stay while the repository keeps another tag',
      images: [{ seed: 'd4', tags: ['app:1', 'app:2'], digests: [`app@${DIGEST_A}`], chain: ['6'] }],
      ref: 'app:2',
      records: [untagged('app:2')],
      left: { d4: ['app:1', `app@${DIGEST_A}`] },
    },
    {
      name: 'removing a digest reference removes only that digest (canonical refs do not cascade)',
      images: [{ seed: 'd4', tags: ['app:1'], digests: [`app@${DIGEST_A}`], chain: ['6'] }],
      ref: `app@${DIGEST_A}`,
      records: [untagged(`app@${DIGEST_A}`)],
      left: { d4: ['app:1'] },
    },
    {
      name: 'removing the only (digest) reference deletes the image',
      images: [{ seed: 'd4', digests: [`registry.example/app@${DIGEST_A}`], chain: ['6'] }],
      ref: `registry.example/app@${DIGEST_A}`,
      records: [untagged(`registry.example/app@${DIGEST_A}`), deletedImage('d4'), deletedLayer('6')],
      left: {},
    },
  ])('$name', ({ images, ref, records, left }) => {
    const snap = snapshot(images);
    const planner = new DeletePlanner(snap);
    expect(planner.delete(ref, PRUNE)).toEqual(records);
    const remaining = Object.fromEntries([...snap.images.values()].map((img) => [img.id.slice(7).replace(/0+$/, ''), [...img.tags, ...img.digests].sort()]));
    expect(remaining).toEqual(left);
  });

  it('refuses a reference no image has, as the engine does (No such image)', () => {
    const planner = new DeletePlanner(snapshot([{ seed: 'a1', tags: ['app:1'], chain: ['1'] }]));
    const error = caught(() => planner.delete('app:2', PRUNE));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe('No such image: app:2');
    expect(caught(() => planner.delete(id('ff'), PRUNE)).code).toBe('NOT_FOUND');
  });
});

describe('DeletePlanner.delete by full image ID (ImageDelete: isImageIDPrefix)', () => {
  it.each<{ name: string; spec: ImageSpec; records: DeleteRecord[] }>([
    {
      name: 'a dangling image is deleted with its layers',
      spec: { seed: 'e5', chain: ['1', '2'] },
      records: [deletedImage('e5'), deletedLayer('2'), deletedLayer('1')],
    },
    {
      name: 'a single tag is untagged first',
      spec: { seed: 'e5', tags: ['app:1'], chain: ['1'] },
      records: [untagged('app:1'), deletedImage('e5'), deletedLayer('1')],
    },
    {
      name: 'one tag and digests of the same repository are a single reference: all untagged, in sorted order',
      spec: { seed: 'e5', tags: ['app:1'], digests: [`app@${DIGEST_B}`, `app@${DIGEST_A}`], chain: ['1'] },
      records: [untagged('app:1'), untagged(`app@${DIGEST_B}`), untagged(`app@${DIGEST_A}`), deletedImage('e5'), deletedLayer('1')],
    },
    {
      name: 'digests only, of one repository, are a single reference',
      spec: { seed: 'e5', digests: [`app@${DIGEST_A}`], chain: ['1'] },
      records: [untagged(`app@${DIGEST_A}`), deletedImage('e5'), deletedLayer('1')],
    },
  ])('$name', ({ spec, records }) => {
    const planner = new DeletePlanner(snapshot([spec]));
    expect(planner.delete(id(spec.seed), PRUNE)).toEqual(records);
    expect(planner.snapshot.images.size).toBe(0);
  });

  it.each<{ name: string; spec: ImageSpec; forcedUntags: string[] }>([
    { name: 'tags in several repositories', spec: { seed: 'f6', tags: ['zeta:1', 'alpha:2'], chain: ['1'] }, forcedUntags: ['alpha:2', 'zeta:1'] },
    { name: 'several tags in one repository', spec: { seed: 'f6', tags: ['app:2', 'app:1'], chain: ['1'] }, forcedUntags: ['app:1', 'app:2'] },
    {
      name: 'a tag and a digest of another repository',
      spec: { seed: 'f6', tags: ['app:1'], digests: [`other@${DIGEST_A}`], chain: ['1'] },
      forcedUntags: ['app:1', `other@${DIGEST_A}`],
    },
    {
      name: 'digests of two repositories',
      spec: { seed: 'f6', digests: [`b/app@${DIGEST_A}`, `a/app@${DIGEST_B}`], chain: ['1'] },
      forcedUntags: [`a/app@${DIGEST_B}`, `b/app@${DIGEST_A}`],
    },
  ])('$name: "image is referenced in multiple repositories", must be forced; forced, every reference is untagged in sorted order', ({ spec, forcedUntags }) => {
    const snap = snapshot([spec]);
    const error = caught(() => new DeletePlanner(snap).delete(id(spec.seed), PRUNE));
    expect(error).toBeInstanceOf(DeleteConflict);
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe(`conflict: unable to delete ${short(spec.seed)} (must be forced) - image is referenced in multiple repositories`);
    expect((error as DeleteConflict).used).toBe(false);
    expect(snap.images.get(id(spec.seed))!.tags).toEqual(spec.tags ?? []);
    expect(new DeletePlanner(snap).delete(id(spec.seed), FORCE)).toEqual([...forcedUntags.map(untagged), deletedImage('f6'), deletedLayer('1')]);
  });
});

describe('conflicts (checkImageDeleteConflict order: child, running, reference, stopped)', () => {
  const parentAndChild = (parentTags: string[]) =>
    snapshot([
      { seed: 'b1', tags: parentTags, chain: ['1'] },
      { seed: 'b2', parent: 'b1', tags: ['child:1'], chain: ['1', '2'] },
    ]);

  it.each([false, true])('a parent with dependent children cannot be deleted by ID, even with force=%s ("cannot be forced")', (force) => {
    const snap = parentAndChild([]);
    const error = caught(() => new DeletePlanner(snap).delete(id('b1'), { force, prune: true }));
    expect(error).toBeInstanceOf(DeleteConflict);
    expect(error.message).toBe(`conflict: unable to delete ${short('b1')} (cannot be forced) - image has dependent child images`);
    expect((error as DeleteConflict).used).toBe(false);
    expect(snap.images.size).toBe(2);
  });

  it.each([false, true])('removing the last tag of a parent only untags it (quiet: the image is not dangling), force=%s', (force) => {
    const snap = parentAndChild(['base:1']);
    expect(new DeletePlanner(snap).delete('base:1', { force, prune: true })).toEqual([untagged('base:1')]);
    expect(snap.images.has(id('b1'))).toBe(true);
  });

  it('the child conflict comes before the running container conflict', () => {
    const snap = snapshot(
      [
        { seed: 'b1', chain: ['1'] },
        { seed: 'b2', parent: 'b1', chain: ['1', '2'] },
      ],
      [container('c0ffee', 'b1', true)],
    );
    expect(caught(() => new DeletePlanner(snap).delete(id('b1'), FORCE)).message).toMatch(/dependent child images$/);
  });

  describe('a running container', () => {
    const running = () => snapshot([{ seed: 'a7', tags: ['app:1'], chain: ['1', '2'] }], [container('5ca1ab1e', 'a7', true)]);

    it('refuses removing the last reference without force ("unable to remove repository reference", must force)', () => {
      const snap = running();
      const error = caught(() => new DeletePlanner(snap).delete('app:1', PRUNE));
      expect(error.message).toBe(`conflict: unable to remove repository reference "app:1" (must force) - container ${short('5ca1ab1e')} is using its referenced image ${short('a7')}`);
      expect((error as DeleteConflict).used).toBe(true);
      expect(snap.images.get(id('a7'))!.tags).toEqual(['app:1']);
    });

    it('the refusal quotes the reference as the user typed it', () => {
      const error = caught(() => new DeletePlanner(running()).delete('docker.io/library/app:1', PRUNE));
      expect(error.message).toContain('unable to remove repository reference "docker.io/library/app:1" (must force)');
    });

    it('with force, the reference is removed but the image stays (quiet running conflict)', () => {
      const snap = running();
      expect(new DeletePlanner(snap).delete('app:1', FORCE)).toEqual([untagged('app:1')]);
      expect(snap.images.get(id('a7'))!.tags).toEqual([]);
    });

    it.each([false, true])('by ID cannot be forced (force=%s)', (force) => {
      const error = caught(() => new DeletePlanner(running()).delete(id('a7'), { force, prune: true }));
      expect(error.message).toBe(`conflict: unable to delete ${short('a7')} (cannot be forced) - image is being used by running container ${short('5ca1ab1e')}`);
      expect((error as DeleteConflict).used).toBe(true);
    });
  });

  describe('a stopped container', () => {
    const stopped = (tags = ['app:1'], digests: string[] = []) =>
      snapshot([{ seed: 'a8', tags, digests, chain: ['1', '2'] }], [container('de1e7ed', 'a8', false)]);

    it('refuses removing the last reference without force, as for a running one (any container using the image)', () => {
      const error = caught(() => new DeletePlanner(stopped()).delete('app:1', PRUNE));
      expect(error.message).toBe(`conflict: unable to remove repository reference "app:1" (must force) - container ${short('de1e7ed')} is using its referenced image ${short('a8')}`);
    });

    it('a tag plus digests of its repository is still a single reference (isSingleReference): refused without force', () => {
      const snap = stopped(['app:1'], [`app@${DIGEST_A}`]);
      const error = caught(() => new DeletePlanner(snap).delete('app:1', PRUNE));
      expect(error.message).toBe(`conflict: unable to remove repository reference "app:1" (must force) - container ${short('de1e7ed')} is using its referenced image ${short('a8')}`);
      expect(snap.images.get(id('a8'))!.digests).toEqual([`app@${DIGEST_A}`]);
    });

    it('with references in several repositories, one is untagged without force', () => {
      const snap = stopped(['app:1', 'other:1']);
      expect(new DeletePlanner(snap).delete('other:1', PRUNE)).toEqual([untagged('other:1')]);
    });

    it('by ID without force: must be forced', () => {
      const error = caught(() => new DeletePlanner(stopped()).delete(id('a8'), PRUNE));
      expect(error.message).toBe(`conflict: unable to delete ${short('a8')} (must be forced) - image is being used by stopped container ${short('de1e7ed')}`);
      expect((error as DeleteConflict).used).toBe(true);
    });

    it.each([
      ['by ID', id('a8')],
      ['by reference', 'app:1'],
    ])('forced %s: untagged and deleted, but its layers stay (the container holds them)', (_, ref) => {
      const planner = new DeletePlanner(stopped());
      const records = planner.delete(ref, FORCE);
      expect(records).toEqual([untagged('app:1'), deletedImage('a8')]);
      expect(planner.reclaimedBytes(records)).toBe(0);
    });
  });
});

describe('pruning parents (imageDeleteHelper recursion with quiet=true)', () => {
  const chain = (extra: ImageSpec[] = [], containers: StoreContainer[] = [], baseTags: string[] = []) =>
    snapshot(
      [
        { seed: '0ba5e', tags: baseTags, chain: ['1'] },
        { seed: '0a1d', parent: '0ba5e', chain: ['1', '2'] },
        { seed: '0f0f', parent: '0a1d', tags: ['app:1'], chain: ['1', '2', '3'] },
        ...extra,
      ],
      containers,
    );

  it('deletes every parent that becomes dangling, each with the layers only it held', () => {
    const planner = new DeletePlanner(chain());
    const records = planner.delete('app:1', PRUNE);
    expect(records).toEqual([
      untagged('app:1'),
      deletedImage('0f0f'),
      deletedLayer('3'),
      deletedImage('0a1d'),
      deletedLayer('2'),
      deletedImage('0ba5e'),
      deletedLayer('1'),
    ]);
    const sizes = planner.snapshot.layerSizes;
    expect(planner.reclaimedBytes(records)).toBe(sizes.get(layer('1'))! + sizes.get(layer('2'))! + sizes.get(layer('3'))!);
  });

  it('noprune: only the image itself', () => {
    const snap = chain();
    expect(new DeletePlanner(snap).delete('app:1', { force: false, prune: false })).toEqual([untagged('app:1'), deletedImage('0f0f'), deletedLayer('3')]);
    expect([...snap.images.keys()]).toEqual([id('0ba5e'), id('0a1d')]);
  });

  it('stops at a tagged parent, without error', () => {
    const snap = chain([], [], ['base:1']);
    expect(new DeletePlanner(snap).delete('app:1', PRUNE)).toEqual([untagged('app:1'), deletedImage('0f0f'), deletedLayer('3'), deletedImage('0a1d'), deletedLayer('2')]);
    expect(snap.images.get(id('0ba5e'))!.tags).toEqual(['base:1']);
  });

  it('stops at a parent that has another child', () => {
    const snap = chain([{ seed: '0510', parent: '0a1d', tags: ['sibling:1'], chain: ['1', '2', '4'] }]);
    expect(new DeletePlanner(snap).delete('app:1', PRUNE)).toEqual([untagged('app:1'), deletedImage('0f0f'), deletedLayer('3')]);
    expect(snap.images.size).toBe(3);
  });

  it.each([true, false])('stops at a dangling parent a container uses (running=%s), even when the child was forced', (running) => {
    const snap = chain([], [container('beef', '0a1d', running)]);
    expect(new DeletePlanner(snap).delete('app:1', FORCE)).toEqual([untagged('app:1'), deletedImage('0f0f'), deletedLayer('3')]);
  });

  it('deleting by ID prunes parents too', () => {
    expect(new DeletePlanner(chain()).delete(id('0f0f'), PRUNE).filter((r) => 'deleted' in r && r.deleted.startsWith('sha256:0'))).toEqual([
      deletedImage('0f0f'),
      deletedImage('0a1d'),
      deletedImage('0ba5e'),
    ]);
  });
});

describe('layers', () => {
  it('a layer shared with an unrelated image is not reported as freed, nor are its bytes', () => {
    const snap = snapshot([
      { seed: 'aa', tags: ['one:1'], chain: ['1', '2', '3'] },
      { seed: 'bb', tags: ['two:1'], chain: ['1', '2', '9'] },
    ]);
    const planner = new DeletePlanner(snap);
    const records = planner.delete('one:1', PRUNE);
    expect(records).toEqual([untagged('one:1'), deletedImage('aa'), deletedLayer('3')]);
    expect(planner.reclaimedBytes(records)).toBe(snap.layerSizes.get(layer('3')));
    const second = planner.delete('two:1', PRUNE);
    expect(second).toEqual([untagged('two:1'), deletedImage('bb'), deletedLayer('9'), deletedLayer('2'), deletedLayer('1')]);
  });

  it('an image with the same chain as another frees nothing', () => {
    const snap = snapshot([
      { seed: 'aa', tags: ['one:1'], chain: ['1', '2'] },
      { seed: 'bb', tags: ['two:1'], chain: ['1', '2'] },
    ]);
    expect(new DeletePlanner(snap).delete(id('aa'), PRUNE)).toEqual([untagged('one:1'), deletedImage('aa')]);
  });

  it('reclaimedBytes counts only Deleted layer records', () => {
    const snap = snapshot([{ seed: 'aa', chain: ['7'] }]);
    const planner = new DeletePlanner(snap);
    expect(planner.reclaimedBytes([untagged('x:1'), deletedImage('aa'), deletedLayer('7')])).toBe(snap.layerSizes.get(layer('7')));
    expect(planner.reclaimedBytes([])).toBe(0);
  });
});

describe('planPrune (ImagesPrune)', () => {
  const sortRecords = (records: DeleteRecord[]) => records.map((r) => ('untagged' in r ? `U ${r.untagged}` : `D ${r.deleted}`)).sort();
  const run = (images: ImageSpec[], options: PruneOptions, containers: StoreContainer[] = []) => {
    const planner = new DeletePlanner(snapshot(images, containers));
    const records = planPrune(planner, options);
    return { records, sorted: sortRecords(records), left: [...planner.snapshot.images.keys()].sort() };
  };
  const expectRecords = (records: DeleteRecord[]) => sortRecords(records);

  const fleet: ImageSpec[] = [
    { seed: '01', chain: ['1'], created: '2026-01-01T00:00:00Z' },
    { seed: '02', parent: '01', tags: ['app:1'], chain: ['1', '2'], created: '2026-02-01T00:00:00Z', labels: { tier: 'web' } },
    { seed: '03', chain: ['3'], created: '2026-03-01T00:00:00Z', labels: { tier: 'web', keep: '' } },
    { seed: '04', digests: [`dig@${DIGEST_A}`], chain: ['4'], created: '2026-04-01T00:00:00Z', labels: { tier: 'db' } },
    { seed: '05', tags: ['used:1'], chain: ['5'], created: '2026-05-01T00:00:00Z' },
    { seed: '06', chain: ['6'], created: '2026-06-01T00:00:00Z' },
  ];
  const containers = [container('0c05', '05', false), container('0c06', '06', true)];

  it('dangling only: images without tags or children, and digest-only images via their digest; not images containers use', () => {
    const { sorted, left } = run(fleet, { all: false }, containers);
    expect(sorted).toEqual(expectRecords([deletedImage('03'), deletedLayer('3'), untagged(`dig@${DIGEST_A}`), deletedImage('04'), deletedLayer('4')]));
    expect(left).toEqual([id('01'), id('02'), id('05'), id('06')]);
  });

  it('all: every image no container uses, parents pruned through their children', () => {
    const { sorted, left } = run(fleet, { all: true }, containers);
    expect(sorted).toEqual(
      expectRecords([
        untagged('app:1'),
        deletedImage('02'),
        deletedLayer('2'),
        deletedImage('01'),
        deletedLayer('1'),
        deletedImage('03'),
        deletedLayer('3'),
        untagged(`dig@${DIGEST_A}`),
        deletedImage('04'),
        deletedLayer('4'),
      ]),
    );
    expect(left).toEqual([id('05'), id('06')]);
  });

  it('until: only images created at or before the time', () => {
    const { left } = run(fleet, { all: true, until: new Date('2026-03-01T00:00:00Z') }, containers);
    expect(left).toEqual([id('04'), id('05'), id('06')]);
  });

  it.each<{ name: string; options: PruneOptions; left: string[] }>([
    { name: 'label key=value', options: { all: true, labels: ['tier=web'] }, left: ['04', '05', '06'] },
    { name: 'label key (any value, the empty one too)', options: { all: true, labels: ['keep'] }, left: ['01', '02', '04', '05', '06'] },
    { name: 'label key= matches the empty value only', options: { all: true, labels: ['keep='] }, left: ['01', '02', '04', '05', '06'] },
    { name: 'several labels must all match', options: { all: true, labels: ['tier=web', 'keep'] }, left: ['01', '02', '04', '05', '06'] },
    { name: 'label! keeps the images having it', options: { all: true, notLabels: ['tier=web'] }, left: ['01', '02', '03', '05', '06'] },
    { name: 'label! with several labels keeps only images having all of them', options: { all: true, notLabels: ['tier=web', 'keep'] }, left: ['03', '05', '06'] },
    { name: 'label and label! together', options: { all: true, labels: ['tier'], notLabels: ['tier=db'] }, left: ['04', '05', '06'] },
  ])('$name', ({ options, left }) => {
    expect(run(fleet, options, containers).left).toEqual(left.map(id));
  });

  it('the parent of a labelled image is pruned with it though it lacks the label (it is reached through its child)', () => {
    const { sorted } = run(fleet, { all: true, labels: ['tier=web'] }, containers);
    expect(sorted).toContain(`D ${id('01')}`);
  });

  it('all: an image a stopped container uses keeps it, but its first references are untagged (ImageDelete per reference)', () => {
    const { records, left } = run([{ seed: '07', tags: ['b:1', 'a:1'], chain: ['7'] }], { all: true }, [container('0c07', '07', false)]);
    expect(records).toEqual([untagged('a:1')]);
    expect(left).toEqual([id('07')]);
  });

  it('all: an image tagged in several repositories is untagged reference by reference, then deleted', () => {
    const { records } = run([{ seed: '08', tags: ['b:1', 'a:1'], digests: [`a@${DIGEST_B}`], chain: ['8'] }], { all: true });
    expect(records).toEqual([untagged('a:1'), untagged(`a@${DIGEST_B}`), untagged('b:1'), deletedImage('08'), deletedLayer('8')]);
  });

  it.each([false, true])('all: a tagged parent and its tagged child both go, whichever is tried first (newer child=%s)', (childNewer) => {
    const { sorted, left } = run(
      [
        { seed: '0b', tags: ['base:1'], chain: ['1'], created: '2026-02-01T00:00:00Z' },
        { seed: '0c', parent: '0b', tags: ['app:1'], chain: ['1', '2'], created: childNewer ? '2026-03-01T00:00:00Z' : '2026-01-01T00:00:00Z' },
      ],
      { all: true },
    );
    expect(sorted).toEqual(expectRecords([untagged('base:1'), untagged('app:1'), deletedImage('0b'), deletedImage('0c'), deletedLayer('1'), deletedLayer('2')]));
    expect(left).toEqual([]);
  });

  it('dangling only: a tagged image is kept even if it also has digests', () => {
    expect(run([{ seed: '09', tags: ['a:1'], digests: [`a@${DIGEST_B}`], chain: ['9'] }], { all: false }).records).toEqual([]);
  });

  it('an untagged parent is not a candidate itself; a dangling parent of a digest-only head is pruned through it', () => {
    const { records, left } = run(
      [
        { seed: '10', chain: ['1'] },
        { seed: '11', parent: '10', digests: [`a@${DIGEST_A}`], chain: ['1', '2'] },
        { seed: '12', parent: '10', tags: ['keep:1'], chain: ['1', '3'] },
      ],
      { all: false },
    );
    expect(records).toEqual([untagged(`a@${DIGEST_A}`), deletedImage('11'), deletedLayer('2')]);
    expect(left).toEqual([id('10'), id('12')]);
  });
});
