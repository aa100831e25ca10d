import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HangarError } from '../errors/hangar-error.js';
import { HarborClient } from './harbor-client.js';

// A stand-in for Harbor (which cannot run here): serves recorded Harbor v2.x responses from ./fixtures over real
// HTTP on loopback, with Harbor's Basic auth, paging headers (X-Total-Count, Link) and error format.

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

interface SearchFixture {
  project: unknown[];
  repository: { repository_name: string; project_public: boolean }[];
}

const SEARCH = fixture<SearchFixture>('harbor-search.json');
const REPOSITORIES = fixture<{ name: string }[]>('harbor-repositories.json');
const UNAUTHORIZED = fixture<unknown>('harbor-error-unauthorized.json');
const INTERNAL = fixture<unknown>('harbor-error-internal.json');

const USERNAME = 'robot$hangar';
const PASSWORD = 'S3cret-Harbor-Pw!';
const BASIC = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
}

let server: Server;
let baseUrl: string;
let requests: Recorded[] = [];
/** Set by a test to make the next /repositories answer fail. */
let failRepositories = false;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': 'f3a1c2d4', ...headers });
  res.end(text);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://harbor.local');
  requests.push({ method: req.method ?? '', url: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
  const auth = req.headers.authorization;
  if (auth !== undefined && auth !== BASIC) return send(res, 401, UNAUTHORIZED);
  const authenticated = auth === BASIC;

  if (url.pathname === '/api/v2.0/search') {
    const q = url.searchParams.get('q') ?? '';
    const repository = q === 'app' ? SEARCH.repository.filter((entry) => authenticated || entry.project_public) : [];
    return send(res, 200, { project: q === 'app' && authenticated ? SEARCH.project : [], repository });
  }
  if (url.pathname === '/api/v2.0/repositories') {
    if (!authenticated) return send(res, 401, UNAUTHORIZED);
    if (failRepositories) return send(res, 500, INTERNAL);
    const page = Number(url.searchParams.get('page') ?? '1');
    const pageSize = Number(url.searchParams.get('page_size') ?? '10');
    const items = REPOSITORIES.slice((page - 1) * pageSize, page * pageSize);
    // Harbor's format: prev and next joined with " , ", relative, same query as the request.
    const link = (p: number, rel: string): string => `</api/v2.0/repositories?page=${p}&page_size=${pageSize}>; rel="${rel}"`;
    const links = [...(page > 1 ? [link(page - 1, 'prev')] : []), ...(page * pageSize < REPOSITORIES.length ? [link(page + 1, 'next')] : [])];
    return send(res, 200, items, { 'x-total-count': String(REPOSITORIES.length), ...(links.length ? { link: links.join(' , ') } : {}) });
  }
  send(res, 404, { errors: [{ code: 'NOT_FOUND', message: `path ${url.pathname} not found` }] });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests = [];
  failRepositories = false;
});

const client = (options: { username?: string; password?: string } = { username: USERNAME, password: PASSWORD }): HarborClient =>
  new HarborClient({ name: 'harbor-prod', url: baseUrl, ...options });

async function failure(promise: Promise<unknown>): Promise<HangarError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HangarError);
  return error as HangarError;
}

describe('HarborClient.search', () => {
  it('maps repository results to SearchHits, with Basic auth', async () => {
    const hits = await client().search('app');
    expect(hits).toEqual(
      SEARCH.repository.map((entry) => ({
        name: entry.repository_name,
        description: undefined,
        starCount: 0,
        isOfficial: false,
        isAutomated: false,
        registry: 'harbor-prod',
      })),
    );
    expect(requests).toEqual([{ method: 'GET', url: '/api/v2.0/search?q=app', authorization: BASIC }]);
  });

  it('searches anonymously without credentials (public projects only)', async () => {
    const hits = await client({}).search('  app ');
    expect(hits.map((hit) => hit.name)).toEqual(['library/app-base', 'dockerhub-proxy/library/httpd-app']);
    expect(requests[0]?.authorization).toBeUndefined();
  });

  it('returns [] when nothing matches and encodes the term', async () => {
    expect(await client().search('no such & thing')).toEqual([]);
    expect(requests[0]?.url).toBe('/api/v2.0/search?q=no+such+%26+thing');
  });

  it('refuses an empty term without asking Harbor', async () => {
    expect((await failure(client().search('   '))).code).toBe('BAD_REQUEST');
    expect(requests).toEqual([]);
  });

  it('fails with REGISTRY_AUTH_FAILED on a wrong password, never quoting it', async () => {
    const error = await failure(client({ username: USERNAME, password: 'wrong-Harbor-pw-42' }).search('app'));
    expect(error.code).toBe('REGISTRY_AUTH_FAILED');
    expect(error.message).toContain('robot$hangar');
    expect(error.message).not.toContain('wrong-Harbor-pw-42');
    expect(error.message).not.toContain(Buffer.from(`${USERNAME}:wrong-Harbor-pw-42`).toString('base64'));
  });
});

describe('HarborClient.repositories', () => {
  it('walks every page with page/page_size, reporting X-Total-Count', async () => {
    const names: string[] = [];
    let after: string | undefined;
    const pages: boolean[] = [];
    for (;;) {
      const page = await client().repositories({ first: 3, after });
      expect(page.totalCount).toBe(7);
      names.push(...page.repositories);
      pages.push(page.hasNextPage);
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    expect(names).toEqual(REPOSITORIES.map((repository) => repository.name));
    expect(pages).toEqual([true, true, false]);
    expect(requests.map((request) => request.url)).toEqual([
      '/api/v2.0/repositories?page=1&page_size=3',
      '/api/v2.0/repositories?page=2&page_size=3',
      '/api/v2.0/repositories?page=3&page_size=3',
    ]);
    expect(requests.every((request) => request.authorization === BASIC)).toBe(true);
  });

  it('serves a cursor that is not on a page boundary from two pages', async () => {
    const page = await client().repositories({ first: 3, after: '2' });
    expect(page).toEqual({ repositories: REPOSITORIES.slice(2, 5).map((r) => r.name), hasNextPage: true, endCursor: '5', totalCount: 7 });
    expect(requests.map((request) => request.url)).toEqual(['/api/v2.0/repositories?page=1&page_size=3', '/api/v2.0/repositories?page=2&page_size=3']);
  });

  it('ends cleanly on an exact last page and past the end', async () => {
    expect(await client().repositories({ first: 7 })).toMatchObject({ hasNextPage: false, endCursor: '7' });
    expect(await client().repositories({ first: 5, after: '7' })).toEqual({ repositories: [], hasNextPage: false, endCursor: undefined, totalCount: 7 });
  });

  it('validates first and the cursor before any request', async () => {
    for (const options of [{ first: 0 }, { first: 101 }, { first: 1.5 }, { after: '-1' }, { after: 'abc' }, { after: '01' }]) {
      expect((await failure(client().repositories(options))).code).toBe('BAD_REQUEST');
    }
    expect(requests).toEqual([]);
  });

  it("carries Harbor's error message on a server error", async () => {
    failRepositories = true;
    const error = await failure(client().repositories());
    expect(error.code).toBe('REGISTRY_ERROR');
    expect(error.message).toContain('failed to list repositories: database is locked (UNKNOWN)');
    expect(error.message).toContain('harbor-prod');
  });

  it('needs credentials for the repository list', async () => {
    const error = await failure(client({}).repositories());
    expect(error.code).toBe('REGISTRY_AUTH_FAILED');
    expect(error.message).toMatch(/requires authentication/);
  });

  it('maps an unreachable Harbor to REGISTRY_UNREACHABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(new HarborClient({ name: 'gone', url: `http://127.0.0.1:${port}` }).search('app'));
    expect(error.code).toBe('REGISTRY_UNREACHABLE');
    expect(error.message).toMatch(/connection refused/);
  });
});
