// Query limits end to end, on HTTP and on graphql-ws alike: documents built to cost far more than their size
// (fragment bombs, 10,000 aliases, deep nesting, many directives, huge token counts) are answered at once with a
// clear code, /healthz keeps answering meanwhile, and legitimate large documents still run. Each request's
// engine calls are bounded by limits.maxEngineCallsPerRequest.
import { getIntrospectionQuery } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { graphql, query, type GraphQLResponse } from './support/graphql.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';

const info = inject('sandbox');

/** Default limits. */
let hangar: TestHangar;
/** Tight limits: depth 4, 10 engine calls per request. */
let tight: TestHangar;

beforeAll(async () => {
  [hangar, tight] = await Promise.all([
    startTestHangar(info, { redis: { url: `${info.redisUrl}/13` }, hosts: [sandboxHost(info, 'alpha'), sandboxHost(info, 'beta')] }, { workers: false }),
    startTestHangar(
      info,
      { redis: { url: `${info.redisUrl}/14` }, hosts: [sandboxHost(info, 'alpha'), sandboxHost(info, 'beta')], limits: { maxDepth: 4, maxEngineCallsPerRequest: 10 } },
      { workers: false },
    ),
  ]);
});

afterAll(async () => {
  await Promise.all([hangar?.stop(), tight?.stop()]);
});

/** `fragment F0 on Query { ...F1 ...F1 }` ... `levels` deep: 2^levels fields once expanded, about 1 KB at 24. */
function fragmentBomb(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `query Bomb { ...F0 }\n${fragments.join('\n')}\nfragment F${levels} on Query { hosts { name } }`;
}

/** `n` aliased `images` fields, each with its own filter (each a separate engine call if it ran). */
const aliasedImages = (n: number, from = 0) =>
  `{ ${Array.from({ length: n }, (_, i) => `i${from + i}: images(filter: { reference: ["q-${from + i}/é\\"*"] }) { totalCount }`).join(' ')} }`;

/** `n` directives, one per field. */
const directives = (n: number) => `query($yes: Boolean = true) { ${'hosts { name @include(if: $yes) } '.repeat(n)} }`;

/** A document of about `n` tokens in one list argument (a huge document that would parse fine). */
const manyTokens = (n: number) => `{ images(filter: { reference: [${Array.from({ length: n }, (_, i) => `"t${i}"`).join(',')}] }) { totalCount } }`;

async function healthz(url: string): Promise<number> {
  return (await fetch(`${url}/healthz`)).status;
}

/** Sends `text` over HTTP while /healthz is asked too; both must answer. */
async function refusedOverHttp(text: string, on: TestHangar = hangar): Promise<GraphQLResponse<unknown>> {
  const [answer, health] = await Promise.all([graphql(on.url, on.token, text), healthz(on.url)]);
  expect(health).toBe(200);
  expect(await healthz(on.url)).toBe(200);
  return answer;
}

const codesOf = (answer: { errors?: readonly { extensions?: { code?: unknown } }[] }) => (answer.errors ?? []).map((error) => error.extensions?.code);

/** One graphql-ws client per describe block; the same socket must survive every refusal. */
function wsClient(on: TestHangar): Client {
  return createClient({
    url: `${on.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${on.token}` },
    retryAttempts: 0,
  });
}

type WsAnswer = { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } | { closed: { code?: number; reason?: string } };

/** The first answer to one operation over graphql-ws: its result, its errors, or how the socket closed. */
async function overWs(client: Client, text: string, variables?: Record<string, unknown>): Promise<WsAnswer> {
  const results = client.iterate({ query: text, variables });
  try {
    const first = await results.next();
    return (first.value ?? {}) as WsAnswer;
  } catch (error) {
    if (Array.isArray(error)) return { errors: error as { message: string; extensions?: { code?: string } }[] };
    return { closed: error as { code?: number; reason?: string } };
  } finally {
    await results.return?.();
  }
}

async function engineCallsTotal(on: TestHangar): Promise<number> {
  const text = await (await fetch(`${on.url}/metrics`, { headers: { authorization: `Bearer ${on.token}` } })).text();
  return Number(/^hangar_engine_calls_total (\d+)$/m.exec(text)?.[1]);
}

describe('over HTTP', () => {
  it.each([24, 40, 100])('answers a %i-level fragment bomb at once: QUERY_TOO_COMPLEX, with /healthz answering meanwhile', async (levels) => {
    const bomb = fragmentBomb(levels);
    expect(bomb.length).toBeLessThan(50 * (levels + 2));
    const answer = await refusedOverHttp(bomb);
    expect(answer.status).toBe(400);
    expect(codesOf(answer)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(answer.errors?.[0]?.message).toMatch(/^the operation's estimated cost is \S+; the limit is 50000 \(limits\.maxCost\)/);
    expect(answer.data).toBeUndefined();
  });

  it('refuses 10,000 aliased images fields before parsing them, without one engine call', async () => {
    const before = await engineCallsTotal(hangar);
    const text = aliasedImages(10_000);
    expect(text.length).toBeLessThan(1_000_000);
    const answer = await refusedOverHttp(text);
    expect(answer.status).toBe(400);
    expect(codesOf(answer)).toEqual(['TOO_MANY_TOKENS']);
    expect(answer.errors?.[0]?.message).toBe('the document has more than 5000 tokens (limits.maxTokens); it was not parsed');
    expect(await engineCallsTotal(hangar)).toBe(before);
  });

  it('lets 30 aliases through and refuses 31 (TOO_MANY_ALIASES), counting aliases inside fragments', async () => {
    const allowed = await query<Record<string, { totalCount: number }>>(hangar.url, hangar.token, aliasedImages(30));
    expect(Object.keys(allowed)).toHaveLength(30);
    for (const value of Object.values(allowed)) expect(value.totalCount).toBe(0);
    const answer = await refusedOverHttp(aliasedImages(31));
    expect(answer.status).toBe(400);
    expect(codesOf(answer)).toEqual(['TOO_MANY_ALIASES']);
    expect(answer.errors?.[0]?.message).toBe('the operation has 31 aliased fields; the limit is 30 (limits.maxAliases)');
    const viaFragment = `${aliasedImages(20).replace(/ }$/, ' ...More }')} fragment More on Query ${aliasedImages(11, 20)}`;
    expect(codesOf(await refusedOverHttp(viaFragment))).toEqual(['TOO_MANY_ALIASES']);
  });

  it('lets 50 directives through and refuses 51 (TOO_MANY_DIRECTIVES)', async () => {
    const allowed = await query<{ hosts: { name: string }[] }>(hangar.url, hangar.token, directives(50));
    expect(allowed.hosts.map((host) => host.name).sort()).toEqual(['alpha', 'beta']);
    const answer = await refusedOverHttp(directives(51));
    expect(codesOf(answer)).toEqual(['TOO_MANY_DIRECTIVES']);
    expect(answer.errors?.[0]?.message).toBe('the operation has 51 directives; the limit is 50 (limits.maxDirectives)');
  });

  it('stops the parser at the token limit, however big the document', async () => {
    expect(codesOf(await refusedOverHttp(manyTokens(4984)))).toEqual([]);
    // Six times the limit, a third of the 1 MB body limit (bigger bodies are 413 before GraphQL sees them).
    const huge = manyTokens(30_000);
    expect(huge.length).toBeGreaterThan(250_000);
    const answer = await refusedOverHttp(huge);
    expect(answer.status).toBe(400);
    expect(codesOf(answer)).toEqual(['TOO_MANY_TOKENS']);
  });

  it('prices literal page sizes: a 1000-image page with deep per-image fields is QUERY_TOO_COMPLEX, 10 images are fine', async () => {
    const page = (first: number) =>
      `{ host(name: "alpha") { images(first: ${first}) { nodes { imageId details { config { env labels { key value } } rootFS { layers } } history { id createdBy size tags } } } } }`;
    const answer = await refusedOverHttp(page(1000));
    expect(codesOf(answer)).toEqual(['QUERY_TOO_COMPLEX']);
    const small = await query<{ host: { images: { nodes: { imageId: string; history: unknown[] }[] } } }>(hangar.url, hangar.token, page(10));
    expect(small.host.images.nodes.length).toBeGreaterThan(0);
    for (const node of small.host.images.nodes) expect(node.history.length).toBeGreaterThan(0);
  });

  it('refuses nesting past limits.maxDepth with QUERY_TOO_DEEP', async () => {
    const deep = '{ host(name: "alpha") { images(first: 1) { nodes { history { id } } } } }';
    const answer = await refusedOverHttp(deep, tight);
    expect(answer.status).toBe(400);
    expect(codesOf(answer)).toEqual(['QUERY_TOO_DEEP']);
    expect(answer.errors?.[0]?.message).toBe('the operation nests fields 5 deep; the limit is 4');
    // The same document is fine under the default limit of 12.
    expect((await query<{ host: { images: { nodes: unknown[] } } }>(hangar.url, hangar.token, deep)).host.images.nodes).toHaveLength(1);
  });

  it('runs a legitimate large document: 30 aliases, fragments, variables and 2,000+ tokens, each alias answering as it would alone', async () => {
    const references = ['*', 'hangar*', 'nothing-here-*', 'é*'];
    const aliases = Array.from({ length: 30 }, (_, i) => {
      const host = i % 2 ? 'alpha' : 'beta';
      const reference = references[i % references.length]!;
      return [`a${i}`, host, reference] as const;
    });
    const fields = '...Page';
    const text = `query Large($first: Int = 100) {
      ${aliases.map(([alias, host, reference]) => `${alias}: host(name: "${host}") { name images(first: $first, filter: { reference: [${JSON.stringify(reference)}] }) { ${fields} } }`).join('\n      ')}
    }
    fragment Page on ImageConnection { totalCount nodes { imageId repoTags created size } pageInfo { hasNextPage endCursor } }`;
    const answer = await graphql<Record<string, { name: string; images: { totalCount: number; nodes: { imageId: string }[] } }>>(hangar.url, hangar.token, text);
    expect(answer.errors).toBeUndefined();
    expect(Object.keys(answer.data!)).toHaveLength(30);
    for (const [alias, host, reference] of aliases.slice(0, 4)) {
      const alone = await query<{ host: { images: { totalCount: number; nodes: { imageId: string }[] } } }>(
        hangar.url,
        hangar.token,
        `query($r: [String!]) { host(name: "${host}") { images(first: 100, filter: { reference: $r }) { totalCount nodes { imageId } } } }`,
        { r: [reference] },
      );
      expect(answer.data![alias]!.images.totalCount).toBe(alone.host.images.totalCount);
      expect(answer.data![alias]!.images.nodes.map((node) => node.imageId)).toEqual(alone.host.images.nodes.map((node) => node.imageId));
    }
    // One engine call per distinct (host, filter) list, however many aliases ask for it.
    expect(answer.extensions?.engineCalls).toBeLessThanOrEqual(2 * references.length + 2);
  });

  it('answers introspection as GraphiQL and codegen send it', async () => {
    const introspection = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true });
    for (const on of [hangar, tight]) {
      const data = await query<{ __schema: { types: { name: string }[] } }>(on.url, on.token, introspection);
      expect(data.__schema.types.map((type) => type.name)).toContain('Image');
    }
  });
});

describe('engine-call budget (limits.maxEngineCallsPerRequest)', () => {
  it('makes at most the budget of engine calls; the ones past it fail with ENGINE_CALL_BUDGET_EXCEEDED', async () => {
    // 24 distinct refs: each one an engine call of its own, more than the tight Hangar's 10.
    const refs = Array.from({ length: 24 }, (_, i) => `budget/missing-${i}-x${'y'.repeat(i)}:v${i}`);
    const text = `{ ${refs.map((ref, i) => `r${i}: host(name: "${i % 2 ? 'alpha' : 'beta'}") { image(ref: ${JSON.stringify(ref)}) { imageId } }`).join(' ')} }`;
    const answer = await graphql<Record<string, { image: unknown } | null>>(tight.url, tight.token, text);
    expect(answer.extensions?.engineCalls).toBe(10);
    const refused = (answer.errors ?? []).filter((error) => error.extensions?.code === 'ENGINE_CALL_BUDGET_EXCEEDED');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.message).toMatch(/^this request has made 10 engine calls, the most one request may make \(limits\.maxEngineCallsPerRequest\)/);
    expect(new Set(codesOf(answer))).toEqual(new Set(['ENGINE_CALL_BUDGET_EXCEEDED']));
    // The lookups that were made answer as usual (no such image: null); the others are errors, not calls.
    expect(Object.values(answer.data ?? {}).map((value) => value?.image)).toEqual(refs.map(() => null));
    const refusedAliases = new Set(refused.map((error) => (error as { path?: string[] }).path?.[0]));
    expect(refusedAliases.size).toBe(refused.length);
    expect(refused.length).toBeLessThan(refs.length);
    // The same document on the default budget makes every call and meets no budget error.
    const full = await graphql(hangar.url, hangar.token, text);
    expect(codesOf(full)).not.toContain('ENGINE_CALL_BUDGET_EXCEEDED');
    expect(full.extensions?.engineCalls).toBeGreaterThan(10);
  });

  it('a fleet-wide answer names the host whose part ran out of budget', async () => {
    // Each host's image list is one call; each image's history one more per image: well past 10 on the sandbox.
    const answer = await graphql<{ images: { nodes: { history: unknown[] | null }[]; hostErrors: { host: string; code: string }[] } }>(
      tight.url,
      tight.token,
      '{ images(first: 1000) { nodes { imageId history { id } } hostErrors { host code } } }',
    );
    expect(answer.extensions?.engineCalls).toBe(10);
    expect(codesOf(answer)).toContain('ENGINE_CALL_BUDGET_EXCEEDED');
    expect(await healthz(tight.url)).toBe(200);
  });
});

describe('over WebSocket (graphql-ws on /graphql)', () => {
  let client: Client;
  beforeAll(() => {
    client = wsClient(hangar);
  });
  afterAll(async () => {
    await client?.dispose();
  });

  const wsCodes = (answer: WsAnswer) => ('closed' in answer ? [`closed ${answer.closed.code}`] : codesOf(answer));

  it.each([24, 40, 100])('refuses a %i-level fragment bomb (QUERY_TOO_COMPLEX) on a socket that stays open', async (levels) => {
    const [answer, health] = await Promise.all([overWs(client, fragmentBomb(levels)), healthz(hangar.url)]);
    expect(health).toBe(200);
    expect(wsCodes(answer)).toEqual(['QUERY_TOO_COMPLEX']);
    const after = await overWs(client, '{ hosts { name } }');
    expect(after).toEqual({ data: { hosts: expect.arrayContaining([{ name: 'alpha' }, { name: 'beta' }]) } });
    expect(await healthz(hangar.url)).toBe(200);
  });

  it('refuses 10,000 aliases (TOO_MANY_TOKENS), 31 aliases (TOO_MANY_ALIASES), 51 directives, huge token counts', async () => {
    expect(wsCodes(await overWs(client, aliasedImages(10_000)))).toEqual(['TOO_MANY_TOKENS']);
    const aliases = await overWs(client, aliasedImages(31));
    expect(wsCodes(aliases)).toEqual(['TOO_MANY_ALIASES']);
    expect('errors' in aliases && aliases.errors?.[0]?.message).toBe('the operation has 31 aliased fields; the limit is 30 (limits.maxAliases)');
    expect(wsCodes(await overWs(client, directives(51)))).toEqual(['TOO_MANY_DIRECTIVES']);
    expect(wsCodes(await overWs(client, manyTokens(30_000)))).toEqual(['TOO_MANY_TOKENS']);
    expect(wsCodes(await overWs(client, '{ hosts { name }'))).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(await healthz(hangar.url)).toBe(200);
  });

  it('runs what is within the limits, and checks subscriptions as it checks queries', async () => {
    const allowed = await overWs(client, aliasedImages(30));
    expect(wsCodes(allowed)).toEqual([]);
    expect(Object.keys((allowed as { data: object }).data)).toHaveLength(30);
    expect(wsCodes(await overWs(client, directives(50)))).toEqual([]);
    const introspection = await overWs(client, getIntrospectionQuery());
    expect(wsCodes(introspection)).toEqual([]);
    // A subscription document goes through the same checks.
    const refusedSubscription = await overWs(client, `subscription { imageEvents(hosts: ["alpha"]) { ${'action @include(if: true) '.repeat(51)} } }`);
    expect(wsCodes(refusedSubscription)).toEqual(['TOO_MANY_DIRECTIVES']);
  });

  it('refuses depth past limits.maxDepth (QUERY_TOO_DEEP) and keeps the engine-call budget', async () => {
    const tightClient = wsClient(tight);
    try {
      const deep = await overWs(tightClient, '{ host(name: "alpha") { images(first: 1) { nodes { history { id } } } } }');
      expect(wsCodes(deep)).toEqual(['QUERY_TOO_DEEP']);
      const refs = Array.from({ length: 16 }, (_, i) => `budget/ws-missing-${i}:v${i}`);
      const budget = await overWs(tightClient, `{ ${refs.map((ref, i) => `r${i}: host(name: "alpha") { image(ref: ${JSON.stringify(ref)}) { imageId } }`).join(' ')} }`);
      expect(wsCodes(budget)).toContain('ENGINE_CALL_BUDGET_EXCEEDED');
    } finally {
      await tightClient.dispose();
    }
  });
});
