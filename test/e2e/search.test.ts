import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from '../sandbox/index.js';
import { dockerJsonLines } from './support/docker-cli.js';
import { graphql, query } from './support/graphql.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { INDEX_FIXTURE, startSearchIndex } from './support/search-index.js';

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
  });
});

afterAll(async () => {
  await hangar?.stop();
  await index?.close();
});

interface Hit {
  name: string;
  description: string | null;
  starCount: number;
  isOfficial: boolean;
  isAutomated: boolean;
  registry: string;
}

interface DockerSearchRow {
  Name: string;
  Description: string;
  StarCount: string;
  IsOfficial: string;
}

const SEARCH = `query($term: String!, $registry: String, $filter: SearchFilterInput, $limit: Int, $host: String) {
  searchImages(term: $term, registry: $registry, filter: $filter, limit: $limit, host: $host) { name description starCount isOfficial isAutomated registry } }`;

async function search(variables: Record<string, unknown>): Promise<Hit[]> {
  return (await query<{ searchImages: Hit[] }>(hangar.url, hangar.token, SEARCH, variables)).searchImages;
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
    const result = await graphql(hangar.url, hangar.token, SEARCH, { term: 'busybox', host: 'alpha' });
    expect(result.status).toBe(200);
    expect(result.errors?.[0]?.extensions?.code).toBe('ENGINE_ERROR');
    expect(result.errors?.[0]?.message).toMatch(/index\.docker\.io|no such host|lookup/);
  });
});

describe('a Distribution registry: search by catalog, browse repositories and tags', () => {
  async function catalog(): Promise<string[]> {
    const response = await fetch(`${info.registry.url}/v2/_catalog?n=1000`, {
      headers: { authorization: `Basic ${Buffer.from(`${info.registry.username}:${info.registry.password}`).toString('base64')}` },
    });
    return ((await response.json()) as { repositories: string[] }).repositories;
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
    const result = await graphql<{ registries: unknown[]; registry: { repositories: { nodes: string[] }; tags: { nodes: string[]; totalCount: number } } }>(
      hangar.url,
      hangar.token,
      `query($repo: String!) { registries { name url host kind username hasPassword }
         registry(name: "sandbox") { repositories(first: 1) { nodes pageInfo { hasNextPage endCursor } } tags(repository: $repo) { nodes totalCount } } }`,
      { repo: info.seed.pushed!.repository },
    );
    expect(result.data!.registries).toEqual([
      { name: 'sandbox', url: info.registry.url, host: info.registry.host, kind: 'DISTRIBUTION', username: info.registry.username, hasPassword: true },
      { name: 'wrong-password', url: info.registry.url, host: info.registry.host, kind: 'DISTRIBUTION', username: info.registry.username, hasPassword: true },
      { name: 'test-index', url: `http://${index.host}`, host: index.host, kind: 'INDEX', username: null, hasPassword: false },
    ]);
    expect(result.data!.registry.repositories.nodes).toEqual([(await catalog())[0]]);
    expect(result.data!.registry.tags.nodes).toContain(info.seed.pushed!.tag);
    expect(JSON.stringify(result)).not.toContain(info.registry.password);
  });

  it('a wrong password is REGISTRY_AUTH_FAILED, and the password appears nowhere', async () => {
    const result = await graphql(hangar.url, hangar.token, SEARCH, { term: 'hangar', registry: 'wrong-password' });
    expect(result.errors?.[0]?.extensions?.code).toBe('REGISTRY_AUTH_FAILED');
    expect(JSON.stringify(result)).not.toContain(process.env.HANGAR_TEST_WRONG_PASSWORD);
  });
});

describe('bad search input', () => {
  it.each([
    [{ term: '' }, 'BAD_REQUEST', /term/],
    [{ term: 'x', limit: 0 }, 'BAD_REQUEST', /limit/],
    [{ term: 'x', limit: 101 }, 'BAD_REQUEST', /limit/],
    [{ term: 'x', registry: 'nope' }, 'NOT_FOUND', /no registry named "nope"/],
    [{ term: 'x', host: 'nope' }, 'HOST_NOT_FOUND', /nope/],
    [{ term: `${'x'}`, filter: { stars: -1 }, host: 'alpha' }, 'BAD_REQUEST', /stars/],
  ])('%j', async (variables, code, message) => {
    const result = await graphql(hangar.url, hangar.token, SEARCH, variables);
    expect(result.status).toBeLessThan(500);
    expect(result.errors?.[0]?.extensions?.code).toBe(code);
    expect(result.errors?.[0]?.message).toMatch(message);
  });
});
