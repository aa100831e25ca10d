import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { egressGet } from './fetch.js';
import { compileEgressPolicy, type Resolver } from './policy.js';

interface Served {
  port: number;
  requests: string[];
  server: Server;
}

const servers: Server[] = [];

/** A real HTTP server on 127.0.0.1 answering with `handler`'s status, headers and body. */
async function serve(handler: (path: string, auth: string | undefined) => [number, Record<string, string>, string]): Promise<Served> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'} ${req.headers.host}`);
    const [status, headers, body] = handler(req.url ?? '', req.headers.authorization);
    res.writeHead(status, headers).end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, requests, server };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const failure = (promise: Promise<unknown>) => promise.then(() => ({ code: 'none', message: '' }), (error: { code: string; message: string }) => ({ code: error.code, message: error.message }));

describe('egressGet', () => {
  it('fetches an allowed URL and sends its credentials as Basic auth', async () => {
    const body = `tar ✓ "quoted" ${'x'.repeat(3000)}`;
    const a = await serve(() => [200, {}, body]);
    const policy = compileEgressPolicy({ allow: [`http://127.0.0.1:${a.port}/*`] });
    const response = await egressGet(`http://robot:p%40ss%3Aw0rd@127.0.0.1:${a.port}/image.tar?sig=1`, policy);
    expect(response.status).toBe(200);
    expect(await text(response.body)).toBe(body);
    expect(a.requests).toEqual([`GET /image.tar?sig=1 Basic ${Buffer.from('robot:p@ss:w0rd').toString('base64')} 127.0.0.1:${a.port}`]);
  });

  it('refuses a loopback URL under the default policy without connecting', async () => {
    const a = await serve(() => [200, {}, 'secret']);
    const error = await failure(egressGet(`http://127.0.0.1:${a.port}/x`, compileEgressPolicy(), { what: 'loadImage' }));
    expect(error.code).toBe('EGRESS_DENIED');
    expect(error.message).toContain(`loadImage: http://127.0.0.1:${a.port}/x is not an allowed destination`);
    expect(a.requests).toEqual([]);
  });

  it('checks every redirect: an allowed server cannot send it on to a denied address', async () => {
    const inner = await serve(() => [200, {}, 'metadata']);
    const outer = await serve((path) => (path === '/ok' ? [200, {}, 'fine'] : path === '/hop' ? [302, { location: '/ok' }, ''] : [307, { location: `http://127.0.0.1:${inner.port}/latest/meta-data` }, '']));
    const policy = compileEgressPolicy({ allow: [`http://127.0.0.1:${outer.port}/*`] });
    const error = await failure(egressGet(`http://127.0.0.1:${outer.port}/image.tar`, policy, { what: 'loadImage' }));
    expect(error.code).toBe('EGRESS_DENIED');
    expect(error.message).toContain(`loadImage: redirected to: http://127.0.0.1:${inner.port}/latest/meta-data is not an allowed destination`);
    expect(inner.requests).toEqual([]);
    // A redirect to an allowed place is followed.
    const followed = await egressGet(`http://127.0.0.1:${outer.port}/hop`, policy);
    expect([followed.status, followed.url, await text(followed.body)]).toEqual([200, `http://127.0.0.1:${outer.port}/ok`, 'fine']);
    // With the inner server allowed too, the first redirect is followed.
    const both = compileEgressPolicy({ allow: ['127.0.0.1'] });
    expect(await text((await egressGet(`http://127.0.0.1:${outer.port}/image.tar`, both)).body)).toBe('metadata');
  });

  it('does not carry credentials to another origin, and stops after maxRedirects', async () => {
    const other = await serve(() => [200, {}, 'other']);
    const loop = await serve((path) => (path === '/away' ? [302, { location: `http://127.0.0.1:${other.port}/file` }, ''] : [301, { location: `/loop${path.length}` }, '']));
    const policy = compileEgressPolicy({ allow: ['127.0.0.1'] });
    await egressGet(`http://u:pw@127.0.0.1:${loop.port}/away`, policy).then((r) => r.body.resume());
    expect(other.requests).toEqual([`GET /file - 127.0.0.1:${other.port}`]);
    const error = await failure(egressGet(`http://u:pw@127.0.0.1:${loop.port}/start`, policy, { maxRedirects: 3 }));
    expect(error).toEqual({ code: 'BAD_REQUEST', message: `download: http://127.0.0.1:${loop.port}/start redirected more than 3 times` });
    expect(loop.requests).toHaveLength(1 + 4);
  });

  it('connects only to the address it checked (a second answer from DNS is never used)', async () => {
    const a = await serve(() => [200, {}, 'pinned']);
    const answers = [['127.0.0.1'], ['169.254.169.254']];
    let calls = 0;
    const rebinding: Resolver = async () => answers[Math.min(calls++, 1)]!;
    const policy = compileEgressPolicy({ allow: ['127.0.0.1'] });
    const response = await egressGet(`http://files.rebind.test:${a.port}/x`, policy, { resolve: rebinding });
    expect(await text(response.body)).toBe('pinned');
    expect(calls).toBe(1);
    expect(a.requests).toEqual([`GET /x - files.rebind.test:${a.port}`]);
    // And once DNS answers the denied address, nothing is fetched.
    expect((await failure(egressGet(`http://files.rebind.test:${a.port}/x`, policy, { resolve: rebinding }))).code).toBe('EGRESS_DENIED');
  });

  it('reports every failure to get an answer the same way (refused, reset, timeout)', async () => {
    const closed = await serve(() => [200, {}, '']);
    const closedPort = closed.port;
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const reset = createServer((req) => req.socket.destroy());
    const silent = createServer(() => {});
    servers.push(reset, silent);
    await Promise.all([reset, silent].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
    const policy = compileEgressPolicy({ allow: ['127.0.0.1'] });
    const ports = [closedPort, (reset.address() as AddressInfo).port, (silent.address() as AddressInfo).port];
    const errors = await Promise.all(ports.map((port) => failure(egressGet(`http://127.0.0.1:${port}/x`, policy, { headersTimeoutMs: 300 }))));
    const shapes = errors.map((e, i) => ({ code: e.code, message: e.message.replace(String(ports[i]), 'PORT') }));
    expect(shapes[0]).toEqual({ code: 'BAD_REQUEST', message: 'download: could not download http://127.0.0.1:PORT/x: no answer from the server' });
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
  });
});
