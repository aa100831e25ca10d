// The role matrix, generated: every Query, Mutation and Subscription field of the built schema and every REST route
// of the route table (each path also in its other spellings: letter case, trailing slash, doubled slash,
// percent-encoded letters) is asked for with no token, a viewer, an operator, an admin and a host-scoped operator,
// and each answer must be what README's API section documents: a viewer reads (every query and subscription, image
// exports); an operator also changes images and runs jobs (every other mutation, load/import/build-context
// uploads); an admin also manages registries, webhooks and tokens and reads the audit log; no token is 401; a
// path not spelled as documented is 404. Mutations get harmless arguments (a host that does not exist, dryRun)
// and only the role outcome is asserted (FORBIDDEN or not); nothing may be created. The scoped token's answers
// never name a host outside its scope. Its own Redis database (11).
import { randomBytes } from 'node:crypto';
import { buildHangarSchema, REST_ROUTES, type RestRoute } from '@hangar/api';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { Sandbox } from '../sandbox/index.js';

const info = inject('sandbox');
const run = randomBytes(3).toString('hex');

// Host names of this Hangar only (the engines are the sandbox's): random, so no answer can carry one by chance.
const SEEN = `seen-${run}`;
const HIDDEN = [`hid1-${run}`, `hid2-${run}`];
/** A host that does not exist: the harmless target of every mutation. */
const NOPE = `nohost-${run}`;

type Who = 'none' | 'viewer' | 'operator' | 'admin' | 'scoped';
type Role = 'viewer' | 'operator' | 'admin';
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
/** The role each caller has; the scoped token is an operator limited to SEEN. */
const ROLE_OF: Record<Exclude<Who, 'none'>, Role> = { viewer: 'viewer', operator: 'operator', admin: 'admin', scoped: 'operator' };
const CALLERS: Who[] = ['none', 'viewer', 'operator', 'admin', 'scoped'];

let hangar: TestHangar;
let schema: GraphQLSchema;
const tokens: Partial<Record<Who, string>> = {};
/** Every answer the scoped token got, to search for hidden host names. */
const scopedAnswers: { what: string; text: string }[] = [];

/**
 * The role a root field needs, as README documents it: queries and subscriptions are reads (viewer), except the
 * audit log, the token list and the webhook receivers, rules and deliveries (admin); a mutation changes images or
 * runs jobs (operator), except managing registries, webhooks and tokens (admin). Checking a registry login is an
 * operator's (its description says so).
 */
function documentedRole(root: 'Query' | 'Mutation' | 'Subscription', field: string): Role {
  if (root === 'Mutation') {
    if (field === 'testRegistryLogin') return 'operator';
    return /Registr(y|ies)$|Webhook|Token$/.test(field) ? 'admin' : 'operator';
  }
  return /^(auditLog|tokens|webhook)/.test(field) ? 'admin' : 'viewer';
}

/** Input values that can change nothing: no such host, no such job, dry runs. */
const HOST_ARGS = new Set(['host', 'hosts', 'targetHosts', 'sourceHost', 'name', 'names', 'registry']);

function valueFor(type: GraphQLInputType, name: string, root: string): unknown {
  if (isNonNullType(type)) return valueFor(type.ofType, name, root);
  if (isListType(type)) return [valueFor(type.ofType, name, root)];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      const harmless = root === 'Mutation' && (HOST_ARGS.has(field.name) || field.name === 'dryRun');
      if (isNonNullType(field.type) || harmless) value[field.name] = valueFor(field.type, field.name, root);
    }
    return value;
  }
  if (isScalarType(type)) {
    if (name === 'dryRun') return true;
    // A blank name is refused before anything is made (createToken, addRegistry, webhooks), a host name is unknown.
    if (name === 'name' && root === 'Mutation') return ' ';
    if (HOST_ARGS.has(name)) return NOPE;
    switch (type.name) {
      case 'ID':
        return name === 'batchId' ? `batch-${'0'.repeat(20)}` : `${NOPE}@pull-0000000000`;
      case 'Int':
      case 'Float':
      case 'Bytes':
        return 1;
      case 'Boolean':
        return false;
      case 'DateTime':
        return new Date(0).toISOString();
      default:
        if (/url/i.test(name)) return 'http://127.0.0.1:9/none.tar';
        return `none-${run}`;
    }
  }
  throw new Error(`no value for ${String(type)}`);
}

/** Heavy field resolvers (engine calls per image) left out of the scoped token's wide selections. */
const HEAVY = new Set(['layers', 'history', 'details', 'sharedWith', 'containers', 'sharedSize', 'diskUsage']);

/** `{ __typename }` for everyone; for the scoped token, every argument-free field down to `depth` (to catch leaks). */
function selection(type: GraphQLNamedType, depth: number): string {
  if (!isObjectType(type) && !('getFields' in type)) return '';
  if (depth === 0) return '{ __typename }';
  const fields = Object.values((type as GraphQLObjectType).getFields())
    .filter((field) => field.args.length === 0 && !HEAVY.has(field.name))
    .map((field) => {
      const named = getNamedType(field.type);
      if (isScalarType(named) || isEnumType(named)) return field.name;
      return depth > 1 ? `${field.name} ${selection(named, depth - 1)}` : '';
    })
    .filter(Boolean);
  return `{ __typename ${fields.join(' ')} }`;
}

interface Operation {
  root: 'Query' | 'Mutation' | 'Subscription';
  field: string;
  text: string;
  variables: Record<string, unknown>;
}

function operationFor(root: Operation['root'], field: GraphQLField<unknown, unknown>, wide: boolean): Operation {
  const variables: Record<string, unknown> = {};
  const declared: string[] = [];
  const passed: string[] = [];
  for (const arg of field.args) {
    const harmless = root !== 'Query' && (HOST_ARGS.has(arg.name) || arg.name === 'dryRun');
    if (!isNonNullType(arg.type) && !harmless && !(root === 'Query' && arg.name === 'registry')) continue;
    variables[arg.name] = valueFor(arg.type, arg.name, root);
    declared.push(`$${arg.name}: ${String(arg.type)}`);
    passed.push(`${arg.name}: $${arg.name}`);
  }
  const keyword = root.toLowerCase();
  const text = `${keyword} Matrix${declared.length ? `(${declared.join(', ')})` : ''} { ${field.name}${passed.length ? `(${passed.join(', ')})` : ''} ${selection(getNamedType(field.type), wide && root === 'Query' ? 3 : 0)} }`;
  return { root, field: field.name, text, variables };
}

interface Answer {
  status: number;
  codes: string[];
  text: string;
}

async function post(who: Who, operation: Operation): Promise<Answer> {
  const token = tokens[who];
  const response = await fetch(`${hangar.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: operation.text, variables: operation.variables }),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, codes: (body.errors ?? []).map((error) => error.extensions?.code ?? '?'), text };
}

/** The first result of a subscription (or its error, or how its connection ended), within a few seconds. */
async function subscribeOnce(who: Who, operation: Operation): Promise<Answer> {
  const token = tokens[who];
  const client = createClient({
    url: `${hangar.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
  try {
    const results = client.iterate({ query: operation.text, variables: operation.variables });
    const first = await Promise.race([
      results.next().then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      ),
      new Promise<{ timeout: true }>((resolve) => setTimeout(() => resolve({ timeout: true }), 4000)),
    ]);
    void results.return?.();
    if ('timeout' in first) return { status: 200, codes: [], text: '(no event yet)' };
    if ('error' in first) {
      const error = first.error as { code?: number; reason?: string; extensions?: { code?: string } }[] | { code?: number; reason?: string };
      if (Array.isArray(error)) return { status: 200, codes: error.map((e) => e.extensions?.code ?? '?'), text: JSON.stringify(error) };
      // An answered refusal of the connection: graphql-ws closes it (4403 Forbidden when onConnect says no).
      return { status: error.code === 4403 ? 401 : 0, codes: [`close ${error.code}`], text: String(error.reason ?? '') };
    }
    const value = first.result.value as { errors?: { extensions?: { code?: string } }[] } | undefined;
    return { status: 200, codes: (value?.errors ?? []).map((e) => e.extensions?.code ?? '?'), text: JSON.stringify(value ?? null) };
  } finally {
    await client.dispose();
  }
}

beforeAll(async () => {
  hangar = await startTestHangar(info, {
    redis: { url: `${info.redisUrl}/11` },
    hosts: [
      { ...sandboxHost(info, 'alpha'), name: HIDDEN[0]! },
      { ...sandboxHost(info, 'beta'), name: SEEN },
      { ...sandboxHost(info, 'gamma'), name: HIDDEN[1]! },
    ],
  });
  schema = await buildHangarSchema();
  tokens.admin = hangar.token;
  const made: [Who, 'VIEWER' | 'OPERATOR', { names: string[] } | undefined][] = [
    ['viewer', 'VIEWER', undefined],
    ['operator', 'OPERATOR', undefined],
    ['scoped', 'OPERATOR', { names: [SEEN] }],
  ];
  for (const [who, role, hosts] of made) {
    const created = await hangar.sdk.createToken({ input: { name: `${who}-${run}`, role, ...(hosts ? { hosts } : {}) } });
    expect(created.createToken.userErrors).toEqual([]);
    tokens[who] = created.createToken.token!;
  }
});

afterAll(async () => {
  await hangar?.stop();
});

/** What admins manage, listed: none of the matrix's calls may add to it. */
async function managedState(): Promise<string> {
  const [t, r, w, rules] = await Promise.all([hangar.sdk.tokens(), hangar.sdk.registries(), hangar.sdk.webhookReceivers(), hangar.sdk.webhookRules()]);
  return JSON.stringify([t.tokens.map((x) => x.id), r.registries.map((x) => x.name), w.webhookReceivers.map((x) => x.name), rules.webhookRules.map((x) => x.name)]);
}

describe('GraphQL: every root field against every caller, as documented', () => {
  it('the classification covers what README names', () => {
    expect(documentedRole('Mutation', 'createToken')).toBe('admin');
    expect(documentedRole('Mutation', 'addRegistry')).toBe('admin');
    expect(documentedRole('Mutation', 'removeWebhookRule')).toBe('admin');
    expect(documentedRole('Mutation', 'pullImage')).toBe('operator');
    expect(documentedRole('Query', 'auditLog')).toBe('admin');
    expect(documentedRole('Query', 'registries')).toBe('viewer');
    expect(documentedRole('Subscription', 'imageEvents')).toBe('viewer');
  });

  it('queries and mutations: 401 without a token, FORBIDDEN exactly below the documented role, nothing made', async () => {
    const before = await managedState();
    const outcomes: string[] = [];
    const wrong: string[] = [];
    for (const root of ['Query', 'Mutation'] as const) {
      const type = root === 'Query' ? schema.getQueryType()! : schema.getMutationType()!;
      const fields = Object.values(type.getFields());
      expect(fields.length).toBeGreaterThan(root === 'Query' ? 15 : 15);
      for (const field of fields) {
        const needed = documentedRole(root, field.name);
        for (const who of CALLERS) {
          const operation = operationFor(root, field, who === 'scoped');
          const answer = await post(who, operation);
          if (who === 'scoped') scopedAnswers.push({ what: `${root}.${field.name}`, text: answer.text });
          const forbidden = answer.codes.includes('FORBIDDEN');
          const line = `${root}.${field.name} as ${who}: ${answer.status} ${answer.codes.join(',') || 'ok'}`;
          outcomes.push(line);
          if (who === 'none') {
            if (answer.status !== 401 || !answer.codes.includes('UNAUTHENTICATED')) wrong.push(`${line} (want 401 UNAUTHENTICATED)`);
            continue;
          }
          const allowed = RANK[ROLE_OF[who]] >= RANK[needed];
          if (allowed === forbidden) wrong.push(`${line} (want ${allowed ? 'allowed' : 'FORBIDDEN'}; needs ${needed})`);
          // Nothing else may break: a bad argument is a user error or a coded error, never a 5xx or an INTERNAL.
          if (answer.status >= 500 || answer.codes.includes('INTERNAL')) wrong.push(`${line} (failed: ${answer.text.slice(0, 300)})`);
          // The check runs before the resolver: a refused call says only that.
          if (forbidden) expect(JSON.parse(answer.text).data?.[field.name] ?? null, line).toBeNull();
        }
      }
    }
    expect(wrong, outcomes.join('\n')).toEqual([]);
    expect(await managedState()).toBe(before);
  });

  it('subscriptions: refused without a token, open to every role (none needs more than a viewer)', async () => {
    const wrong: string[] = [];
    for (const field of Object.values(schema.getSubscriptionType()!.getFields())) {
      const needed = documentedRole('Subscription', field.name);
      for (const who of CALLERS) {
        const answer = await subscribeOnce(who, operationFor('Subscription', field, false));
        if (who === 'scoped') scopedAnswers.push({ what: `Subscription.${field.name}`, text: answer.text });
        const line = `Subscription.${field.name} as ${who}: ${answer.codes.join(',') || 'ok'}`;
        if (who === 'none') {
          if (answer.status !== 401) wrong.push(`${line} (want the connection refused)`);
          continue;
        }
        const allowed = RANK[ROLE_OF[who]] >= RANK[needed];
        if (allowed === answer.codes.includes('FORBIDDEN')) wrong.push(`${line} (want ${allowed ? 'allowed' : 'FORBIDDEN'})`);
        if (answer.codes.includes('INTERNAL')) wrong.push(`${line} (INTERNAL)`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

/** The other spellings of a path: none of them is a route. */
function variants(path: string): string[] {
  const slash = path.lastIndexOf('/');
  const head = path.slice(0, slash);
  const last = path.slice(slash + 1);
  const flip = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  const encoded = (text: string) => `%${text.charCodeAt(0).toString(16)}${text.slice(1)}`;
  return [
    `${head}/${flip(last)}`,
    `${head}/${last.toUpperCase()}`,
    path.toUpperCase(),
    `${path}/`,
    `${head}//${last}`,
    `/${path}`,
    path.replace('/api/v1/', '/api/v1//'),
    `${head}/${encoded(last)}`,
    `${head}/${encoded(last).toUpperCase()}`,
    path.replace('/api/v1/', '/%61pi/v1/'),
  ].filter((variant, index, all) => variant !== path && all.indexOf(variant) === index);
}

async function rest(who: Who, route: Pick<RestRoute, 'method'>, path: string): Promise<Answer> {
  const token = tokens[who];
  const upload = route.method === 'POST';
  const response = await fetch(`${hangar.url}${path}`, {
    method: route.method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(upload ? { 'content-type': path.endsWith('/graphql') ? 'application/json' : 'application/x-tar' } : {}) },
    // Not a tar (nothing can be loaded from it); for /graphql, the smallest query.
    ...(upload ? { body: path.endsWith('/graphql') ? JSON.stringify({ query: '{ __typename }' }) : `not a tar ${run}` } : {}),
  });
  const text = await response.text();
  let codes: string[] = [];
  try {
    codes = ((JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map((error) => error.extensions?.code ?? '?');
  } catch {
    // Prometheus text, or a tar
  }
  return { status: response.status, codes, text };
}

describe('REST: every route of the table, in every spelling, against every caller', () => {
  it('the table has the documented routes, each with its role', () => {
    const table = Object.fromEntries(REST_ROUTES.map((route) => [`${route.method} ${route.path}`, route.role]));
    expect(table).toMatchObject({
      'GET /healthz': null,
      'GET /metrics': 'viewer',
      'GET /api/v1/hosts/:host/images/export': 'viewer',
      'POST /api/v1/hosts/:host/images/load': 'operator',
      'POST /api/v1/hosts/:host/images/import': 'operator',
      'POST /api/v1/build-contexts': 'operator',
    });
  });

  it('the documented spelling: 401, 403 FORBIDDEN or allowed by role; every other spelling: 404 for everyone', async () => {
    const outcomes: string[] = [];
    const wrong: string[] = [];
    for (const route of REST_ROUTES) {
      // The handler of a host route runs on a host that does not exist: allowed = it got that far (HOST_NOT_FOUND).
      const path = route.path.replace(':host', NOPE);
      // An export needs a reference to get past its argument check to the host.
      const query = route.path.endsWith('/export') ? '?ref=x' : '';
      for (const who of CALLERS) {
        const answer = await rest(who, route, `${path}${query}`);
        if (who === 'scoped') scopedAnswers.push({ what: `${route.method} ${path}`, text: answer.text });
        const line = `${route.method} ${path} as ${who}: ${answer.status} ${answer.codes.join(',')}`;
        outcomes.push(line);
        if (route.role === null) {
          if (answer.status !== 200) wrong.push(`${line} (want 200)`);
        } else if (who === 'none') {
          if (answer.status !== 401 || !answer.codes.includes('UNAUTHENTICATED')) wrong.push(`${line} (want 401)`);
        } else if (RANK[ROLE_OF[who]] < RANK[route.role]) {
          if (answer.status !== 403 || !answer.codes.includes('FORBIDDEN')) wrong.push(`${line} (want 403 FORBIDDEN)`);
        } else if (route.path.includes(':host')) {
          if (answer.status !== 404 || !answer.codes.includes('HOST_NOT_FOUND')) wrong.push(`${line} (want the handler: 404 HOST_NOT_FOUND)`);
        } else if ([401, 403, 404].includes(answer.status) || answer.status >= 500) {
          wrong.push(`${line} (want allowed)`);
        }
        for (const variant of variants(path)) {
          const other = await rest(who, route, `${variant}${query}`);
          const otherLine = `${route.method} ${variant} as ${who}: ${other.status} ${other.codes.join(',')}`;
          outcomes.push(otherLine);
          if (other.status !== 404 || !other.codes.includes('NOT_FOUND')) wrong.push(`${otherLine} (want 404 NOT_FOUND)`);
        }
      }
    }
    expect(wrong, outcomes.join('\n')).toEqual([]);
  });

  it('a viewer’s load with a real archive is refused and loads nothing', async () => {
    // An image archive the engine would take: exported by the admin from the scoped host.
    const archive = await hangar.sdk.archives.exportImages({ host: SEEN, refs: [info.seed.baseRef] });
    const bytes = new Uint8Array(await new Response(archive).arrayBuffer());
    for (const path of [`/api/v1/hosts/${SEEN}/images/load`, `/api/v1/hosts/${SEEN}/images/Load`, `/api/v1/hosts/${SEEN}/images/load/`, `/api/v1/hosts/${SEEN}/images//load`, `/api/v1/hosts/${SEEN}/images/%6coad`]) {
      const response = await fetch(`${hangar.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${tokens.viewer}`, 'content-type': 'application/x-tar' }, body: bytes });
      expect([path, response.status]).toEqual([path, path === `/api/v1/hosts/${SEEN}/images/load` ? 403 : 404]);
    }
    const { auditLog } = await hangar.sdk.auditLog({ first: 50 });
    expect(auditLog.nodes.filter((entry) => entry.action === 'loadImages' && entry.actor.name === `viewer-${run}`)).toEqual([]);
  });
});

describe('a host-scoped token never sees another host', () => {
  it('metrics: only its hosts’ series', async () => {
    const scoped = await rest('scoped', { method: 'GET' }, '/metrics');
    scopedAnswers.push({ what: 'GET /metrics', text: scoped.text });
    expect(scoped.text).toContain(`hangar_host_up{host="${SEEN}"}`);
    expect(scoped.text).toContain(`hangar_jobs{host="${SEEN}",state="queued"}`);
    const admin = await rest('admin', { method: 'GET' }, '/metrics');
    for (const hidden of HIDDEN) {
      expect(admin.text).toContain(`hangar_host_up{host="${hidden}"}`);
      expect(scoped.text).not.toContain(hidden);
    }
  });

  it('a hidden host is answered as one that does not exist', async () => {
    const same = (text: string, name: string) => text.split(name).join('<host>');
    for (const path of ['/api/v1/hosts/:host/images/export?ref=x']) {
      const hidden = await rest('scoped', { method: 'GET' }, path.replace(':host', HIDDEN[0]!));
      const unknown = await rest('scoped', { method: 'GET' }, path.replace(':host', NOPE));
      expect(same(hidden.text, HIDDEN[0]!)).toBe(same(unknown.text, NOPE));
      expect(hidden.status).toBe(404);
    }
    const host = (name: string) => post('scoped', { root: 'Query', field: 'host', text: 'query($name: String!) { host(name: $name) { name } }', variables: { name } });
    expect((await host(HIDDEN[0]!)).text).toBe((await host(NOPE)).text);
  });

  it('a copy from a hidden host onto its host: the job is there, the source is not named (subject, progress, error, logs)', async () => {
    // An image of this test's own: a copy moves the tag it names on the target, and the seed's tags must stay put.
    const ref = `role-matrix-${run}/copy:1`;
    await Sandbox.attach(info).docker('alpha', ['tag', info.seed.baseRef, ref]);
    const started = await hangar.sdk.copyImage({ input: { sourceHost: HIDDEN[0]!, ref, targetHosts: [SEEN] } });
    expect(started.copyImage.userErrors).toEqual([]);
    const id = started.copyImage.jobs![0]!.id;
    // The admin sees where it came from.
    expect(started.copyImage.jobs![0]!.subject).toContain(HIDDEN[0]);
    const shape = `id host kind state subject error { code message host } progress { phase message } logs`;
    await expect
      .poll(async () => (await post('admin', { root: 'Query', field: 'job', text: `query($id: ID!) { job(id: $id) { state } }`, variables: { id } })).text, { timeout: 60_000, interval: 250 })
      .toMatch(/COMPLETED|FAILED/);
    const one = await post('scoped', { root: 'Query', field: 'job', text: `query($id: ID!) { job(id: $id) { ${shape} } }`, variables: { id } });
    const list = await post('scoped', { root: 'Query', field: 'jobs', text: `query($b: ID) { jobs(filter: { batchId: $b }) { nodes { ${shape} } } }`, variables: { b: started.copyImage.batchId } });
    const followed = await subscribeOnce('scoped', { root: 'Subscription', field: 'jobUpdated', text: `subscription($id: ID!) { jobUpdated(id: $id) { ${shape.replace(' logs', '')} } }`, variables: { id } });
    for (const answer of [one, list, followed]) {
      scopedAnswers.push({ what: 'copy job', text: answer.text });
      expect(answer.text).toContain(id);
      expect(answer.text).toContain('(hidden host)');
    }
    const job = (JSON.parse(one.text) as { data: { job: { subject: string; logs: string[] } } }).data.job;
    expect(job.subject).toBe(`(hidden host):${ref}`);
  });

  it('no answer the scoped token got names a hidden host', () => {
    expect(scopedAnswers.length).toBeGreaterThan(50);
    const leaks = scopedAnswers.filter((answer) => HIDDEN.some((name) => answer.text.includes(name))).map((answer) => `${answer.what}: ${answer.text.slice(0, 400)}`);
    expect(leaks).toEqual([]);
  });
});
