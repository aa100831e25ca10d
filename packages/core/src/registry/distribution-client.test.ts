import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HangarError } from '../errors/hangar-error.js';
import { DistributionClient, isDigest, isRepositoryName, isTag, parseLinkHeader } from './distribution-client.js';

// The pure parts, and what the sandbox registry (htpasswd, well behaved) cannot show: token auth, redirects,
// oversized or slow answers. Those run against small node:http servers on loopback; the real registry is
// exercised in test/e2e/registry-client.test.ts.

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('names and references', () => {
  it.each(['a', 'library/nginx', 'my-org/app_v2', 'a/b/c/d', 'x__y', 'a--b', 'a.b', '0', 'hangar-test/app'])('accepts repository %s', (name) => {
    expect(isRepositoryName(name)).toBe(true);
  });

  it.each(['', 'Library/nginx', 'a//b', '/a', 'a/', '-a', 'a-', 'a___b', 'a..b', 'a._b', 'a b', 'a:b', '../x', 'a%2Fb', `${'a'.repeat(256)}`])(
    'rejects repository %j',
    (name) => {
      expect(isRepositoryName(name)).toBe(false);
    },
  );

  it('accepts tags and digests by their grammars', () => {
    for (const tag of ['latest', '1.0', 'v1.2.3-rc.1', '_x', 'A', 'a'.repeat(128)]) expect(isTag(tag)).toBe(true);
    for (const tag of ['', '.x', '-x', 'a'.repeat(129), 'a/b', 'a:b', 'a b']) expect(isTag(tag)).toBe(false);
    expect(isDigest(DIGEST)).toBe(true);
    expect(isDigest(`sha512:${'0'.repeat(128)}`)).toBe(true);
    for (const digest of ['sha256:abc', `sha256:${'AB'.repeat(32)}`, `sha256:${'a'.repeat(65)}`, 'latest', `:${'a'.repeat(64)}`]) expect(isDigest(digest)).toBe(false);
  });
});

describe('parseLinkHeader', () => {
  it("reads Distribution's relative next link", () => {
    expect(parseLinkHeader('</v2/_catalog?last=a%2Fb&n=1>; rel="next"')).toEqual({ next: '/v2/_catalog?last=a%2Fb&n=1' });
  });

  it("reads Harbor's prev and next links", () => {
    expect(parseLinkHeader('</api/v2.0/repositories?page=1&page_size=3>; rel="prev" , </api/v2.0/repositories?page=3&page_size=3>; rel="next"')).toEqual({
      prev: '/api/v2.0/repositories?page=1&page_size=3',
      next: '/api/v2.0/repositories?page=3&page_size=3',
    });
  });

  it('handles unquoted and multi-valued rel, extra parameters, and nothing', () => {
    expect(parseLinkHeader('<https://r/x?a=1,2>; title="a, b"; rel=next')).toEqual({ next: 'https://r/x?a=1,2' });
    expect(parseLinkHeader('</a>; rel="next last"')).toEqual({ next: '/a', last: '/a' });
    expect(parseLinkHeader(null)).toEqual({});
    expect(parseLinkHeader('garbage')).toEqual({});
  });
});

describe('configuration', () => {
  it('refuses credentials in the URL without echoing them', () => {
    let error: unknown;
    try {
      new DistributionClient({ name: 'r', url: 'https://user:hunter2-secret@registry.example.com' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HangarError);
    expect((error as HangarError).code).toBe('CONFIG_ERROR');
    expect((error as HangarError).message).not.toContain('hunter2-secret');
  });

  it.each([
    [{ url: 'ftp://registry' }, /http/],
    [{ url: 'not a url' }, /not a valid URL/],
    [{ url: 'http://r', username: 'u' }, /set both or neither/],
    [{ url: 'http://r', password: 'p' }, /set both or neither/],
    [{ url: 'http://r', timeoutMs: 0 }, /timeoutMs/],
  ])('rejects %j', (options, message) => {
    expect(() => new DistributionClient({ name: 'r', ...options })).toThrow(message);
  });

  it('normalizes the URL and keeps a path prefix', () => {
    expect(new DistributionClient({ name: 'r', url: 'http://127.0.0.1:5000/' }).url).toBe('http://127.0.0.1:5000');
    expect(new DistributionClient({ name: 'r', url: 'https://proxy.example.com/registry/?x=1' }).url).toBe('https://proxy.example.com/registry');
  });

  it('keeps the password out of inspect() and JSON', () => {
    const client = new DistributionClient({ name: 'r', url: 'http://r', username: 'u', password: 'very-secret-pw' });
    expect(inspect(client, { showHidden: true, depth: 10 })).not.toContain('very-secret-pw');
    expect(JSON.stringify(client)).not.toContain('very-secret-pw');
  });
});

// ----------------------------------------------------------------------------------------------------------------

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

interface FakeServer {
  url: string;
  requests: { method: string; path: string; authorization: string | undefined; accept: string | undefined }[];
  close(): Promise<void>;
}

const servers: FakeServer[] = [];

async function fakeServer(handler: Handler): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, authorization: req.headers.authorization, accept: req.headers.accept });
    handler(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fake: FakeServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(fake);
  return fake;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'docker-distribution-api-version': 'registry/2.0', ...headers });
  res.end(text);
}

async function failure(promise: Promise<unknown>): Promise<HangarError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HangarError);
  return error as HangarError;
}

/** Everything a logger could print about an error: message, stack, and the whole cause chain. */
function everything(error: unknown): string {
  return `${inspect(error, { showHidden: true, depth: 20 })} ${JSON.stringify(error)} ${String((error as Error).stack)}`;
}

const USER = 'ci-bot';
const PASSWORD = 'P@ss-w0rd-for-tokens';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

/** A registry with token auth (like Docker Hub, GitLab, Harbor's /v2) and its token service on another port. */
async function tokenRegistry(options: { expiresIn?: number; field?: 'token' | 'access_token'; registryRejects?: boolean } = {}) {
  let issued = 0;
  const auth = await fakeServer((req, res, url) => {
    if (url.pathname !== '/token') return json(res, 404, {});
    if (req.headers.authorization !== BASIC) return json(res, 401, { details: 'incorrect username or password' });
    issued++;
    const token = `tok-${issued}-${url.searchParams.getAll('scope').join('+') || 'none'}-${'x'.repeat(20)}`;
    json(res, 200, { [options.field ?? 'token']: token, ...(options.expiresIn === undefined ? {} : { expires_in: options.expiresIn }), issued_at: new Date().toISOString() });
  });
  const registry = await fakeServer((req, res, url) => {
    const scope = url.pathname === '/v2/' ? '' : url.pathname === '/v2/_catalog' ? 'registry:catalog:*' : `repository:${url.pathname.split('/').slice(2, -2).join('/')}:pull`;
    const header = req.headers.authorization ?? '';
    const valid = header.startsWith('Bearer tok-') && header.includes(`-${scope || 'none'}-`) && !options.registryRejects;
    if (!valid) {
      return json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: `authentication required, saw ${header || 'nothing'}` }] }, {
        'www-authenticate': `Bearer realm="${auth.url}/token",service="fake-registry"${scope ? `,scope="${scope}"` : ''}`,
      });
    }
    if (url.pathname === '/v2/') return json(res, 200, {});
    if (url.pathname === '/v2/_catalog') return json(res, 200, { repositories: ['a/b', 'c'] });
    if (url.pathname.endsWith('/tags/list')) return json(res, 200, { name: 'x', tags: ['2', '10', '1'] });
    json(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
  });
  return { auth, registry, issued: () => issued };
}

describe('Bearer token auth', () => {
  it('gets a token from the realm with service, scope and Basic credentials, then reuses it per scope', async () => {
    const { auth, registry, issued } = await tokenRegistry({ expiresIn: 300 });
    const client = new DistributionClient({ name: 'tokens', url: registry.url, username: USER, password: PASSWORD });
    expect(await client.tags('a/b')).toEqual(['1', '10', '2']);
    expect(auth.requests).toEqual([{ method: 'GET', path: '/token?service=fake-registry&scope=repository%3Aa%2Fb%3Apull', authorization: BASIC, accept: 'application/json' }]);
    expect(await client.tags('a/b')).toEqual(['1', '10', '2']);
    expect(issued()).toBe(1);
    // The second call carried the cached token at once: no 401 round trip.
    expect(registry.requests.map((r) => r.authorization?.slice(0, 11) ?? 'none')).toEqual(['none', 'Bearer tok-', 'Bearer tok-']);
    expect((await client.catalog()).repositories).toEqual(['a/b', 'c']);
    expect(issued()).toBe(2);
    expect(auth.requests[1]?.path).toBe('/token?service=fake-registry&scope=registry%3Acatalog%3A*');
    expect(await client.ping()).toBe(true);
    expect(auth.requests[2]?.path).toBe('/token?service=fake-registry');
  });

  it('accepts access_token and buys a new token after expires_in', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { registry, issued } = await tokenRegistry({ field: 'access_token', expiresIn: 60 });
    const client = new DistributionClient({ name: 'tokens', url: registry.url, username: USER, password: PASSWORD });
    await client.tags('c');
    await client.tags('c');
    expect(issued()).toBe(1);
    vi.setSystemTime(Date.now() + 61_000);
    await client.tags('c');
    expect(issued()).toBe(2);
  });

  it('defaults a token without expires_in to 60 s', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { registry, issued } = await tokenRegistry();
    const client = new DistributionClient({ name: 'tokens', url: registry.url, username: USER, password: PASSWORD });
    await client.tags('c');
    vi.setSystemTime(Date.now() + 30_000);
    await client.tags('c');
    expect(issued()).toBe(1);
    vi.setSystemTime(Date.now() + 31_000);
    await client.tags('c');
    expect(issued()).toBe(2);
  });

  it('fails with REGISTRY_AUTH_FAILED when the token service refuses the password, without leaking it', async () => {
    const { registry } = await tokenRegistry();
    const error = await failure(new DistributionClient({ name: 'tokens', url: registry.url, username: USER, password: 'Wr0ng-P@ssword' }).tags('c'));
    expect(error.code).toBe('REGISTRY_AUTH_FAILED');
    expect(error.message).toContain('ci-bot');
    expect(everything(error)).not.toContain('Wr0ng-P@ssword');
    expect(everything(error)).not.toContain(Buffer.from(`${USER}:Wr0ng-P@ssword`).toString('base64'));
  });

  it('fails when the registry refuses the token, and never shows the token', async () => {
    const { registry, issued } = await tokenRegistry({ registryRejects: true });
    const error = await failure(new DistributionClient({ name: 'tokens', url: registry.url, username: USER, password: PASSWORD }).tags('c'));
    expect(error.code).toBe('REGISTRY_AUTH_FAILED');
    expect(issued()).toBe(1);
    expect(everything(error)).not.toContain('tok-1');
    expect(everything(error)).not.toContain(PASSWORD);
  });

  it('scrubs a token the registry echoes back in an error message', async () => {
    const auth = await fakeServer((_req, res) => json(res, 200, { token: 'echoed-secret-token-123' }));
    const registry = await fakeServer((req, res) => {
      if (!req.headers.authorization) return json(res, 401, {}, { 'www-authenticate': `Bearer realm="${auth.url}/token",service="s"` });
      json(res, 500, { errors: [{ code: 'UNKNOWN', message: `backend choked on ${req.headers.authorization}` }] });
    });
    const error = await failure(new DistributionClient({ name: 'echo', url: registry.url }).ping());
    expect(error.code).toBe('REGISTRY_ERROR');
    expect(error.message).toContain('backend choked on Bearer ***');
    expect(everything(error)).not.toContain('echoed-secret-token-123');
  });

  it('refuses a token realm that is not http(s)', async () => {
    const registry = await fakeServer((_req, res) => json(res, 401, {}, { 'www-authenticate': 'Bearer realm="file:///etc/passwd",service="s"' }));
    const error = await failure(new DistributionClient({ name: 'r', url: registry.url }).ping());
    expect(error.code).toBe('REGISTRY_AUTH_FAILED');
    expect(error.message).toMatch(/not an http\(s\) URL/);
  });
});

describe('transport', () => {
  it('follows same-origin redirects, drops Authorization across origins, and refuses non-http(s) targets', async () => {
    const other = await fakeServer((_req, res) => json(res, 200, { name: 'x', tags: ['t'] }));
    const registry = await fakeServer((req, res, url) => {
      if (!req.headers.authorization) return json(res, 401, {}, { 'www-authenticate': 'Basic realm="r"' });
      if (url.pathname === '/v2/') return res.writeHead(307, { location: '/v2/moved/' }).end();
      if (url.pathname === '/v2/moved/') return json(res, 200, {});
      if (url.pathname === '/v2/away/tags/list') return res.writeHead(302, { location: `${other.url}/elsewhere` }).end();
      res.writeHead(301, { location: 'ftp://example.com/x' }).end();
    });
    const client = new DistributionClient({ name: 'r', url: registry.url, username: USER, password: PASSWORD });
    expect(await client.ping()).toBe(true);
    expect(registry.requests.at(-1)).toMatchObject({ path: '/v2/moved/', authorization: BASIC });
    expect(await client.tags('away')).toEqual(['t']);
    expect(other.requests).toEqual([expect.objectContaining({ path: '/elsewhere', authorization: undefined })]);
    const error = await failure(client.tags('ftp'));
    expect(error.code).toBe('REGISTRY_ERROR');
    expect(error.message).toMatch(/redirected to a ftp URL/);
  });

  it('stops reading beyond 4 MiB, with or without Content-Length', async () => {
    const big = JSON.stringify({ repositories: ['x'.repeat(4 * 1024 * 1024)] });
    const registry = await fakeServer((_req, res, url) => {
      if (url.searchParams.get('n') === '1') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) });
        return res.end(big);
      }
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked
      for (let i = 0; i < big.length; i += 65536) res.write(big.slice(i, i + 65536));
      res.end();
    });
    const client = new DistributionClient({ name: 'big', url: registry.url });
    for (const first of [1, 2]) {
      const error = await failure(client.catalog({ first }));
      expect(error.code).toBe('REGISTRY_ERROR');
      expect(error.message).toMatch(/larger than 4 MiB/);
    }
  });

  it('bounds a request by timeoutMs (REGISTRY_UNREACHABLE) and honours an AbortSignal (ABORTED)', async () => {
    const registry = await fakeServer(() => undefined); // accepts, never answers
    const client = new DistributionClient({ name: 'slow', url: registry.url, timeoutMs: 200 });
    const started = Date.now();
    const error = await failure(client.ping());
    expect(error.code).toBe('REGISTRY_UNREACHABLE');
    expect(error.message).toMatch(/no answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);

    const patient = new DistributionClient({ name: 'slow', url: registry.url, timeoutMs: 60_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect((await failure(patient.ping({ signal: controller.signal }))).code).toBe('ABORTED');
  });

  it('times out a body that stalls after the headers', async () => {
    const registry = await fakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"repositories":[');
    });
    const error = await failure(new DistributionClient({ name: 'stall', url: registry.url, timeoutMs: 200 }).catalog());
    expect(error.code).toBe('REGISTRY_UNREACHABLE');
  });

  it("maps status codes and keeps the registry's errors[0].message", async () => {
    const registry = await fakeServer((_req, res, url) => {
      if (url.pathname === '/v2/teapot/tags/list') return json(res, 503, { errors: [{ code: 'UNAVAILABLE', message: 'read-only mode' }] });
      if (url.pathname === '/v2/text/tags/list') return res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway\nnginx');
      if (url.pathname === '/v2/forbidden/tags/list') return json(res, 403, { errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] });
      if (url.pathname === '/v2/_catalog') return json(res, 400, { errors: [{ code: 'PAGINATION_NUMBER_INVALID', message: 'invalid number of results requested' }] });
      json(res, 200, 'not an object');
    });
    const client = new DistributionClient({ name: 'codes', url: registry.url });
    expect(await failure(client.tags('teapot'))).toMatchObject({ code: 'REGISTRY_ERROR', message: expect.stringContaining('read-only mode (UNAVAILABLE)') });
    expect(await failure(client.tags('text'))).toMatchObject({ code: 'REGISTRY_ERROR', message: expect.stringContaining('HTTP 502: Bad Gateway') });
    expect(await failure(client.tags('forbidden'))).toMatchObject({ code: 'REGISTRY_AUTH_FAILED', message: expect.stringContaining('denied') });
    expect((await failure(client.catalog({ first: 5 }))).code).toBe('BAD_REQUEST');
    expect((await failure(client.tags('odd'))).code).toBe('REGISTRY_ERROR');
  });

  it('validates names, references and page sizes before any request', async () => {
    const registry = await fakeServer((_req, res) => json(res, 200, {}));
    const client = new DistributionClient({ name: 'r', url: registry.url });
    expect((await failure(client.tags('UPPER/case'))).code).toBe('BAD_REQUEST');
    expect((await failure(client.manifestDigest('a', 'sha256:abc'))).code).toBe('BAD_REQUEST');
    expect((await failure(client.manifestDigest('a', '../../etc'))).code).toBe('BAD_REQUEST');
    expect((await failure(client.catalog({ first: 0 }))).code).toBe('BAD_REQUEST');
    expect((await failure(client.catalog({ first: 1001 }))).code).toBe('BAD_REQUEST');
    expect((await failure(client.catalog({ after: 'Nope' }))).code).toBe('BAD_REQUEST');
    expect((await failure(client.allRepositories({ max: 0 }))).code).toBe('BAD_REQUEST');
    expect(registry.requests).toEqual([]);
  });
});

describe('registry behaviours beyond 2.8', () => {
  it('hashes the manifest when Docker-Content-Digest is missing, with the manifest Accept header', async () => {
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
    const registry = await fakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      res.end(manifest);
    });
    const client = new DistributionClient({ name: 'r', url: registry.url });
    expect(await client.manifestDigest('a', 'v1')).toBe(`sha256:${createHash('sha256').update(manifest).digest('hex')}`);
    expect(registry.requests.map((r) => r.method)).toEqual(['HEAD', 'GET']);
    expect(registry.requests[0]?.accept).toBe(
      'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    );
    expect(await client.manifestDigest('a', DIGEST)).toBe(DIGEST);
  });

  it('follows Link pages of tags/list (Distribution 3 pages tags) and sorts the union', async () => {
    const registry = await fakeServer((_req, res, url) => {
      if (!url.searchParams.has('last')) return json(res, 200, { name: 'a', tags: ['b', 'a'] }, { link: '</v2/a/tags/list?last=b&n=2>; rel="next"' });
      json(res, 200, { name: 'a', tags: ['c', '0'] });
    });
    expect(await new DistributionClient({ name: 'r', url: registry.url }).tags('a')).toEqual(['0', 'a', 'b', 'c']);
  });

  it('walks the catalog with allRepositories, dropping to pages of 100 when the registry refuses 1000', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `repo${String(i).padStart(3, '0')}`);
    const registry = await fakeServer((_req, res, url) => {
      const n = Number(url.searchParams.get('n'));
      if (n > 100) return json(res, 400, { errors: [{ code: 'PAGINATION_NUMBER_INVALID', message: 'invalid number of results requested' }] });
      const last = url.searchParams.get('last');
      const start = last ? names.indexOf(last) + 1 : 0;
      const page = names.slice(start, start + n);
      const more = start + n < names.length;
      json(res, 200, { repositories: page }, more ? { link: `</v2/_catalog?last=${encodeURIComponent(page.at(-1)!)}&n=${n}>; rel="next"` } : {});
    });
    const client = new DistributionClient({ name: 'r', url: registry.url });
    expect(await client.allRepositories()).toEqual(names);
    expect(await client.allRepositories({ max: 150 })).toEqual(names.slice(0, 150));
  });
});
