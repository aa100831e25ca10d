// The typed SDK (@hangar/sdk) against a running Hangar on the sandbox: every operation it ships, each checked
// against the docker CLI on the same engine, and its typed errors.
import { randomBytes } from 'node:crypto';
import {
  allNodes,
  createHangarClient,
  HangarError,
  HangarUserError,
  HostsDocument,
  throwOnUserErrors,
  type HangarClient,
} from '@hangar/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { LOOPBACK_EGRESS, sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { INDEX_FIXTURE, startSearchIndex } from './support/search-index.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = randomBytes(3).toString('hex');
const LABEL = `org.hangar.sdk-run=${run}`;
const ENGINES: EngineName[] = ['alpha', 'beta', 'gamma'];

let hangar: TestHangar;
let client: HangarClient;
let index: Awaited<ReturnType<typeof startSearchIndex>>;

async function docker(engine: EngineName, args: string[]): Promise<string> {
  return (await sandbox.docker(engine, args)).stdout;
}

/** Builds a small image FROM the seed base with this run's label; returns its ID. */
async function build(engine: EngineName, tag: string): Promise<string> {
  await sandbox.docker(engine, ['build', '-q', '-t', tag, '-'], { input: `FROM ${info.seed.baseRef}\nLABEL ${LABEL}\nRUN echo ${randomBytes(6).toString('hex')} > /sdk\n` });
  return (await docker(engine, ['image', 'inspect', '-f', '{{.Id}}', tag])).trim();
}

beforeAll(async () => {
  index = await startSearchIndex(INDEX_FIXTURE);
  process.env.HANGAR_SDK_TEST_REGISTRY_PASSWORD = info.registry.password;
  hangar = await startTestHangar(info, {
    fleet: { hostTimeoutMs: 5_000 },
    hosts: ENGINES.map((name) => sandboxHost(info, name)),
    registries: [{ name: 'sandbox', url: info.registry.url, username: info.registry.username, passwordEnv: 'HANGAR_SDK_TEST_REGISTRY_PASSWORD' }],
    egress: LOOPBACK_EGRESS,
  });
  client = hangar.sdk;
});

afterAll(async () => {
  await hangar?.stop();
  await index?.close();
  for (const engine of ENGINES) {
    await docker(engine, ['rm', '-f', `sdk-commit-${run}`]).catch(() => {});
    const mine = (await docker(engine, ['image', 'ls', '-a', '-q', '--no-trunc', '-f', `label=${LABEL}`]).catch(() => '')).split('\n').filter(Boolean);
    for (const id of new Set(mine)) await docker(engine, ['rmi', '-f', id]).catch(() => {});
  }
});

describe('hosts', () => {
  it('hosts: every host UP, with the engine version docker reports and the configured labels', async () => {
    const { hosts } = await client.hosts({ refresh: true });
    expect(hosts.map((host) => host.name)).toEqual(ENGINES);
    for (const host of hosts) {
      expect(host.status).toBe('UP');
      expect(host.engine?.version).toBe((await docker(host.name as EngineName, ['version', '--format', '{{.Server.Version}}'])).trim());
      expect(Object.fromEntries(host.labels.map(({ key, value }) => [key, value]))).toEqual(info.engines[host.name as EngineName].labels);
    }
  });

  it('host: one host by name, null for an unknown name; request() runs any typed document', async () => {
    const { host } = await client.host({ name: 'gamma' });
    expect(host).toMatchObject({ name: 'gamma', endpoint: info.engines.gamma.endpoint, status: 'UP' });
    expect((await client.host({ name: 'nope' })).host).toBeNull();
    const viaRequest = await client.request(HostsDocument);
    expect(viaRequest.hosts).toHaveLength(3);
  });
});

describe('images', () => {
  it('hostImages: every page, the images docker image ls -a lists', async () => {
    const nodes = await allNodes(async (after) => (await client.hostImages({ host: 'alpha', all: true, first: 3, after })).host!.images);
    const ids = (await docker('alpha', ['image', 'ls', '-a', '-q', '--no-trunc'])).trim().split('\n');
    expect(nodes.map((image) => image.imageId).sort()).toEqual([...new Set(ids)].sort());
    expect(nodes.every((image) => image.hostName === 'alpha')).toBe(true);
    const created = nodes.map((image) => Date.parse(image.created));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('fleetImages: several hosts at once, an unknown host as a HostError', async () => {
    const { images } = await client.fleetImages({ hosts: ['alpha', 'beta', 'nope'], filter: { reference: [info.seed.baseRef] } });
    expect(images.nodes.map((image) => [image.hostName, image.imageId]).sort()).toEqual(
      [
        ['alpha', info.seed.engines.alpha.imageIds[info.seed.baseRef]],
        ['beta', info.seed.engines.beta.imageIds[info.seed.baseRef]],
      ].sort(),
    );
    expect(images.hostErrors).toEqual([{ host: 'nope', code: 'HOST_NOT_FOUND', message: expect.any(String) }]);
  });

  it('imageInspect: docker image inspect’s ID, tags, labels and layers', async () => {
    const ref = info.seed.sharedLayerRefs[0];
    const { host } = await client.imageInspect({ host: 'beta', ref });
    const [raw] = JSON.parse(await docker('beta', ['image', 'inspect', ref])) as { Id: string; RepoTags: string[]; Config: { Labels: Record<string, string>; Cmd: string[] }; RootFS: { Layers: string[] } }[];
    const image = host!.image!;
    expect(image.imageId).toBe(raw!.Id);
    expect(image.repoTags).toEqual(raw!.RepoTags);
    expect(Object.fromEntries(image.details.config.labels.map(({ key, value }) => [key, value]))).toEqual(raw!.Config.Labels);
    expect(image.details.config.cmd).toEqual(raw!.Config.Cmd);
    expect(image.details.rootFS.layers).toEqual(raw!.RootFS.Layers);
    expect((await client.imageInspect({ host: 'beta', ref: 'hangar-test/nope:1' })).host!.image).toBeNull();
  });

  it('imageHistory: the steps docker history lists', async () => {
    const ref = info.seed.sharedLayerRefs[1];
    const { host } = await client.imageHistory({ host: 'gamma', ref });
    const rows = (await docker('gamma', ['history', '--no-trunc', '--format', '{{.ID}}|{{.CreatedBy}}', ref])).trim().split('\n');
    expect(host!.image!.history.map((entry) => `${entry.id ?? '<missing>'}|${entry.createdBy}`)).toEqual(rows);
  });

  it('imageLayers and hostLayers: the RootFS layers, and the base layer shared by every image', async () => {
    const ref = info.seed.sharedLayerRefs[0];
    const { host } = await client.imageLayers({ host: 'alpha', ref });
    const layers = JSON.parse(await docker('alpha', ['image', 'inspect', '-f', '{{json .RootFS.Layers}}', ref])) as string[];
    expect(host!.image!.layers.map((layer) => layer.diffId)).toEqual(layers);
    const shared = host!.image!.layers[0]!.sharedWith.map((image) => image.imageId);
    expect(shared).toContain(info.seed.engines.alpha.imageIds[info.seed.baseRef]);
    const { host: withLayers } = await client.hostLayers({ host: 'alpha' });
    const base = withLayers!.layers.find((layer) => layer.diffId === layers[0]);
    expect(base!.imageIds).toContain(info.seed.engines.alpha.imageIds[ref]);
    expect(base!.savedBytes).toBe(base!.size * (base!.imageIds.length - 1));
  });

  it('locateImage: the hosts holding an image and those missing it', async () => {
    const found = await client.locateImage({ ref: info.seed.baseRef });
    expect(found.locateImage.images.map((image) => image.hostName).sort()).toEqual(ENGINES);
    expect(found.locateImage.missingOn).toEqual([]);
    const missing = await client.locateImage({ ref: `sdk-${run}/nope:1`, hosts: ['alpha', 'beta'] });
    expect(missing.locateImage.images).toEqual([]);
    expect([...missing.locateImage.missingOn].sort()).toEqual(['alpha', 'beta']);
  });
});

describe('disk usage and search', () => {
  it('diskUsage and fleetDiskUsage: docker system df’s counts, and fleet totals that add up', async () => {
    const { diskUsage } = await client.diskUsage({ hosts: ['beta'] });
    const rows = (await docker('beta', ['system', 'df', '--format', '{{.Type}}={{.TotalCount}}/{{.Active}}'])).trim().split('\n');
    const usage = diskUsage[0]!;
    expect(rows).toEqual([
      `Images=${usage.images.totalCount}/${usage.images.activeCount}`,
      `Containers=${usage.containers.totalCount}/${usage.containers.activeCount}`,
      `Local Volumes=${usage.volumes.totalCount}/${usage.volumes.activeCount}`,
      `Build Cache=${usage.buildCache.totalCount}/${usage.buildCache.activeCount}`,
    ]);
    const { fleetDiskUsage } = await client.fleetDiskUsage({});
    expect(fleetDiskUsage.hosts.map((host) => host.host).sort()).toEqual(ENGINES);
    expect(fleetDiskUsage.hostErrors).toEqual([]);
    expect(fleetDiskUsage.images.totalCount).toBe(fleetDiskUsage.hosts.reduce((sum, host) => sum + host.images.totalCount, 0));
  });

  it('searchImages: what docker search finds through the same engine and index', async () => {
    const term = `${index.host}/busy`;
    const expected = (await docker('gamma', ['search', '--format', '{{.Name}}', '--limit', '3', term])).trim().split('\n');
    const { searchImages } = await client.searchImages({ term, host: 'gamma', limit: 3 });
    expect(searchImages.map((hit) => hit.name)).toEqual(expected);
  });

  it('registries, registryRepositories and registryTags: the sandbox registry and what the seed pushed to it', async () => {
    const { registries } = await client.registries();
    expect(registries).toEqual([{ name: 'sandbox', url: info.registry.url, host: info.registry.host, kind: 'DISTRIBUTION', username: info.registry.username, hasPassword: true }]);
    const repositories = await allNodes(async (after) => (await client.registryRepositories({ registry: 'sandbox', first: 1, after })).registry!.repositories);
    expect(repositories).toContain(info.seed.pushed!.repository);
    const { registry } = await client.registryTags({ registry: 'sandbox', repository: info.seed.pushed!.repository });
    expect(registry!.tags.nodes).toContain(info.seed.pushed!.tag);
  });
});

describe('mutations', () => {
  it('tagImage: the new tag on the host; a missing source as userErrors, or as a HangarUserError when asked', async () => {
    const target = `sdk-${run}/tagged:v1`;
    await build('gamma', `sdk-${run}/source:1`);
    const { tagImage } = await client.tagImage({ input: { host: 'gamma', source: `sdk-${run}/source:1`, target } });
    const { image } = throwOnUserErrors(tagImage);
    expect(image!.repoTags).toContain(target);
    expect((await docker('gamma', ['image', 'inspect', '-f', '{{.Id}}', target])).trim()).toBe(image!.imageId);

    const input = { host: 'gamma', source: `sdk-${run}/nope:1`, target: `sdk-${run}/x:1` };
    const answered = await client.tagImage({ input });
    expect(answered.tagImage.image).toBeNull();
    expect(answered.tagImage.userErrors).toHaveLength(1);
    expect(answered.tagImage.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('nope'), field: ['input', 'source'] });
    const strict = createHangarClient({ url: hangar.url, token: hangar.token, throwOnUserErrors: true });
    const error = await strict.tagImage({ input }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HangarUserError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', codes: ['NOT_FOUND'] });
    expect((error as HangarUserError).userErrors[0]!.field).toEqual(['input', 'source']);
  });

  it('commitContainer: the container’s image, with author and message', async () => {
    const container = `sdk-commit-${run}`;
    await docker('alpha', ['create', '--name', container, info.seed.baseRef]);
    const { commitContainer } = await client.commitContainer({
      input: { host: 'alpha', container, repo: `sdk-${run}/committed`, tag: 'v1', author: 'Ada', message: 'saved', changes: [`LABEL ${LABEL}`] },
    });
    const { image } = throwOnUserErrors(commitContainer);
    const [raw] = JSON.parse(await docker('alpha', ['image', 'inspect', `sdk-${run}/committed:v1`])) as { Id: string; Author: string; Comment: string }[];
    expect(image!.imageId).toBe(raw!.Id);
    expect(raw).toMatchObject({ Author: 'Ada', Comment: 'saved' });
  });

  it('removeImages: a dry run predicts, the real call removes', async () => {
    const ref = `sdk-${run}/removed:1`;
    const id = await build('beta', ref);
    const dry = throwOnUserErrors((await client.removeImages({ input: { hosts: ['beta'], refs: [ref], dryRun: true } })).removeImages);
    expect(dry.results[0]).toMatchObject({ host: 'beta', dryRun: true, untagged: [ref] });
    expect(dry.results[0]!.deleted).toContain(id);
    const real = throwOnUserErrors((await client.removeImages({ input: { hosts: ['beta'], refs: [ref] } })).removeImages);
    expect({ ...real.results[0], dryRun: true }).toEqual(dry.results[0]);
    await expect(docker('beta', ['image', 'inspect', ref])).rejects.toThrow();
  });

  it('pruneImages: a dry run over the fleet, restricted to this run’s label', async () => {
    await build('alpha', `sdk-${run}/pruned:1`);
    await build('alpha', `sdk-${run}/pruned:1`); // the first build is now dangling
    const { pruneImages } = await client.pruneImages({ input: { hosts: ['alpha', 'beta'], label: [LABEL], dryRun: true } });
    expect(pruneImages.userErrors).toEqual([]);
    expect(pruneImages.results.map((result) => result.host).sort()).toEqual(['alpha', 'beta']);
    const alpha = pruneImages.results.find((result) => result.host === 'alpha')!;
    const dangling = (await docker('alpha', ['image', 'ls', '-q', '--no-trunc', '-f', 'dangling=true', '-f', `label=${LABEL}`])).trim().split('\n');
    for (const id of dangling) expect(alpha.deleted).toContain(id);
    expect(alpha.reclaimedBytes).toBeGreaterThan(0);
  });

  it('auditLog: the calls above, newest first, with who made them', async () => {
    const { auditLog } = await client.auditLog({ first: 100 });
    const actions = auditLog.nodes.map((entry) => entry.action);
    for (const action of ['tagImage', 'commitContainer', 'removeImages', 'pruneImages']) expect(actions).toContain(action);
    expect(auditLog.nodes[0]!.actor.role).toBe('admin');
    const times = auditLog.nodes.map((entry) => entry.at);
    expect(times).toEqual([...times].sort().reverse());
  });
});

describe('subscriptions', () => {
  it('imageEvents: a generated subscription method over graphql-ws, authenticated with the token', async () => {
    const ref = `sdk-${run}/event:1`;
    const events = client.imageEvents({ hosts: ['gamma'] })[Symbol.asyncIterator]();
    // The subscription is live once the server answers; tag until the engine's event comes through.
    const first = events.next();
    const tagger = setInterval(() => void docker('gamma', ['tag', info.seed.baseRef, ref]).catch(() => {}), 500);
    try {
      let next = await first;
      while (!next.done && !(next.value.imageEvents.action === 'tag' && next.value.imageEvents.ref?.includes(`sdk-${run}/event`))) next = await events.next();
      expect(next.done).toBe(false);
      expect(next.value!.imageEvents).toMatchObject({ host: 'gamma', action: 'tag' });
      expect(Date.parse(next.value!.imageEvents.time)).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      clearInterval(tagger);
      await events.return?.();
    }
    await docker('gamma', ['rmi', ref]).catch(() => {});
  });

  it('a wrong token is refused at connect time: UNAUTHENTICATED', async () => {
    const refused = createHangarClient({ url: hangar.url, token: 'hgr_wrong', subscriptionRetryAttempts: 0 });
    const iteration = (async () => {
      for await (const _ of refused.imageEvents({ hosts: ['gamma'] })) {
        /* refused before any event */
      }
    })();
    await expect(iteration).rejects.toMatchObject({ name: 'HangarError', code: 'UNAUTHENTICATED' });
    await refused.close();
  });
});

describe('typed errors', () => {
  it('a wrong token is HangarError UNAUTHENTICATED (HTTP 401)', async () => {
    const error = await createHangarClient({ url: hangar.url, token: 'hgr_wrong' })
      .hosts()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HangarError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('bad arguments are HangarError BAD_REQUEST', async () => {
    await expect(client.searchImages({ term: 'x', limit: 0 })).rejects.toMatchObject({ name: 'HangarError', code: 'BAD_REQUEST', message: expect.stringMatching(/limit/) });
    await expect(client.auditLog({ first: 1, after: 'nonsense' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('an ambiguous ID prefix is AMBIGUOUS_REFERENCE, with the partial data kept', async () => {
    const ids = (await docker('alpha', ['image', 'ls', '-a', '-q', '--no-trunc'])).trim().split('\n').map((id) => id.slice(7));
    const counts = new Map<string, number>();
    for (const id of new Set(ids)) counts.set(id[0]!, (counts.get(id[0]!) ?? 0) + 1);
    const prefix = [...counts].find(([, count]) => count > 1)![0];
    const error = (await client.imageInspect({ host: 'alpha', ref: prefix }).catch((e: unknown) => e)) as HangarError;
    expect(error).toMatchObject({ code: 'AMBIGUOUS_REFERENCE' });
    expect(error.data).toMatchObject({ host: { name: 'alpha', image: null } });
  });

  it('Hangar unreachable is NETWORK_ERROR; a cancelled call is ABORTED', async () => {
    await expect(createHangarClient({ url: 'http://127.0.0.1:9', token: 't' }).hosts()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    const controller = new AbortController();
    controller.abort();
    await expect(client.hosts({}, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
