import { describe, expect, it } from 'vitest';
import { HangarError } from '../errors/hangar-error.js';
import { HangarUserError } from '../errors/hangar-user-error.js';
import { HostsDocument, TagImageDocument } from '../generated/graphql.js';
import { createHangarClient } from './create-hangar-client.js';

interface Call {
  url: string;
  init: RequestInit;
  body: { query: string; variables: Record<string, unknown>; operationName?: string };
}

/** A fetch that records calls and answers with the given status and body. */
function fakeFetch(status: number, body: unknown, { raw = false } = {}) {
  const calls: Call[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    calls.push({ url, init, body: JSON.parse(String(init.body)) as Call['body'] });
    return new Response(raw ? String(body) : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, calls };
}

const tagged = { tagImage: { image: null, userErrors: [{ code: 'NOT_FOUND', message: 'No such image: nope:1', field: ['input', 'source'], host: 'alpha' }] } };

describe('createHangarClient over HTTP', () => {
  it('posts the operation with its name and variables, with the bearer token and the caller’s headers', async () => {
    const { fetch, calls } = fakeFetch(200, { data: { hosts: [] } });
    const hangar = createHangarClient({ url: 'http://hangar.test:4000/', token: 'tok', fetch, headers: { 'x-trace': '1', authorization: 'Basic nope' } });
    expect(await hangar.hosts({ refresh: true })).toEqual({ hosts: [] });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.url).toBe('http://hangar.test:4000/graphql');
    expect(call!.init.method).toBe('POST');
    const headers = call!.init.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer tok');
    expect(headers['x-trace']).toBe('1');
    expect(headers['content-type']).toBe('application/json');
    expect(call!.body.operationName).toBe('hosts');
    expect(call!.body.variables).toEqual({ refresh: true });
    expect(call!.body.query).toMatch(/^query hosts\(\$refresh: Boolean\)/);
    expect(call!.body.query).toContain('fragment HostFields on Host');
  });

  it('accepts the /graphql URL too, and runs any typed document with request()', async () => {
    const { fetch, calls } = fakeFetch(200, { data: { hosts: [{ name: 'alpha' }] } });
    const hangar = createHangarClient({ url: 'http://hangar.test:4000/graphql', token: 'tok', fetch });
    const data = await hangar.request(HostsDocument);
    expect(data.hosts[0]?.name).toBe('alpha');
    expect(calls[0]!.url).toBe('http://hangar.test:4000/graphql');
  });

  it('401 is a HangarError UNAUTHENTICATED with the server’s message', async () => {
    const { fetch } = fakeFetch(401, { errors: [{ message: 'invalid token', extensions: { code: 'UNAUTHENTICATED' } }] });
    const error = await createHangarClient({ url: 'http://h', token: 'bad', fetch }).hosts().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HangarError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401, message: 'invalid token' });
  });

  it('a status without a coded body is mapped: 401, 429, 503, and a proxy’s HTML page', async () => {
    for (const [status, code] of [
      [401, 'UNAUTHENTICATED'],
      [403, 'FORBIDDEN'],
      [429, 'RATE_LIMITED'],
      [503, 'UNAVAILABLE'],
      [500, 'INTERNAL'],
    ] as const) {
      const { fetch } = fakeFetch(status, '<html>nope</html>', { raw: true });
      await expect(createHangarClient({ url: 'http://h', token: 't', fetch }).hosts()).rejects.toMatchObject({ code, status });
    }
    const { fetch } = fakeFetch(200, 'not json', { raw: true });
    await expect(createHangarClient({ url: 'http://h', token: 't', fetch }).hosts()).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });

  it('GraphQL errors: code, message and host of the first, all kept, with the partial data', async () => {
    const errors = [
      { message: 'ambiguous', path: ['host', 'image'], extensions: { code: 'AMBIGUOUS_REFERENCE', host: 'alpha' } },
      { message: 'second', extensions: { code: 'INTERNAL' } },
    ];
    const { fetch } = fakeFetch(200, { data: { host: { name: 'alpha', image: null } }, errors });
    const error = (await createHangarClient({ url: 'http://h', token: 't', fetch })
      .imageInspect({ host: 'alpha', ref: 'a' })
      .catch((e: unknown) => e)) as HangarError;
    expect(error).toMatchObject({ code: 'AMBIGUOUS_REFERENCE', host: 'alpha', message: 'ambiguous (and 1 more error)' });
    expect(error.errors).toHaveLength(2);
    expect(error.data).toEqual({ host: { name: 'alpha', image: null } });
  });

  it('a fetch that throws is NETWORK_ERROR; an aborted one is ABORTED', async () => {
    const refused = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    };
    await expect(createHangarClient({ url: 'http://127.0.0.1:9', token: 't', fetch: refused }).hosts()).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      message: 'cannot reach Hangar at http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9',
    });
    const controller = new AbortController();
    const hanging = (_url: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const pending = createHangarClient({ url: 'http://h', token: 't', fetch: hanging }).hosts(undefined, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('userErrors are data unless the caller asks for exceptions, per client or per call', async () => {
    const { fetch } = fakeFetch(200, { data: tagged });
    const input = { host: 'alpha', source: 'nope:1', target: 'x:1' };
    expect(await createHangarClient({ url: 'http://h', token: 't', fetch }).tagImage({ input })).toEqual(tagged);
    const strict = createHangarClient({ url: 'http://h', token: 't', fetch, throwOnUserErrors: true });
    const error = (await strict.tagImage({ input }).catch((e: unknown) => e)) as HangarUserError;
    expect(error).toBeInstanceOf(HangarUserError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', codes: ['NOT_FOUND'], hosts: ['alpha'] });
    expect(error.userErrors[0]!.field).toEqual(['input', 'source']);
    expect(error.payload).toEqual(tagged);
    expect(await strict.tagImage({ input }, { throwOnUserErrors: false })).toEqual(tagged);
    await expect(createHangarClient({ url: 'http://h', token: 't', fetch }).request(TagImageDocument, { input }, { throwOnUserErrors: true })).rejects.toBeInstanceOf(HangarUserError);
  });

  it('refuses a URL that is not http(s) and a missing token', () => {
    expect(() => createHangarClient({ url: 'ftp://h', token: 't' })).toThrow(/http/);
    expect(() => createHangarClient({ url: 'http://h', token: '' })).toThrow(/token/);
  });
});
