import { randomBytes } from 'node:crypto';
import {
  HangarError,
  type CommitContainerInput,
  type ImageRemovalFieldsFragment,
  type PruneImagesInput,
  type RemoveImagesInput,
  type TagImageInput,
  type UserErrorFieldsFragment,
} from '@hangar/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = randomBytes(3).toString('hex');
const LABEL = `org.hangar.test-run=${run}`;

let hangar: TestHangar;

beforeAll(async () => {
  hangar = await startTestHangar(info, { hosts: (['alpha', 'beta', 'gamma'] as const).map((name) => sandboxHost(info, name)) });
});

afterAll(async () => {
  await hangar?.stop();
});

/** Builds a small image FROM the seed's base with a unique file, a run label and any extra lines. */
async function build(engine: EngineName, tags: string[], extra = ''): Promise<string> {
  const dockerfile = `FROM ${info.seed.baseRef}\nLABEL ${LABEL}\nRUN echo ${randomBytes(8).toString('hex')} > /unique\n${extra}\n`;
  await sandbox.docker(engine, ['build', '-q', ...tags.flatMap((t) => ['-t', t]), '-'], { input: dockerfile });
  return (await sandbox.docker(engine, ['image', 'inspect', tags[0]!, '--format', '{{.Id}}'])).stdout.trim();
}

/** Everything `docker image ls -a` shows, to prove a call changed nothing. */
async function state(engine: EngineName): Promise<string> {
  return (await sandbox.docker(engine, ['image', 'ls', '-a', '--no-trunc', '--digests', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}@{{.Digest}}'])).stdout
    .split('\n')
    .sort()
    .join('\n');
}

async function exists(engine: EngineName, ref: string): Promise<boolean> {
  try {
    await sandbox.docker(engine, ['image', 'inspect', ref]);
    return true;
  } catch {
    return false;
  }
}

/** What removeImages and pruneImages answer (the same payload shape). */
type Payload = { results: ImageRemovalFieldsFragment[]; userErrors: UserErrorFieldsFragment[] };

async function removeImages(input: RemoveImagesInput): Promise<Payload> {
  return (await hangar.sdk.removeImages({ input })).removeImages;
}

async function pruneImages(input: PruneImagesInput): Promise<Payload> {
  return (await hangar.sdk.pruneImages({ input })).pruneImages;
}

/** A dry run changes nothing and predicts the real run exactly; returns the real run. */
async function dryThenReal(kind: 'remove', input: RemoveImagesInput, engines: EngineName[]): Promise<Payload>;
async function dryThenReal(kind: 'prune', input: PruneImagesInput, engines: EngineName[]): Promise<Payload>;
async function dryThenReal(kind: 'remove' | 'prune', input: RemoveImagesInput & PruneImagesInput, engines: EngineName[]): Promise<Payload> {
  const call = (dryRun: boolean) => (kind === 'remove' ? removeImages({ ...input, dryRun }) : pruneImages({ ...input, dryRun }));
  const before = await Promise.all(engines.map(state));
  const dry = await call(true);
  expect(await Promise.all(engines.map(state))).toEqual(before);
  const real = await call(false);
  expect(real.userErrors).toEqual(dry.userErrors);
  const view = (p: Payload, ordered: boolean) =>
    p.results.map((r) => ({
      host: r.host,
      untagged: ordered ? r.untagged : [...r.untagged].sort(),
      deleted: ordered ? r.deleted : [...r.deleted].sort(),
      reclaimedBytes: r.reclaimedBytes,
    }));
  // The engine prunes in Go map order (random): compare prune records as sets, remove records in order.
  expect(view(real, kind === 'remove')).toEqual(view(dry, kind === 'remove'));
  expect(dry.results.every((r) => r.dryRun)).toBe(true);
  expect(real.results.every((r) => !r.dryRun)).toBe(true);
  return real;
}

describe('tagImage', () => {
  it('tags as `docker tag` does and answers the tagged image', async () => {
    const target = `mut-${run}/tagged:v1`;
    const data = await hangar.sdk.tagImage({ input: { host: 'gamma', source: info.seed.baseRef, target } });
    const id = (await sandbox.docker('gamma', ['image', 'inspect', target, '--format', '{{.Id}}'])).stdout.trim();
    expect(data.tagImage.userErrors).toEqual([]);
    expect(data.tagImage.image!.imageId).toBe(id);
    expect(id).toBe(info.seed.engines.gamma.imageIds[info.seed.baseRef]);
    expect(data.tagImage.image!.repoTags).toContain(target);
    expect(data.tagImage.image!.hostName).toBe('gamma');
    // the name alone means latest, as in docker
    const latest = await hangar.sdk.tagImage({ input: { host: 'gamma', source: target, target: `mut-${run}/tagged` } });
    expect(latest.tagImage.userErrors).toEqual([]);
    expect(latest.tagImage.image!.repoTags).toContain(`mut-${run}/tagged:latest`);
    expect(await exists('gamma', `mut-${run}/tagged:latest`)).toBe(true);
  });

  it.each<[string, Omit<TagImageInput, 'host'> & { host?: string }, string, string]>([
    ['a digest target', { source: 'hangar-test/base:1.0', target: `x/y@sha256:${'a'.repeat(64)}` }, 'BAD_REQUEST', 'target'],
    ['an upper-case target', { source: 'hangar-test/base:1.0', target: 'X/Y:1' }, 'BAD_REQUEST', 'target'],
    ['a missing source', { source: 'hangar-test/nope:1', target: 'x/y:1' }, 'NOT_FOUND', 'source'],
    ['an unknown host', { host: 'nope', source: 'a', target: 'b' }, 'HOST_NOT_FOUND', 'host'],
  ])('refuses %s with a user error', async (_name, input, code, field) => {
    const before = await state('gamma');
    const data = await hangar.sdk.tagImage({ input: { host: 'gamma', ...input } });
    expect(data.tagImage.image).toBeNull();
    expect(data.tagImage.userErrors[0]).toMatchObject({ code, field: ['input', field] });
    expect(await state('gamma')).toBe(before);
  });
});

describe('removeImages', () => {
  it('by tag: untags one of several tags, then removes the image with its last tag, as docker rmi', async () => {
    const [a, b] = [`mut-${run}/two:a`, `mut-${run}/two:b`];
    const id = await build('alpha', [a, b]);
    const first = await dryThenReal('remove', { hosts: ['alpha'], refs: [a] }, ['alpha']);
    expect(first.results).toEqual([{ host: 'alpha', dryRun: false, untagged: [a], deleted: [], reclaimedBytes: 0 }]);
    expect(await exists('alpha', id)).toBe(true);
    const second = await dryThenReal('remove', { hosts: ['alpha'], refs: [b] }, ['alpha']);
    expect(second.results[0]!.untagged).toEqual([b]);
    expect(second.results[0]!.deleted[0]).toBe(id);
    expect(second.results[0]!.reclaimedBytes).toBeGreaterThan(0);
    expect(await exists('alpha', id)).toBe(false);
  });

  it('by ID prefix', async () => {
    const id = await build('beta', [`mut-${run}/prefix:1`]);
    const ids = (await sandbox.docker('beta', ['image', 'ls', '-a', '-q', '--no-trunc'])).stdout.trim().split('\n');
    let length = 4;
    while (ids.filter((other) => other.startsWith(id.slice(0, 7 + length))).length > 1) length++;
    const real = await dryThenReal('remove', { hosts: ['beta'], refs: [id.slice(7, 7 + length)] }, ['beta']);
    expect(real.results[0]!.untagged).toEqual([`mut-${run}/prefix:1`]);
    expect(real.results[0]!.deleted[0]).toBe(id);
    expect(await exists('beta', id)).toBe(false);
  });

  it('an ambiguous prefix deletes nothing, not even the other refs of the call', async () => {
    const keep = `mut-${run}/keep:1`;
    await build('alpha', [keep]);
    const ids = (await sandbox.docker('alpha', ['image', 'ls', '-a', '-q', '--no-trunc'])).stdout.trim().split('\n').map((id) => id.slice(7));
    const counts = new Map<string, number>();
    for (const id of new Set(ids)) counts.set(id[0]!, (counts.get(id[0]!) ?? 0) + 1);
    const prefix = [...counts].find(([, count]) => count > 1)![0];
    const before = await state('alpha');
    for (const dryRun of [true, false]) {
      const payload = await removeImages({ hosts: ['alpha'], refs: [keep, prefix], force: true, dryRun });
      expect(payload.results).toEqual([]);
      expect(payload.userErrors).toEqual([{ code: 'AMBIGUOUS_REFERENCE', message: expect.stringContaining('nothing was removed'), field: ['input', 'refs'], host: 'alpha' }]);
    }
    expect(await state('alpha')).toBe(before);
  });

  it('by filter across two hosts, like docker rmi $(docker images -q FILTER)', async () => {
    for (const engine of ['alpha', 'beta'] as const) {
      await build(engine, [`mutf-${run}/a:1`]);
      await build(engine, [`mutf-${run}/b:1`]);
    }
    const real = await dryThenReal('remove', { hosts: ['alpha', 'beta'], filter: { reference: [`mutf-${run}/*`] } }, ['alpha', 'beta']);
    expect(real.results.map((r) => r.host).sort()).toEqual(['alpha', 'beta']);
    for (const result of real.results) expect(result.untagged.sort()).toEqual([`mutf-${run}/a:1`, `mutf-${run}/b:1`]);
    for (const engine of ['alpha', 'beta'] as const) {
      expect((await sandbox.docker(engine, ['image', 'ls', '-q', '-f', `reference=mutf-${run}/*`])).stdout.trim()).toBe('');
    }
  });

  it('an image a container uses: a conflict without force, removed with force', async () => {
    const ref = `mut-${run}/used:1`;
    const id = await build('gamma', [ref]);
    await sandbox.docker('gamma', ['create', '--name', `used-${run}`, ref]);
    const refused = await dryThenReal('remove', { hosts: ['gamma'], refs: [ref] }, ['gamma']);
    expect(refused.results).toEqual([{ host: 'gamma', dryRun: false, untagged: [], deleted: [], reclaimedBytes: 0 }]);
    expect(refused.userErrors).toEqual([{ code: 'CONFLICT', message: expect.stringMatching(/must force.*container .* is using its referenced image/), field: ['input', 'refs', '0'], host: 'gamma' }]);
    expect(await exists('gamma', ref)).toBe(true);
    const forced = await dryThenReal('remove', { hosts: ['gamma'], refs: [ref], force: true }, ['gamma']);
    expect(forced.results[0]!.untagged).toEqual([ref]);
    // The image and its untagged build parent go; its layers stay, held by the container.
    expect(forced.results[0]!.deleted[0]).toBe(id);
    expect(forced.results[0]!.reclaimedBytes).toBe(0);
    expect(await exists('gamma', ref)).toBe(false);
  });

  it('an image with several tags removed by ID needs force, as in docker', async () => {
    const id = await build('beta', [`mut-${run}/multi:a`, `mut-${run}/multi:b`]);
    const refused = await dryThenReal('remove', { hosts: ['beta'], refs: [id] }, ['beta']);
    expect(refused.userErrors[0]).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/must be forced\) - image is referenced in multiple repositories/) });
    const forced = await dryThenReal('remove', { hosts: ['beta'], refs: [id], force: true }, ['beta']);
    expect(forced.results[0]!.untagged.sort()).toEqual([`mut-${run}/multi:a`, `mut-${run}/multi:b`]);
    expect(forced.results[0]!.deleted[0]).toBe(id);
  });

  it('a parent with a child image cannot be removed, even with force', async () => {
    const parent = `mut-${run}/parent:1`;
    await build('alpha', [parent]);
    await sandbox.docker('alpha', ['build', '-q', '-t', `mut-${run}/child:1`, '-'], { input: `FROM ${parent}\nRUN echo child > /child\n` });
    const parentId = (await sandbox.docker('alpha', ['image', 'inspect', parent, '--format', '{{.Id}}'])).stdout.trim();
    const refused = await dryThenReal('remove', { hosts: ['alpha'], refs: [parentId], force: true }, ['alpha']);
    expect(refused.userErrors[0]).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/cannot be forced\) - image has dependent child images/) });
    // Untagging the parent by name works and leaves the image for its child.
    const untagged = await dryThenReal('remove', { hosts: ['alpha'], refs: [parent] }, ['alpha']);
    expect(untagged.results[0]).toMatchObject({ untagged: [parent], deleted: [] });
    expect(await exists('alpha', parentId)).toBe(true);
    // Removing the child now prunes the untagged parent too, unless noPrune.
    const childId = (await sandbox.docker('alpha', ['image', 'inspect', `mut-${run}/child:1`, '--format', '{{.Id}}'])).stdout.trim();
    const removed = await dryThenReal('remove', { hosts: ['alpha'], refs: [`mut-${run}/child:1`] }, ['alpha']);
    expect(removed.results[0]!.deleted).toContain(childId);
    expect(removed.results[0]!.deleted).toContain(parentId);
  });

  it('a missing image is NOT_FOUND for that ref; the other refs are still removed', async () => {
    const ref = `mut-${run}/present:1`;
    await build('gamma', [ref]);
    const real = await dryThenReal('remove', { hosts: ['gamma'], refs: [`mut-${run}/absent:1`, ref] }, ['gamma']);
    expect(real.userErrors).toEqual([{ code: 'NOT_FOUND', message: expect.stringContaining('absent'), field: ['input', 'refs', '0'], host: 'gamma' }]);
    expect(real.results[0]!.untagged).toEqual([ref]);
  });

  it.each<[RemoveImagesInput, string]>([
    [{ refs: ['Bad/Name'] }, 'BAD_REQUEST'],
    [{ refs: [] }, 'BAD_REQUEST'],
    [{}, 'BAD_REQUEST'],
    [{ refs: ['a'], filter: { dangling: true } }, 'BAD_REQUEST'],
    [{ refs: ['a'], hosts: ['nope'] }, 'HOST_NOT_FOUND'],
    [{ filter: { until: 'soon' } }, 'BAD_REQUEST'],
    [{ refs: ['a'], hosts: [] }, 'BAD_REQUEST'],
    [{ refs: ['a'], allHosts: true }, 'BAD_REQUEST'],
  ])('bad input %j is a user error and removes nothing', async (input, code) => {
    const before = await state('alpha');
    const payload = await removeImages({ hosts: ['alpha'], ...input });
    expect(payload.results).toEqual([]);
    expect(payload.userErrors[0]?.code).toBe(code);
    expect(await state('alpha')).toBe(before);
  });
});

describe('pruneImages', () => {
  it('dangling only, restricted by label: the dry run lists what the real prune deletes and the bytes it frees', async () => {
    for (const engine of ['alpha', 'beta'] as const) {
      await build(engine, [`mutp-${run}/d:1`]);
      await build(engine, [`mutp-${run}/d:1`]); // the first build is now dangling
    }
    const real = await dryThenReal('prune', { hosts: ['alpha', 'beta'], label: [LABEL] }, ['alpha', 'beta']);
    for (const result of real.results) {
      expect(result.deleted.length).toBeGreaterThanOrEqual(2); // the image and its unique layer
      expect(result.reclaimedBytes).toBeGreaterThan(0);
    }
    for (const engine of ['alpha', 'beta'] as const) expect(await exists(engine, `mutp-${run}/d:1`)).toBe(true);
  });

  it('all unused images with until and label: nothing before the images existed, then all of them', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    await build('gamma', [`mutp-${run}/all:1`]);
    await build('gamma', [`mutp-${run}/all:2`]);
    const none = await dryThenReal('prune', { hosts: ['gamma'], all: true, label: [LABEL], until: '2000-01-01T00:00:00Z' }, ['gamma']);
    expect(none.results[0]!.deleted).toEqual([]);
    const all = await dryThenReal('prune', { hosts: ['gamma'], all: true, label: [LABEL], labelNot: ['org.hangar.never=1'] }, ['gamma']);
    expect(all.results[0]!.untagged).toEqual(expect.arrayContaining([`mutp-${run}/all:1`, `mutp-${run}/all:2`]));
    expect(await exists('gamma', `mutp-${run}/all:1`)).toBe(false);
    expect(since < new Date().toISOString()).toBe(true);
  });

  it('keeps images that carry the label! filter', async () => {
    await build('beta', [`mutp-${run}/kept:1`], 'LABEL org.hangar.keep=yes');
    const real = await dryThenReal('prune', { hosts: ['beta'], all: true, label: [LABEL], labelNot: ['org.hangar.keep=yes'] }, ['beta']);
    expect(real.results[0]!.untagged).not.toContain(`mutp-${run}/kept:1`);
    expect(await exists('beta', `mutp-${run}/kept:1`)).toBe(true);
  });

  it.each<[PruneImagesInput, string]>([
    [{ until: 'tomorrow' }, 'BAD_REQUEST'],
    [{ label: ['=x'] }, 'BAD_REQUEST'],
    [{ hosts: ['nope'] }, 'HOST_NOT_FOUND'],
    [{ hosts: [] }, 'BAD_REQUEST'],
    [{ allHosts: true }, 'BAD_REQUEST'],
  ])('bad input %j is a user error and prunes nothing', async (input, code) => {
    const payload = await pruneImages({ hosts: ['gamma'], all: true, label: [LABEL], ...input });
    expect(payload.results).toEqual([]);
    expect(payload.userErrors[0]?.code).toBe(code);
  });
});

describe('no default hosts: remove and prune act only where asked', () => {
  const ALL: EngineName[] = ['alpha', 'beta', 'gamma'];
  /** `docker image ls -a` (IDs, tags, digests) on each engine. */
  const everyEngine = () => Promise.all(ALL.map(state));
  /** On every engine: a tagged image and a dangling one (its first build), both removable, both prunable. */
  const tag = `mut-sel-${run}/x_${randomBytes(2).toString('hex')}:v1.${run.length}`;

  beforeAll(async () => {
    for (const engine of ALL) {
      await build(engine, [tag], 'LABEL org.hangar.sel="two words, \\"quoted\\""');
      await build(engine, [tag]);
    }
  });

  it.each<[string, Omit<RemoveImagesInput, 'refs' | 'filter'>, string[]]>([
    ['no hosts', {}, ['input', 'hosts']],
    ['hosts: []', { hosts: [] }, ['input', 'hosts']],
    ['allHosts: false', { allHosts: false }, ['input', 'hosts']],
    ['hosts and allHosts', { hosts: ['beta'], allHosts: true }, ['input', 'allHosts']],
  ])('removeImages with %s is BAD_REQUEST naming the field, and no engine changes', async (_what, selection, field) => {
    const before = await everyEngine();
    for (const input of [{ refs: [tag] }, { filter: { reference: [`mut-sel-${run}/*`] }, force: true }, { refs: [tag], force: true, dryRun: true }] as RemoveImagesInput[]) {
      const payload = await removeImages({ ...input, ...selection });
      expect(payload.results).toEqual([]);
      expect(payload.userErrors).toEqual([{ code: 'BAD_REQUEST', message: expect.stringMatching(/hosts|allHosts/), field, host: null }]);
    }
    expect(await everyEngine()).toEqual(before);
  });

  it.each<[string, Omit<PruneImagesInput, 'all' | 'label'>, string[]]>([
    ['no hosts', {}, ['input', 'hosts']],
    ['hosts: []', { hosts: [] }, ['input', 'hosts']],
    ['allHosts: null', { allHosts: null }, ['input', 'hosts']],
    ['hosts and allHosts', { hosts: ['alpha', 'gamma'], allHosts: true }, ['input', 'allHosts']],
  ])('pruneImages with %s is BAD_REQUEST naming the field, and no engine changes', async (_what, selection, field) => {
    const before = await everyEngine();
    for (const all of [false, true]) {
      const payload = await pruneImages({ all, label: [LABEL], ...selection });
      expect(payload.results).toEqual([]);
      expect(payload.userErrors).toEqual([{ code: 'BAD_REQUEST', message: expect.stringMatching(/hosts|allHosts/), field, host: null }]);
    }
    expect(await everyEngine()).toEqual(before);
  });

  it('allHosts: true removes on every host, and the dry run predicts it', async () => {
    const tag = `mut-all-${run}/every:${randomBytes(3).toString('hex')}`;
    const ids = await Promise.all(ALL.map((engine) => build(engine, [tag])));
    const real = await dryThenReal('remove', { allHosts: true, refs: [tag] }, ALL);
    expect(real.userErrors).toEqual([]);
    expect(real.results.map((r) => r.host).sort()).toEqual(ALL);
    for (const [i, engine] of ALL.entries()) {
      const result = real.results.find((r) => r.host === engine)!;
      expect(result.untagged).toEqual([tag]);
      expect(result.deleted[0]).toBe(ids[i]);
      expect(await exists(engine, ids[i]!)).toBe(false);
    }
  });

  it('allHosts: true prunes every host (only what the label selects)', async () => {
    const label = `org.hangar.prune-all=${run}-${randomBytes(2).toString('hex')}`;
    const kept = `mutpa-${run}/kept:1`;
    const dangling: string[] = [];
    for (const engine of ALL) {
      dangling.push(await build(engine, [kept], `LABEL ${label}`));
      await build(engine, [kept], `LABEL ${label}`);
    }
    const real = await dryThenReal('prune', { allHosts: true, label: [label] }, ALL);
    expect(real.userErrors).toEqual([]);
    expect(real.results.map((r) => r.host).sort()).toEqual(ALL);
    for (const [i, engine] of ALL.entries()) {
      expect(real.results.find((r) => r.host === engine)!.deleted).toContain(dangling[i]);
      expect(await exists(engine, dangling[i]!)).toBe(false);
      expect(await exists(engine, kept)).toBe(true);
    }
  });
});

describe('commitContainer', () => {
  /** What the tests read of `docker image inspect` for a committed image. */
  interface DockerInspect {
    Id: string;
    RepoTags: string[];
    Author: string;
    Comment: string;
    Config: {
      Cmd: string[] | null;
      Entrypoint: string[] | null;
      Env: string[] | null;
      ExposedPorts: Record<string, object> | null;
      Labels: Record<string, string> | null;
      User: string;
      WorkingDir: string;
      Volumes: Record<string, object> | null;
      OnBuild: string[] | null;
    };
  }

  it('commits a container with author, message and every kind of change, as docker inspect shows them', async () => {
    const name = `commit-${run}`;
    await sandbox.docker('alpha', ['run', '--network', 'none', '--name', name, info.seed.baseRef, 'sh', '-c', 'echo committed > /committed']);
    const changes = [
      'CMD ["sh", "-c", "cat /committed"]',
      'ENTRYPOINT ["/bin/sh", "-c"]',
      'ENV GREETING=hello OTHER="two words"',
      'EXPOSE 8080/tcp 9090/udp',
      'LABEL org.hangar.committed=yes',
      'USER nobody',
      'WORKDIR /srv',
      'VOLUME ["/data"]',
      'ONBUILD RUN echo child',
    ];
    const data = await hangar.sdk.commitContainer({
      input: { host: 'alpha', container: name, repo: `mut-${run}/committed`, tag: 'v1', author: 'Ada <ada@example.com>', message: 'saved state', changes },
    });
    expect(data.commitContainer.userErrors).toEqual([]);
    const { stdout } = await sandbox.docker('alpha', ['image', 'inspect', `mut-${run}/committed:v1`]);
    const raw = (JSON.parse(stdout) as DockerInspect[])[0]!;
    expect(data.commitContainer.image!.imageId).toBe(raw.Id);
    expect(data.commitContainer.image!.repoTags).toEqual(raw.RepoTags);
    expect(raw.Author).toBe('Ada <ada@example.com>');
    expect(raw.Comment).toBe('saved state');
    expect(raw.Config.Cmd).toEqual(['sh', '-c', 'cat /committed']);
    expect(raw.Config.Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(raw.Config.Env).toEqual(expect.arrayContaining(['GREETING=hello', 'OTHER=two words']));
    expect(Object.keys(raw.Config.ExposedPorts ?? {}).sort()).toEqual(['8080/tcp', '9090/udp']);
    expect(raw.Config.Labels?.['org.hangar.committed']).toBe('yes');
    expect(raw.Config.User).toBe('nobody');
    expect(raw.Config.WorkingDir).toBe('/srv');
    expect(Object.keys(raw.Config.Volumes ?? {})).toEqual(['/data']);
    expect(raw.Config.OnBuild).toEqual(['RUN echo child']);
    // Hangar's inspect of the committed image shows the same details as docker's.
    const details = (await hangar.sdk.imageInspect({ host: 'alpha', ref: data.commitContainer.image!.imageId })).host!.image!.details;
    expect(details).toMatchObject({ author: raw.Author, comment: raw.Comment });
    expect(details.config).toMatchObject({
      cmd: raw.Config.Cmd,
      entrypoint: raw.Config.Entrypoint,
      env: raw.Config.Env,
      user: raw.Config.User,
      workingDir: raw.Config.WorkingDir,
      onBuild: raw.Config.OnBuild,
    });
    expect([...details.config.exposedPorts].sort()).toEqual(Object.keys(raw.Config.ExposedPorts ?? {}).sort());
    expect(details.config.volumes).toEqual(Object.keys(raw.Config.Volumes ?? {}));
    expect(details.config.labels).toContainEqual({ key: 'org.hangar.committed', value: 'yes' });
    // The container's file is in the image.
    const cat = await sandbox.docker('alpha', ['run', '--rm', '--network', 'none', '--entrypoint', 'cat', `mut-${run}/committed:v1`, '/committed']);
    expect(cat.stdout.trim()).toBe('committed');
  });

  it('a bad change is a user error naming it, and no image is created', async () => {
    const name = `commit-bad-${run}`;
    await sandbox.docker('alpha', ['create', '--name', name, info.seed.baseRef]);
    const before = await state('alpha');
    const data = await hangar.sdk.commitContainer({
      input: { host: 'alpha', container: name, repo: `mut-${run}/bad`, changes: ['ENV OK=1', 'RUN echo no', 'EXPOSE 99999', 'FROBNICATE x'] },
    });
    expect(data.commitContainer.image).toBeNull();
    expect(data.commitContainer.userErrors.map((e) => [e.code, e.field])).toEqual([
      ['BAD_REQUEST', ['input', 'changes', '1']],
      ['BAD_REQUEST', ['input', 'changes', '2']],
      ['BAD_REQUEST', ['input', 'changes', '3']],
    ]);
    expect(data.commitContainer.userErrors[0]!.message).toMatch(/RUN/);
    expect(await state('alpha')).toBe(before);
  });

  it.each<[Omit<CommitContainerInput, 'host'>, string, string]>([
    [{ container: 'no-such-container' }, 'NOT_FOUND', 'container'],
    [{ container: 'hangar-keep', repo: 'Bad/Repo' }, 'BAD_REQUEST', 'repo'],
    [{ container: 'hangar-keep', tag: 'v1' }, 'BAD_REQUEST', 'repo'],
  ])('%j is a user error', async (input, code, field) => {
    const before = await state('beta');
    const data = await hangar.sdk.commitContainer({ input: { host: 'beta', ...input } });
    expect(data.commitContainer.image).toBeNull();
    expect(data.commitContainer.userErrors[0]).toMatchObject({ code, field: ['input', field] });
    expect(await state('beta')).toBe(before);
  });
});

describe('audit trail', () => {
  it('records every mutation with who, what, where and outcome, and no secret', async () => {
    const result = await hangar.sdk.auditLog({ first: 500 });
    const nodes = result.auditLog.nodes;
    const actions = new Set(nodes.map((n) => n.action));
    for (const action of ['tagImage', 'removeImages', 'pruneImages', 'commitContainer']) expect(actions).toContain(action);
    expect(nodes.some((n) => n.outcome === 'dry-run')).toBe(true);
    expect(nodes.some((n) => n.action === 'removeImages' && n.target.includes(`mut-${run}/two:a`))).toBe(true);
    expect(nodes[0]!.actor.role).toBe('admin');
    const text = JSON.stringify(result);
    expect(text).not.toContain(hangar.token);
    expect(text).not.toContain(info.registry.password);
    const older = await hangar.sdk.auditLog({ first: 1, after: 'nonsense' }).catch((e: unknown) => e);
    expect(older).toBeInstanceOf(HangarError);
    expect(older).toMatchObject({ code: 'BAD_REQUEST' });
  });
});
