import { inspect } from 'node:util';
import { allNodes, HangarUserError, type SearchImagesQuery, type SearchImagesQueryVariables } from '@hangar/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from '../sandbox/index.js';
import { dockerJsonLines } from './support/docker-cli.js';
import { LOOPBACK_EGRESS, sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { INDEX_FIXTURE, startSearchIndex } from './support/search-index.js';
import { sdkFailure } from './support/errors.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);

let hangar: TestHangar;
let index: Awaited<ReturnType<typeof startSearchIndex>>;

beforeAll(async () => {
  index = await startSearchIndex(INDEX_FIXTURE);
  process.env.HANGAR_TEST_REGISTRY_PASSWORD = info.registry.password;
  process.env.HANGAR_TEST_WRONG_PASSWORD = 'not-the-password-0123456789';
  hangar = await startTestHangar(info, {
    hosts: [sandboxHost(info, 'alpha'), sandboxHost(info, 'gamma')],
    registries: [
      { name: 'sandbox', url: info.registry.url, username: info.registry.username, passwordEnv: 'HANGAR_TEST_REGISTRY_PASSWORD' },
      { name: 'wrong-password', url: info.registry.url, username: info.registry.username, passwordEnv: 'HANGAR_TEST_WRONG_PASSWORD' },
      { name: 'test-index', url: `http://${index.host}`, kind: 'index' },
    ],
    egress: LOOPBACK_EGRESS,
  });
});

afterAll(async () => {
  await hangar?.stop();
  await index?.close();
});

type Hit = SearchImagesQuery['searchImages'][number];

interface DockerSearchRow {
  Name: string;
  Description: string;
  StarCount: string;
  IsOfficial: string;
}

async function search(variables: SearchImagesQueryVariables): Promise<Hit[]> {
  return (await hangar.sdk.searchImages(variables)).searchImages;
}


/** Everything a caller could print about an error: message, stack, every GraphQL error, partial data, cause. */
function everything(error: unknown): string {
  return inspect(error, { showHidden: true, depth: 10 });
}

function asDockerRows(hits: Hit[]): DockerSearchRow[] {
  return hits.map((hit) => ({ Name: hit.name, Description: hit.description ?? '', StarCount: String(hit.starCount), IsOfficial: String(hit.isOfficial) }));
}

describe('searchImages through an engine, against `docker search` on the same engine and index', () => {
  it.each([
    ['no filter', [], {}],
    ['stars', ['--filter', 'stars=50'], { filter: { stars: 50 } }],
    ['is-official', ['--filter', 'is-official=true'], { filter: { isOfficial: true } }],
    ['is-automated', ['--filter', 'is-automated=true'], { filter: { isAutomated: true } }],
    ['limit', ['--limit', '2'], { limit: 2 }],
    ['filters and limit together', ['--filter', 'is-official=false', '--limit', '2'], { filter: { isOfficial: false }, limit: 2 }],
  ])('%s', async (_name, args, variables) => {
    const term = `${index.host}/busy`;
    const expected = await dockerJsonLines<DockerSearchRow>(sandbox, 'gamma', ['search', '--no-trunc', '--format', 'json', ...args, term]);
    const hits = await search({ term, host: 'gamma', ...variables });
    expect(expected.length).toBeGreaterThan(0);
    expect(asDockerRows(hits)).toEqual(expected.map(({ Name, Description, StarCount, IsOfficial }) => ({ Name, Description, StarCount, IsOfficial })));
    for (const hit of hits) expect(hit.registry).toBe(index.host);
  });

  it('a configured index registry is searched the same way and named in the results', async () => {
    const expected = await dockerJsonLines<DockerSearchRow>(sandbox, 'alpha', ['search', '--no-trunc', '--format', 'json', `${index.host}/nginx`]);
    const hits = await search({ term: 'nginx', registry: 'test-index' });
    expect(asDockerRows(hits)).toEqual(expected.map(({ Name, Description, StarCount, IsOfficial }) => ({ Name, Description, StarCount, IsOfficial })));
    expect(hits.every((hit) => hit.registry === 'test-index')).toBe(true);
  });

  it('Docker Hub unreachable is an engine error with the engine’s reason, not a crash', async () => {
    const error = await sdkFailure(hangar.sdk.searchImages({ term: 'busybox', host: 'alpha' }));
    expect(error.status).toBe(200);
    expect(error.code).toBe('ENGINE_ERROR');
    expect(error.errors[0]?.extensions?.code).toBe('ENGINE_ERROR');
    expect(error.errors[0]?.message).toMatch(/index\.docker\.io|no such host|lookup/);
  });
});

describe('a Distribution registry: search by catalog, browse repositories and tags', () => {
  const basic = () => `Basic ${Buffer.from(`${info.registry.username}:${info.registry.password}`).toString('base64')}`;

  // The registry's own answers (its HTTP API, not Hangar's): what Hangar must match.
  async function catalog(): Promise<string[]> {
    const response = await fetch(`${info.registry.url}/v2/_catalog?n=1000`, { headers: { authorization: basic() } });
    return ((await response.json()) as { repositories: string[] }).repositories;
  }

  async function registryTagList(repository: string): Promise<string[]> {
    const response = await fetch(`${info.registry.url}/v2/${repository}/tags/list`, { headers: { authorization: basic() } });
    return ((await response.json()) as { tags: string[] | null }).tags ?? [];
  }

  it('lists the sandbox registry’s repositories that match the term', async () => {
    const repositories = await catalog();
    const hits = await search({ term: 'hangar-test', registry: 'sandbox' });
    expect(hits.map((hit) => hit.name)).toEqual(repositories.filter((name) => name.includes('hangar-test')));
    expect(hits.map((hit) => hit.name)).toContain(info.seed.pushed!.repository);
    expect(hits.every((hit) => hit.registry === 'sandbox' && hit.starCount === 0 && !hit.isOfficial)).toBe(true);
    expect(await search({ term: 'no-such-repository-here', registry: 'sandbox' })).toEqual([]);
  });

  it('browses repositories and tags, paginated, without ever showing the password', async () => {
    const repository = info.seed.pushed!.repository;
    const registries = await hangar.sdk.registries();
    expect(registries.registries).toEqual([
      { name: 'sandbox', url: info.registry.url, host: info.registry.host, kind: 'DISTRIBUTION', username: info.registry.username, hasPassword: true },
      { name: 'wrong-password', url: info.registry.url, host: info.registry.host, kind: 'DISTRIBUTION', username: info.registry.username, hasPassword: true },
      { name: 'test-index', url: `http://${index.host}`, host: index.host, kind: 'INDEX', username: null, hasPassword: false },
    ]);

    const repositories = await catalog();
    const firstPage = await hangar.sdk.registryRepositories({ registry: 'sandbox', first: 1 });
    expect(firstPage.registry?.name).toBe('sandbox');
    expect(firstPage.registry!.repositories.nodes).toEqual([repositories[0]]);
    expect(firstPage.registry!.repositories.pageInfo.hasNextPage).toBe(repositories.length > 1);
    // Page after page, one repository at a time: the whole catalog, in the registry's order.
    let pages = 0;
    const everyRepository = await allNodes(async (after) => {
      pages += 1;
      return (await hangar.sdk.registryRepositories({ registry: 'sandbox', first: 1, after })).registry!.repositories;
    });
    expect(everyRepository).toEqual(repositories);
    expect(pages).toBe(repositories.length);

    const tags = await hangar.sdk.registryTags({ registry: 'sandbox', repository });
    expect(tags.registry?.name).toBe('sandbox');
    expect(tags.registry!.tags.nodes).toContain(info.seed.pushed!.tag);
    expect(tags.registry!.tags.totalCount).toBe(tags.registry!.tags.nodes.length);
    expect([...tags.registry!.tags.nodes].sort()).toEqual([...(await registryTagList(repository))].sort());
    const everyTag = await allNodes(async (after) => (await hangar.sdk.registryTags({ registry: 'sandbox', repository, first: 1, after })).registry!.tags);
    expect(everyTag).toEqual(tags.registry!.tags.nodes);

    expect(JSON.stringify([registries, firstPage, tags])).not.toContain(info.registry.password);
  });

  it('a wrong password is REGISTRY_AUTH_FAILED, and the password appears nowhere', async () => {
    const error = await sdkFailure(hangar.sdk.searchImages({ term: 'hangar', registry: 'wrong-password' }));
    expect(error.code).toBe('REGISTRY_AUTH_FAILED');
    expect(error.errors[0]?.extensions?.code).toBe('REGISTRY_AUTH_FAILED');
    expect(everything(error)).not.toContain(process.env.HANGAR_TEST_WRONG_PASSWORD);
    expect(everything(error)).not.toContain(info.registry.password);
  });

  it('testRegistryLogin: the right credentials log in; a wrong password is a REGISTRY_AUTH_FAILED user error that never shows it', async () => {
    expect(await hangar.sdk.testRegistryLogin({ name: 'sandbox' })).toEqual({ testRegistryLogin: { ok: true, userErrors: [] } });

    const denied = await hangar.sdk.testRegistryLogin({ name: 'wrong-password' });
    expect(denied.testRegistryLogin).toEqual({
      ok: false,
      userErrors: [
        {
          code: 'REGISTRY_AUTH_FAILED',
          message: `wrong-password (${info.registry.url}): ping: the registry rejected the credentials of user ${JSON.stringify(info.registry.username)}`,
          field: ['name'],
          host: null,
        },
      ],
    });
    expect(JSON.stringify(denied)).not.toContain(process.env.HANGAR_TEST_WRONG_PASSWORD);
    expect(JSON.stringify(denied)).not.toContain(info.registry.password);

    // Asked to throw, the SDK raises the same user error as a HangarUserError.
    const thrown = await hangar.sdk.testRegistryLogin({ name: 'wrong-password' }, { throwOnUserErrors: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(HangarUserError);
    expect((thrown as HangarUserError).code).toBe('REGISTRY_AUTH_FAILED');
    expect((thrown as HangarUserError).userErrors).toEqual(denied.testRegistryLogin.userErrors);
    expect(everything(thrown)).not.toContain(process.env.HANGAR_TEST_WRONG_PASSWORD);

    const unknown = await hangar.sdk.testRegistryLogin({ name: 'nope' });
    expect(unknown.testRegistryLogin.ok).toBe(false);
    expect(unknown.testRegistryLogin.userErrors).toEqual([{ code: 'NOT_FOUND', message: expect.stringMatching(/^no registry named "nope"/), field: ['name'], host: null }]);
  });
});

describe('bad search input', () => {
  it.each<[SearchImagesQueryVariables, string, RegExp]>([
    [{ term: '' }, 'BAD_REQUEST', /term/],
    [{ term: 'x', limit: 0 }, 'BAD_REQUEST', /limit/],
    [{ term: 'x', limit: 101 }, 'BAD_REQUEST', /limit/],
    [{ term: 'x', registry: 'nope' }, 'NOT_FOUND', /no registry named "nope"/],
    [{ term: 'x', host: 'nope' }, 'HOST_NOT_FOUND', /nope/],
    [{ term: `${'x'}`, filter: { stars: -1 }, host: 'alpha' }, 'BAD_REQUEST', /stars/],
  ])('%j', async (variables, code, message) => {
    const error = await sdkFailure(hangar.sdk.searchImages(variables));
    expect(error.status).toBeLessThan(500);
    expect(error.code).toBe(code);
    expect(error.errors[0]?.extensions?.code).toBe(code);
    expect(error.errors[0]?.message).toMatch(message);
  });
});
