import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { freePort, waitFor } from '@hangar/system';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { ENGINE_NAMES, Sandbox } from '../sandbox/index.js';

/*
 * The bad-input corpus (issue 11, "Must show"): hundreds of hostile or malformed inputs, generated from the tables
 * below, sent end to end to a real Hangar (its own process, `apps/api/src/main.ts`, API and workers, on the
 * sandbox's engines, registry and Redis). For every case: an answer below 500, a clear error shape (GraphQL
 * `errors[].extensions.code`, a payload's `userErrors[].code`, or a REST/webhook JSON error with a code), and the
 * process still serving. Per category (cases run with limited concurrency): no engine changed
 * (`docker image ls -a` on all three), no Redis connection left behind (CLIENT LIST, after a settle period), and
 * `/healthz` answered within HEALTHZ_BOUND_MS throughout, polled from a worker thread of its own (a late answer
 * is asked again at once, and fails only when that one is late too: see the check).
 *
 * KNOWN_OPEN lists the failures that fixes in flight (other work of issue 11) will close; each is printed with
 * its reason, and the lead removes entries as the fixes land. Any other failure fails the test, and so does a
 * KNOWN_OPEN entry that no longer fails (so the list cannot go stale).
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const info = inject('sandbox');
/** The one timing bound the issue asks for: /healthz answers within this while the corpus runs. */
const HEALTHZ_BOUND_MS = 100;
/** One /healthz answer slower than this is a stall whatever the next one says. */
const STALL_MS = 1_000;
const CONCURRENCY = 2;
/** A case with no answer within this is a hang. */
const CASE_TIMEOUT_MS = 20_000;
/** The whole corpus; categories not started by then are failures ("not run"), so the test ends and reports. */
const BUDGET_MS = 360_000;

/**
 * Failures fixes in flight will close, by case ID (`category/name`) or per-category check
 * (`category:healthz`, `category:redis-clients`, `category:engines`, `category:alive`). Remove an entry when its
 * fix lands; an entry that passes fails the test as stale.
 */
const KNOWN_OPEN: Record<string, string> = {};

// ---------------------------------------------------------------------------------------------------------------
// The Hangar under test, and how to talk to it.

interface Answer {
  status: number;
  body: unknown;
  text: string;
}

interface Harness {
  url: string;
  admin: string;
  viewer: string;
  /** An image ID prefix that matches two or more images on alpha (AMBIGUOUS_REFERENCE). */
  ambiguousPrefix: string;
  /** A tagged image that exists on alpha. */
  existingRef: string;
  redisPort: number;
  secrets: Record<WebhookReceiverName, string>;
}

type WebhookReceiverName = 'bi-dist' | 'bi-harbor' | 'bi-hub' | 'bi-std' | 'bi-gh';

/**
 * One HTTP request on a connection of its own (no keep-alive: a pooled connection that the server closes as a
 * request goes out would show as a reset that is the client's doing), sent as given: the path is not normalised.
 */
function send(url: string, { method = 'POST', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Answer> {
  const target = new URL(url);
  const path = url.slice(url.indexOf('/', target.protocol.length + 2));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port, method, path, headers, agent: false, timeout: CASE_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${CASE_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** POST /graphql with a JSON body built from `payload` (or sent as it is when a string or Buffer). */
function gql(h: Harness, payload: unknown, { token = h.admin, headers = {} }: { token?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
  return send(`${h.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body });
}

/** Percent-encodes every byte of the UTF-8 form (lone surrogates become U+FFFD, as any client would send). */
function pct(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`)).join('');
}

function rest(h: Harness, method: string, path: string, { body, token = h.admin, headers = {} }: { body?: Buffer | string; token?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return send(`${h.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...headers }, body });
}

// ---------------------------------------------------------------------------------------------------------------
// Cases.

/** What counts as a clear answer: an error with a code (default), or, for lookups documented to answer null for
 * "there is none", null as well. `codes` narrows the codes allowed. `accepted` lets a webhook answer 2xx with an
 * IGNORED delivery (a well-formed, authenticated event that asks for nothing). */
interface Expect {
  nullOk?: boolean;
  codes?: string[];
  ignoredOk?: boolean;
}

interface Case {
  id: string;
  category: string;
  run: (h: Harness) => Promise<Answer>;
  expect?: Expect;
}

const cases: Case[] = [];
function add(category: string, name: string, run: Case['run'], expectation: Expect = {}): void {
  const id = `${category}/${name}`;
  if (cases.some((c) => c.id === id)) throw new Error(`duplicate case ${id}`);
  cases.push({ id, category, run, expect: expectation });
}

/** A short, printable label for a value in a case name. */
function label(value: string): string {
  const shown = JSON.stringify(value.length > 24 ? `${value.slice(0, 16)}…(${value.length})` : value);
  return shown.slice(1, -1);
}

// --- image references ------------------------------------------------------------------------------------------

interface BadRef {
  name: string;
  ref: (h: Harness) => string;
  /** Only for lookups: the value is a valid reference grammar-wise but must not resolve to one image. */
  lookupOnly?: boolean;
}

const literalRefs: [string, string][] = [
  ['empty', ''],
  ['space', ' '],
  ['uppercase-repo', 'Hangar-Test/App:1.0'],
  ['uppercase-all', 'UPPER/CASE:TAG'],
  ['name-256', 'a'.repeat(256)],
  ['name-300-path', `${'abc/'.repeat(75)}x`],
  ['tag-129', `x:${'t'.repeat(129)}`],
  ['tag-10k', `x:${'b'.repeat(10_000)}`],
  ['ref-100k', 'r'.repeat(100_000)],
  ['digest-short', 'app@sha256:abc'],
  ['digest-nonhex', `app@sha256:${'g'.repeat(64)}`],
  ['digest-upperhex', `app@sha256:${'A'.repeat(64)}`],
  ['digest-65', `app@sha256:${'a'.repeat(65)}`],
  ['digest-md5', `app@md5:${'a'.repeat(32)}`],
  ['digest-empty', 'app@sha256:'],
  ['digest-only-at', '@sha256:' + '0'.repeat(64)],
  ['digest-double-at', `app@@sha256:${'0'.repeat(64)}`],
  ['digest-with-tag-after', `app@sha256:${'0'.repeat(64)}:tag`],
  ['id-empty', 'sha256:'],
  ['double-tag', 'app:1:2'],
  ['colons', '::'],
  ['only-tag', ':latest'],
  ['leading-slash', '/app:1'],
  ['trailing-slash', 'app/:1'],
  ['double-slash', 'a//b:1'],
  ['dotdot', '../etc/passwd'],
  ['dotdot-seed', '../../hangar-test/app:1.0'],
  ['dotdot-middle', 'hangar-test/../app:1.0'],
  ['pct-dotdot', '%2e%2e/app:1'],
  ['pct-dotdot-slash', '%2e%2e%2fapp'],
  ['pct-nul', 'app%00:1'],
  ['nul', 'app\u0000:1'],
  ['newline', 'app\n:1'],
  ['crlf-header', 'app\r\nX-Injected: 1'],
  ['tab', 'app\t:1'],
  ['del', 'app\u007f'],
  ['unicode-name', 'ünïcödé/app:1'],
  ['unicode-tag', 'app:ταγ'],
  ['emoji', '😀:1'],
  ['rtl-override', 'app\u202e:1'],
  ['bom', '\ufeffapp:1'],
  ['fullwidth', 'ａｐｐ:1'],
  ['lone-surrogate', 'app\ud800:1'],
  ['leading-dash', '-app:1'],
  ['trailing-dash', 'app-:1'],
  ['leading-dot', '.app:1'],
  ['double-dot', 'app..x:1'],
  ['port-nonnumeric', 'host:port:x/app'],
  ['backslash', 'a\\b:1'],
  ['shell', 'app:1;rm -rf /'],
  ['jndi', '${jndi:ldap://127.0.0.1/x}'],
  ['sql', "app' OR '1'='1"],
  ['url-scheme', 'http://127.0.0.1/app:1'],
  ['glob', 'hangar-test/*'],
];

const badRefs: BadRef[] = [
  ...literalRefs.map(([name, ref]) => ({ name, ref: () => ref })),
  { name: 'ambiguous-id-prefix', ref: (h) => h.ambiguousPrefix, lookupOnly: true },
  { name: 'ambiguous-id-prefix-sha256', ref: (h) => `sha256:${h.ambiguousPrefix}`, lookupOnly: true },
];

const payload = 'userErrors { code message field host }';
/**
 * Every ref goes to a lookup (image), a tag target (a slip would create a tag) and a pull (a slip would enqueue);
 * these also go to locate, tag source, export, push and a real (not dry) removal (a slip would delete something).
 */
const MORE_OPS_REFS = new Set(['uppercase-repo', 'digest-upperhex', 'digest-md5', 'dotdot-seed', 'dotdot-middle', 'pct-dotdot', 'nul', 'newline', 'bom', 'unicode-name', 'lone-surrogate', 'glob', 'empty', 'tag-10k', 'url-scheme', 'emoji']);
for (const bad of badRefs) {
  const more = bad.lookupOnly || MORE_OPS_REFS.has(bad.name);
  add('refs', `image:${bad.name}`, (h) => gql(h, { query: 'query($r: String!) { host(name: "alpha") { image(ref: $r) { id } } }', variables: { r: bad.ref(h) } }), { nullOk: true });
  if (more) {
    add('refs', `locate:${bad.name}`, (h) => gql(h, { query: 'query($r: String!) { locateImage(ref: $r, hosts: ["alpha"]) { images { id } missingOn hostErrors { host code message } } }', variables: { r: bad.ref(h) } }));
    add('refs', `tag-source:${bad.name}`, (h) => gql(h, { query: `mutation($s: String!) { tagImage(input: { host: "alpha", source: $s, target: "bad-input/never:1" }) { ${payload} } }`, variables: { s: bad.ref(h) } }));
    add('refs', `remove:${bad.name}`, (h) => gql(h, { query: `mutation($r: String!) { removeImages(input: { hosts: ["alpha"], refs: [$r] }) { ${payload} } }`, variables: { r: bad.ref(h) } }));
    add('refs', `export:${bad.name}`, (h) => rest(h, 'GET', `/api/v1/hosts/alpha/images/export?ref=${pct(bad.ref(h))}`));
  }
  if (bad.lookupOnly) continue;
  add('refs', `tag-target:${bad.name}`, (h) => gql(h, { query: `mutation($s: String!, $t: String!) { tagImage(input: { host: "alpha", source: $s, target: $t }) { ${payload} } }`, variables: { s: h.existingRef, t: bad.ref(h) } }));
  add('refs', `pull:${bad.name}`, (h) => gql(h, { query: `mutation($r: String!) { pullImage(input: { hosts: ["alpha"], ref: $r }) { batchId ${payload} } }`, variables: { r: bad.ref(h) } }));
  if (more) add('refs', `push:${bad.name}`, (h) => gql(h, { query: `mutation($r: String!) { pushImage(input: { hosts: ["alpha"], ref: $r }) { batchId ${payload} } }`, variables: { r: bad.ref(h) } }));
}

// --- host names ------------------------------------------------------------------------------------------------

const badHosts: [string, string][] = [
  ['unknown', 'nosuchhost'],
  ['empty', ''],
  ['uppercase', 'ALPHA'],
  ['dotdot', '..'],
  ['pct-dotdot', '%2e%2e'],
  ['slash', 'alpha/../beta'],
  ['nul', 'alpha\u0000'],
  ['unicode', 'ålpha'],
  ['long', 'h'.repeat(5000)],
  ['space', 'alpha '],
];
for (const [name, host] of badHosts) {
  add('hosts', `host:${name}`, (h) => gql(h, { query: 'query($n: String!) { host(name: $n) { name } }', variables: { n: host } }), { nullOk: true });
  add('hosts', `images:${name}`, (h) => gql(h, { query: 'query($n: String!) { images(hosts: [$n]) { totalCount hostErrors { host code } } }', variables: { n: host } }));
  add('hosts', `export:${name}`, (h) => rest(h, 'GET', `/api/v1/hosts/${pct(host)}/images/export?ref=${pct(h.existingRef)}`), { codes: ['HOST_NOT_FOUND', 'NOT_FOUND', 'BAD_REQUEST'] });
  add('hosts', `prune:${name}`, (h) => gql(h, { query: `mutation($n: String!) { pruneImages(input: { hosts: [$n], dryRun: true }) { ${payload} } }`, variables: { n: host } }));
}

// --- filters -----------------------------------------------------------------------------------------------------

const badTimes = ['', 'garbage', '1y', '2026-13-45T00:00:00Z', 'NaN', 'Infinity', '1e309', '24h; rm -rf /', '١٢h', 'P1D', '\u0000'];
const badImageRefFilters = ['', 'nonexistent/never:1', 'UPPER:1', '../x', 'sha256:zz'];
const badLabels = ['', '=', '=value'];
const badGlobs = ['[', '[a-', '\\', '[]', 'a['];

const filterValues: [string, Record<string, unknown>, boolean][] = [
  ...badTimes.map((v): [string, Record<string, unknown>, boolean] => [`until:${label(v)}`, { until: v }, true]),
  ...badImageRefFilters.map((v): [string, Record<string, unknown>, boolean] => [`since:${label(v)}`, { since: v }, false]),
  ...badImageRefFilters.map((v): [string, Record<string, unknown>, boolean] => [`before:${label(v)}`, { before: v }, false]),
  ...badLabels.map((v): [string, Record<string, unknown>, boolean] => [`label:${label(v)}`, { label: [v] }, true]),
  ...badGlobs.map((v): [string, Record<string, unknown>, boolean] => [`reference:${label(v)}`, { reference: [v] }, false]),
  ['unknown-key', { foo: 'x' }, false],
  ['unknown-key-case', { Dangling: true }, false],
  ['dangling-string', { dangling: 'yes' }, false],
  ['label-number', { label: 5 }, false],
  ['until-object', { until: { $gt: 1 } }, false],
  ['reference-nested', { reference: [['a']] }, false],
];
for (const [name, filter, prunable] of filterValues) {
  add('filters', `host-images:${name}`, (h) => gql(h, { query: 'query($f: ImageFilterInput) { host(name: "alpha") { images(filter: $f) { totalCount } } }', variables: { f: filter } }));
  add('filters', `fleet-images:${name}`, (h) => gql(h, { query: 'query($f: ImageFilterInput) { images(hosts: ["alpha", "beta", "gamma"], filter: $f) { totalCount hostErrors { host code message } } }', variables: { f: filter } }));
  add('filters', `remove-dry:${name}`, (h) => gql(h, { query: `mutation($f: ImageFilterInput) { removeImages(input: { hosts: ["alpha"], filter: $f, dryRun: true }) { ${payload} } }`, variables: { f: filter } }));
  if (prunable && 'until' in filter) {
    add('filters', `prune-dry:${name}`, (h) => gql(h, { query: `mutation($u: String) { pruneImages(input: { hosts: ["alpha"], until: $u, dryRun: true }) { ${payload} } }`, variables: { u: filter.until } }));
  }
  if (prunable && 'label' in filter) {
    add('filters', `prune-dry:${name}`, (h) => gql(h, { query: `mutation($l: [String!]) { pruneImages(input: { hosts: ["alpha"], label: $l, dryRun: true }) { ${payload} } }`, variables: { l: filter.label } }));
  }
}

// --- cursors and page sizes ------------------------------------------------------------------------------------

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const badCursors: [string, string][] = [
  ['garbage', 'garbage!!'],
  ['empty', ''],
  ['b64-object', b64('{}')],
  ['b64-string', b64('"x"')],
  ['b64-null-item', b64('[null]')],
  ['b64-object-item', b64('[{"a":1}]')],
  ['b64-huge-number', b64('[1e999,"x"]')],
  ['b64-long-array', b64(JSON.stringify(Array.from({ length: 10_000 }, (_, i) => i)))],
  ['b64-deep', b64(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
  ['b64-not-json', b64('\u0000\u0001\u0002')],
  ['b64-invalid-utf8', Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url')],
  ['stream-id-huge', '99999999999999999999-1'],
  ['stream-id-negative', '-1-0'],
  ['stream-id-like', '1-99999999999999999999'],
  ['huge', 'A'.repeat(900_000)],
  ['unicode', 'ćürşör'],
  ['nul', 'a\u0000b'],
];
const cursorLists: [string, string][] = [
  ['fleet-images', 'query($a: String) { images(hosts: ["alpha"], after: $a) { totalCount hostErrors { host code message } } }'],
  ['host-images', 'query($a: String) { host(name: "alpha") { images(after: $a) { totalCount } } }'],
  ['jobs', 'query($a: String) { jobs(after: $a) { totalCount } }'],
  ['audit', 'query($a: String) { auditLog(after: $a) { pageInfo { endCursor } } }'],
  ['deliveries', 'query($a: String) { webhookDeliveries(after: $a) { pageInfo { endCursor } } }'],
  ['registry-tags', 'query($a: String) { registry(name: "sandbox") { tags(repository: "hangar-test/app", after: $a) { pageInfo { endCursor } } } }'],
];
for (const [list, query] of cursorLists) {
  for (const [name, cursor] of badCursors) add('cursors', `${list}:${name}`, (h) => gql(h, { query, variables: { a: cursor } }));
  for (const first of list === 'jobs' || list === 'fleet-images' ? [0, -1, 1001, 2 ** 31, 1.5] : []) {
    const sized = query.replace('after: $a', 'first: $f').replace('($a: String)', '($f: Int)');
    add('cursors', `${list}:first=${first}`, (h) => gql(h, { query: sized, variables: { f: first } }));
  }
}

// --- job IDs -----------------------------------------------------------------------------------------------------

const badJobIds: [string, string][] = [
  ['empty', ''],
  ['plain', 'x'],
  ['at', '@'],
  ['host-only', 'alpha@'],
  ['no-suffix', 'alpha@pull-'],
  ['upper-kind', 'alpha@PULL-00000000'],
  ['non-hex', 'alpha@pull-zzzzzzzz'],
  ['very-long', `alpha@pull-${'0'.repeat(10_000)}`],
  ['huge', 'j'.repeat(100_000)],
  ['unicode-kind', 'alpha@püll-00000000'],
  ['nul', 'alpha@pull-00000000\u0000'],
  ['dotdot', '../alpha@pull-00000000'],
  ['trailing', 'alpha@pull-00000000 '],
  ['redis-key', '{hangar}:meta:x'],
  ['glob', 'alpha@*'],
  ['missing', 'alpha@pull-0000000000'],
];
const unknownHostJobIds: [string, string][] = [
  ['unknown-host', 'zz0@pull-0000000000'],
  ['unknown-host-2', 'nohost@pull-deadbeef00'],
  ['unicode-host', 'α@pull-00000000'],
  ['long-host', `${'h'.repeat(63)}@pull-00000000`],
];
const jobOps: [string, (id: string) => unknown, Expect][] = [
  ['job', (id) => ({ query: 'query($id: ID!) { job(id: $id) { id } }', variables: { id } }), { nullOk: true }],
  ['cancel', (id) => ({ query: `mutation($id: ID!) { cancelJob(id: $id) { ${payload} } }`, variables: { id } }), {}],
  ['retry', (id) => ({ query: `mutation($id: ID!) { retryJob(id: $id) { ${payload} } }`, variables: { id } }), {}],
];
for (const [category, ids] of [
  ['jobIds', badJobIds],
  ['jobIds-unknownHost', unknownHostJobIds],
] as const) {
  for (const [name, id] of ids) for (const [op, make, expectation] of jobOps) add(category, `${op}:${name}`, (h) => gql(h, make(id)), expectation);
}
// 300 unknown hosts in one request (issue 11 #4: each opened a Redis connection that never closed).
add('jobIds-unknownHost', 'aliases-300-unknown-hosts', (h) =>
  gql(h, { query: `{ ${Array.from({ length: 300 }, (_, i) => `j${i}: job(id: "zz${i}@pull-0000000000") { id }`).join(' ')} }` }),
  { nullOk: true },
);

// --- URLs --------------------------------------------------------------------------------------------------------

const badUrls: [string, (h: Harness) => string][] = [
  ['empty', () => ''],
  ['not-a-url', () => 'not a url'],
  ['scheme-only', () => 'http://'],
  ['no-host', () => 'http:///x.tar'],
  ['ftp', () => 'ftp://files.invalid/a.tar'],
  ['file', () => 'file:///etc/passwd'],
  ['gopher-redis', (h) => `gopher://127.0.0.1:${h.redisPort}/_PING`],
  ['javascript', () => 'javascript:alert(1)'],
  ['data', () => 'data:application/x-tar;base64,AAAA'],
  ['userinfo', () => 'http://user:s3cret@files.invalid/x.tar'],
  ['metadata', () => 'http://169.254.169.254/latest/meta-data/'],
  ['loopback-redis', (h) => `http://127.0.0.1:${h.redisPort}/`],
  ['ipv6-loopback', () => 'http://[::1]:1/x.tar'],
  ['zero', () => 'http://0.0.0.0:1/x.tar'],
  ['decimal-loopback', () => 'http://2130706433:1/x.tar'],
  ['private', () => 'http://10.255.255.1/x.tar'],
  ['long-host', () => `http://${'a'.repeat(10_000)}.invalid/x.tar`],
  ['long-path', () => `http://files.invalid/${'p'.repeat(100_000)}`],
  ['space-host', () => 'http://exa mple.invalid/x.tar'],
  ['bad-port', () => 'https://files.invalid:99999/x.tar'],
  ['nul', () => 'http://files.invalid/x\u0000.tar'],
  ['crlf', () => 'http://files.invalid/x.tar\r\nX-Injected: 1'],
];
/** URLs no registry can have. (`http:///x` is not among them: the URL standard reads it as `http://x/`.) */
const REGISTRY_BAD_URLS = new Set(['empty', 'not-a-url', 'scheme-only', 'ftp', 'file', 'gopher-redis', 'javascript', 'data', 'userinfo', 'long-host', 'space-host', 'bad-port', 'nul', 'crlf']);
for (const [name, url] of badUrls) {
  add('urls', `import:${name}`, (h) => gql(h, { query: `mutation($u: String!) { importImage(input: { hosts: ["alpha"], url: $u }) { batchId ${payload} } }`, variables: { u: url(h) } }));
  add('urls', `load:${name}`, (h) => gql(h, { query: `mutation($u: String!) { loadImage(input: { hosts: ["alpha"], url: $u }) { batchId ${payload} } }`, variables: { u: url(h) } }));
  add('urls', `build-context:${name}`, (h) => gql(h, { query: `mutation($u: String!) { buildImage(input: { hosts: ["alpha"], contextUrl: $u, tags: ["bad-input/never:1"] }) { batchId ${payload} } }`, variables: { u: url(h) } }));
  add('urls', `rest-import:${name}`, (h) => rest(h, 'POST', `/api/v1/hosts/alpha/images/import?url=${pct(url(h))}`));
  // A registry may be internal (egress does not cover registries; SECURITY.md): only malformed URLs are bad here.
  // Each case names its own registry, so that one accepted by mistake cannot make the others CONFLICTs.
  if (REGISTRY_BAD_URLS.has(name)) {
    add('urls', `add-registry:${name}`, (h) => gql(h, { query: `mutation($n: String!, $u: String!) { addRegistry(input: { name: $n, url: $u }) { ${payload} } }`, variables: { n: `bad-input-${name}`, u: url(h) } }));
  }
}
for (const [name, url] of [
  ['git-ssh', 'git@127.0.0.1:x/y.git'],
  ['git-loopback', 'git://127.0.0.1:1/x.git'],
  ['git-metadata', 'https://169.254.169.254/x.git'],
] as const) {
  add('urls', `build-context:${name}`, (h) => gql(h, { query: `mutation($u: String!) { buildImage(input: { hosts: ["alpha"], contextUrl: $u, tags: ["bad-input/never:1"] }) { batchId ${payload} } }`, variables: { u: url } }));
}
for (const [name, term] of [
  ['loopback-port', (h: Harness) => `127.0.0.1:${h.redisPort}/x`],
  ['metadata', () => '169.254.169.254/x'],
  ['private', () => '10.255.255.1:5000/x'],
  ['empty', () => ''],
  ['long', () => 't'.repeat(100_000)],
] as const) {
  add('urls', `search:${name}`, (h) => gql(h, { query: 'query($t: String!) { searchImages(term: $t, host: "alpha") { name } }', variables: { t: term(h) } }));
}

// --- tar bodies --------------------------------------------------------------------------------------------------

/** One ustar header block (checksum filled in) for `name`, of `type`, claiming `size` (octal, or base-256 above 8 GiB). */
function tarHeader(name: string, { size = 0, type = '0', linkname = '' }: { size?: number; type?: string; linkname?: string } = {}): Buffer {
  const block = Buffer.alloc(512);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  if (size < 8 ** 11) block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  else {
    block[124] = 0x80;
    let rest = BigInt(size);
    for (let i = 135; i > 124; i--) {
      block[i] = Number(rest & 0xffn);
      rest >>= 8n;
    }
  }
  block.write('00000000000\0', 136);
  block.write('        ', 148);
  block.write(type, 156);
  block.write(linkname.slice(0, 100), 157);
  block.write('ustar\0', 257);
  block.write('00', 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}
const pad = (data: Buffer) => Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
const END = Buffer.alloc(1024);
function tarOf(entries: { name: string; data?: Buffer; type?: string; linkname?: string; size?: number }[], end = true): Buffer {
  return Buffer.concat([
    ...entries.flatMap((e) => [tarHeader(e.name, { size: e.size ?? e.data?.length ?? 0, type: e.type ?? '0', linkname: e.linkname ?? '' }), pad(e.data ?? Buffer.alloc(0))]),
    ...(end ? [END] : []),
  ]);
}
const manifest = (layer: string) => Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: ['bad-input/never:1'], Layers: [layer] }]));
const tarBodies: [string, () => Buffer, boolean][] = [
  // [name, body, also as an import (a root filesystem) body]
  ['empty', () => Buffer.alloc(0), true],
  ['text', () => Buffer.from('this is not a tar archive\n'), true],
  ['random', () => randomBytes(4096), true],
  ['json', () => Buffer.from('{"not":"a tar"}'), true],
  ['gzip-garbage', () => gzipSync(randomBytes(2048)), true],
  ['half-block', () => tarHeader('a.txt', { size: 10 }).subarray(0, 256), true],
  ['header-only', () => tarHeader('a.txt', { size: 10 }), true],
  ['truncated-data', () => Buffer.concat([tarHeader('a.txt', { size: 100_000 }), Buffer.alloc(1024, 0x61)]), true],
  ['no-end-marker', () => tarOf([{ name: 'a.txt', data: Buffer.from('hello') }], false), false],
  ['bad-checksum', () => {
    const block = tarHeader('a.txt', { size: 0 });
    block.write('0000001\0', 148);
    return Buffer.concat([block, END]);
  }, true],
  ['claims-8GiB', () => Buffer.concat([tarHeader('big.bin', { size: 8 * 1024 ** 3 }), Buffer.alloc(4096)]), true],
  ['claims-1TiB-base256', () => Buffer.concat([tarHeader('big.bin', { size: 1024 ** 4 }), Buffer.alloc(4096)]), true],
  ['end-marker-only', () => END, false],
  ['traversal-manifest', () => tarOf([{ name: '../../../../tmp/bad-input-escape', data: Buffer.from('x') }, { name: 'manifest.json', data: manifest('../../etc/passwd') }]), false],
  ['absolute-entry', () => tarOf([{ name: '/etc/bad-input', data: Buffer.from('x') }, { name: 'manifest.json', data: manifest('/etc/passwd') }]), false],
  ['symlink-escape', () => tarOf([{ name: 'layer.tar', type: '2', linkname: '/etc/passwd' }, { name: 'manifest.json', data: manifest('layer.tar') }]), false],
  ['manifest-garbage', () => tarOf([{ name: 'manifest.json', data: Buffer.from('{{{{') }]), false],
  ['manifest-wrong-types', () => tarOf([{ name: 'manifest.json', data: Buffer.from('[{"Config":5,"RepoTags":"x","Layers":{}}]') }]), false],
  ['manifest-missing-config', () => tarOf([{ name: 'manifest.json', data: manifest('layer.tar') }]), false],
  ['pax-huge', () => tarOf([{ name: 'PaxHeaders/x', type: 'x', data: Buffer.from(`${'9'.repeat(30)} size=1\n`) }, { name: 'a', data: Buffer.from('a') }]), false],
];
for (const [name, body, asImport] of tarBodies) {
  add('tars', `load:${name}`, (h) => rest(h, 'POST', '/api/v1/hosts/alpha/images/load', { body: body(), headers: { 'content-type': 'application/x-tar' } }));
  if (asImport) add('tars', `import:${name}`, (h) => rest(h, 'POST', '/api/v1/hosts/alpha/images/import?repo=bad-input/never&tag=1', { body: body(), headers: { 'content-type': 'application/x-tar' } }));
}
add('tars', 'load:unknown-param', (h) => rest(h, 'POST', '/api/v1/hosts/alpha/images/load?quiet=0', { body: END }));
add('tars', 'import:bad-repo', (h) => rest(h, 'POST', `/api/v1/hosts/alpha/images/import?repo=${pct('../UP')}`, { body: END }));
add('tars', 'import:bad-change', (h) => rest(h, 'POST', `/api/v1/hosts/alpha/images/import?repo=bad-input/never&change=${pct('RUN rm -rf /')}`, { body: END }));
add('tars', 'import:repeated-repo', (h) => rest(h, 'POST', '/api/v1/hosts/alpha/images/import?repo=a&repo=b', { body: END }));
add('tars', 'import:url-and-body', (h) => rest(h, 'POST', `/api/v1/hosts/alpha/images/import?url=${pct('http://files.invalid/x.tar')}`, { body: END }));
add('tars', 'export:no-ref', (h) => rest(h, 'GET', '/api/v1/hosts/alpha/images/export'));
add('tars', 'export:array-ref', (h) => rest(h, 'GET', '/api/v1/hosts/alpha/images/export?ref[a]=1'));
add('tars', 'build-context:not-a-tar', (h) => rest(h, 'POST', '/api/v1/build-contexts', { body: Buffer.from('not a tar'), headers: { 'content-type': 'application/x-tar' } }));
add('tars', 'build-context:empty', (h) => rest(h, 'POST', '/api/v1/build-contexts', { body: Buffer.alloc(0), headers: { 'content-type': 'application/x-tar' } }));
add('tars', 'build-context:claims-8GiB', (h) => rest(h, 'POST', '/api/v1/build-contexts', { body: Buffer.concat([tarHeader('big', { size: 8 * 1024 ** 3 }), Buffer.alloc(1024)]), headers: { 'content-type': 'application/x-tar' } }));

// --- the viewer and REST route variants (issue 11 #2: the role check missed case and trailing-slash variants) ----

for (const path of ['load', 'Load', 'LOAD', 'load/', 'Load/', 'import', 'Import', 'import/', 'IMPORT/']) {
  add('viewer', `rest-${path}`, (h) => rest(h, 'POST', `/api/v1/hosts/alpha/images/${path}`, { token: h.viewer, body: Buffer.from('not a tar'), headers: { 'content-type': 'application/x-tar' } }), { codes: ['FORBIDDEN', 'NOT_FOUND'] });
}
for (const path of ['/api/v1//hosts/alpha/images/load', '/api/v1/hosts/alpha//images/load', '/api/v1/hosts/alpha/images/%6coad', '/API/V1/hosts/alpha/images/load', '/api/v1/build-contexts/', '/api/v1/Build-Contexts']) {
  add('viewer', `rest-variant:${path}`, (h) => rest(h, 'POST', path, { token: h.viewer, body: Buffer.from('not a tar'), headers: { 'content-type': 'application/x-tar' } }), { codes: ['FORBIDDEN', 'NOT_FOUND'] });
}
for (const [name, mutation] of [
  ['tag', `tagImage(input: { host: "alpha", source: "x", target: "y" }) { ${payload} }`],
  ['remove', `removeImages(input: { hosts: ["alpha"], refs: ["nonexistent/never:1"] }) { ${payload} }`],
  ['prune', `pruneImages(input: { hosts: ["alpha"], dryRun: true }) { ${payload} }`],
  ['pull', `pullImage(input: { hosts: ["alpha"], ref: "UPPER" }) { ${payload} }`],
  ['create-token', `createToken(input: { name: "x", role: ADMIN }) { token ${payload} }`],
] as const) {
  add('viewer', `graphql-${name}`, (h) => gql(h, { query: `mutation { ${mutation} }` }, { token: h.viewer }), { codes: ['FORBIDDEN'] });
}
for (const [name, token] of [
  ['none', ''],
  ['garbage', 'garbage'],
  ['long', 't'.repeat(10_000)],
  ['unicode', 'tökén'],
] as const) {
  add('viewer', `token-${name}`, (h) =>
    send(`${h.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: '{"query":"{ hosts { name } }"}' }),
  { codes: ['UNAUTHENTICATED'] });
}

// --- destructive defaults (issue 11 #7): no `hosts` must be refused, never read as "the whole fleet" ---------------

add('defaults', 'remove-no-hosts', (h) => gql(h, { query: `mutation { removeImages(input: { refs: ["bad-input/never-there:1"] }) { ${payload} } }` }), { codes: ['BAD_REQUEST'] });
add('defaults', 'prune-no-hosts', (h) => gql(h, { query: `mutation { pruneImages(input: { label: ["bad-input.never=${randomBytes(4).toString('hex')}"] }) { ${payload} } }` }), { codes: ['BAD_REQUEST'] });
add('defaults', 'prune-no-hosts-dry', (h) => gql(h, { query: `mutation { pruneImages(input: { dryRun: true }) { ${payload} } }` }), { codes: ['BAD_REQUEST'] });
add('defaults', 'copy-no-targets', (h) => gql(h, { query: `mutation { copyImage(input: { sourceHost: "alpha", ref: "bad-input/never-there:1" }) { batchId ${payload} } }` }), { codes: ['BAD_REQUEST', 'NOT_FOUND'] });

// --- webhook bodies --------------------------------------------------------------------------------------------

interface Signed {
  path: string;
  headers: Record<string, string>;
}
function signWebhook(h: Harness, receiver: WebhookReceiverName, body: Buffer): Signed {
  const secret = h.secrets[receiver];
  switch (receiver) {
    case 'bi-dist':
      return { path: '/webhooks/bi-dist', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/vnd.docker.distribution.events.v1+json' } };
    case 'bi-harbor':
      return { path: '/webhooks/bi-harbor', headers: { authorization: secret, 'content-type': 'application/json' } };
    case 'bi-hub':
      return { path: `/webhooks/bi-hub/${secret}`, headers: { 'content-type': 'application/json' } };
    case 'bi-std': {
      const id = `msg_${randomBytes(8).toString('hex')}`;
      const timestamp = String(Math.floor(Date.now() / 1000));
      const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
      const signature = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
      return { path: '/webhooks/bi-std', headers: { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}`, 'content-type': 'application/json' } };
    }
    case 'bi-gh':
      return {
        path: '/webhooks/bi-gh',
        headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`, 'x-github-event': 'registry_package', 'x-github-delivery': randomBytes(8).toString('hex'), 'content-type': 'application/json' },
      };
  }
}
const RECEIVERS: WebhookReceiverName[] = ['bi-dist', 'bi-harbor', 'bi-hub', 'bi-std', 'bi-gh'];
const webhookBodies: [string, () => Buffer][] = [
  ['empty', () => Buffer.alloc(0)],
  ['truncated', () => Buffer.from('{"events":[{"action":"push"')],
  ['null', () => Buffer.from('null')],
  ['string', () => Buffer.from('"push"')],
  ['number', () => Buffer.from('12345')],
  ['array', () => Buffer.from('[]')],
  ['wrong-types', () => Buffer.from('{"events":"x","type":5,"data":[],"repository":7,"push_data":"y","package":true,"action":{}}')],
  ['missing-fields', () => Buffer.from('{"events":[{"action":"push"}],"type":"image.pushed","data":{},"push_data":{},"repository":{},"package":{},"action":"published"}')],
  ['deep', () => Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
  ['invalid-utf8', () => Buffer.concat([Buffer.from('{"events":[{"action":"'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}]}')])],
  ['nul', () => Buffer.from('{"events":[{"action":"push\u0000"}]}')],
  ['huge', () => Buffer.alloc(2 * 1024 * 1024, 0x20)],
  ['proto', () => Buffer.from('{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}')],
];
for (const receiver of RECEIVERS) {
  for (const [name, body] of webhookBodies) {
    add('webhooks', `${receiver}:${name}`, (h) => {
      const bytes = body();
      const signed = signWebhook(h, receiver, bytes);
      return send(`${h.url}${signed.path}`, { method: 'POST', headers: signed.headers, body: bytes });
    }, { ignoredOk: true });
  }
}
const validish = () => Buffer.from(JSON.stringify({ events: [{ id: 'x', action: 'push', target: { repository: 'team/web', tag: '1', digest: `sha256:${'0'.repeat(64)}` } }] }));
const badAuth: [string, WebhookReceiverName, (h: Harness, s: Signed) => Signed][] = [
  ['dist-wrong', 'bi-dist', (_h, s) => ({ ...s, headers: { ...s.headers, authorization: 'Bearer wrong' } })],
  ['dist-missing', 'bi-dist', (_h, s) => ({ ...s, headers: { 'content-type': 'application/json' } })],
  ['dist-suffix', 'bi-dist', (h, s) => ({ ...s, headers: { ...s.headers, authorization: `Bearer ${h.secrets['bi-dist']}x` } })],
  ['dist-long', 'bi-dist', (_h, s) => ({ ...s, headers: { ...s.headers, authorization: `Bearer ${'x'.repeat(8000)}` } })],
  ['harbor-wrong', 'bi-harbor', (_h, s) => ({ ...s, headers: { ...s.headers, authorization: 'wrong' } })],
  ['hub-wrong-token', 'bi-hub', (_h, s) => ({ ...s, path: '/webhooks/bi-hub/wrong' })],
  ['hub-long-token', 'bi-hub', (_h, s) => ({ ...s, path: `/webhooks/bi-hub/${'t'.repeat(5000)}` })],
  ['hub-no-token', 'bi-hub', (_h, s) => ({ ...s, path: '/webhooks/bi-hub' })],
  ['std-wrong-sig', 'bi-std', (_h, s) => ({ ...s, headers: { ...s.headers, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` } })],
  ['std-old', 'bi-std', (_h, s) => ({ ...s, headers: { ...s.headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 86_400) } })],
  ['std-nonnumeric-ts', 'bi-std', (_h, s) => ({ ...s, headers: { ...s.headers, 'webhook-timestamp': 'yesterday' } })],
  ['std-empty-sig', 'bi-std', (_h, s) => ({ ...s, headers: { ...s.headers, 'webhook-signature': 'v1,' } })],
  ['std-many-sigs', 'bi-std', (_h, s) => ({ ...s, headers: { ...s.headers, 'webhook-signature': Array.from({ length: 500 }, () => 'v1,AAAA').join(' ') } })],
  ['std-missing', 'bi-std', (_h, s) => ({ ...s, headers: { 'content-type': 'application/json' } })],
  ['gh-wrong', 'bi-gh', (_h, s) => ({ ...s, headers: { ...s.headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` } })],
  ['gh-sha1', 'bi-gh', (_h, s) => ({ ...s, headers: { ...s.headers, 'x-hub-signature-256': `sha1=${'0'.repeat(40)}` } })],
  ['gh-nonhex', 'bi-gh', (_h, s) => ({ ...s, headers: { ...s.headers, 'x-hub-signature-256': 'sha256=zz' } })],
  ['gh-missing', 'bi-gh', (_h, s) => ({ ...s, headers: { 'content-type': 'application/json' } })],
];
for (const [name, receiver, tamper] of badAuth) {
  add('webhooks', `auth:${name}`, (h) => {
    const bytes = validish();
    const signed = tamper(h, signWebhook(h, receiver, bytes));
    return send(`${h.url}${signed.path}`, { method: 'POST', headers: signed.headers, body: bytes });
  }, { codes: ['UNAUTHENTICATED', 'NOT_FOUND'] });
}
for (const [name, receiver] of [
  ['unknown', 'nosuch'],
  ['long', 'r'.repeat(5000)],
  ['unicode', 'rëcëivër'],
  ['dotdot', '..'],
  ['pct-dotdot', '%2e%2e'],
  ['pct-nul', 'bi-dist%00'],
] as const) {
  add('webhooks', `receiver:${name}`, (h) => send(`${h.url}/webhooks/${receiver === '..' || receiver.startsWith('%') ? receiver : pct(receiver)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: validish() }), { codes: ['NOT_FOUND'] });
}

// --- GraphQL documents -----------------------------------------------------------------------------------------

const graphqlDocs: [string, (h: Harness) => unknown, Expect?][] = [
  ['syntax-open', () => ({ query: '{' })],
  ['syntax-close', () => ({ query: '}}}}' })],
  ['empty-query', () => ({ query: '' })],
  ['query-number', () => ({ query: 5 })],
  ['query-null', () => ({ query: null })],
  ['query-missing', () => ({ variables: {} })],
  ['body-null', () => 'null'],
  ['body-string', () => '"{ hosts { name } }"'],
  ['body-truncated', () => '{"query":"{ hosts'],
  ['body-empty-array', () => '[]'],
  ['batch-2', () => [{ query: '{ hosts { name } }' }, { query: '{ hosts { name } }' }]],
  ['batch-1000', () => Array.from({ length: 1000 }, () => ({ query: '{ hosts { name } }' }))],
  ['unknown-field', () => ({ query: '{ nosuchfield }' })],
  ['unknown-op-name', () => ({ query: '{ hosts { name } }', operationName: 'Nope' })],
  ['op-name-number', () => ({ query: '{ hosts { name } }', operationName: 7 })],
  ['two-ops-no-name', () => ({ query: 'query A { hosts { name } } query B { hosts { name } }' })],
  ['variables-string', () => ({ query: '{ hosts { name } }', variables: '{}' })],
  ['variables-array', () => ({ query: '{ hosts { name } }', variables: [1, 2] })],
  ['var-missing', () => ({ query: 'query($n: String!) { host(name: $n) { name } }', variables: {} })],
  ['var-wrong-type', () => ({ query: 'query($n: String!) { host(name: $n) { name } }', variables: { n: { a: 1 } } })],
  ['var-int-string', () => ({ query: 'query($f: Int) { jobs(first: $f) { totalCount } }', variables: { f: '10' } })],
  ['var-int-huge', () => ({ query: 'query($f: Int) { jobs(first: $f) { totalCount } }', variables: { f: 1e100 } })],
  ['var-int-overflow', () => ({ query: 'query($f: Int) { jobs(first: $f) { totalCount } }', variables: { f: 2 ** 31 } })],
  ['var-list-for-string', () => ({ query: 'query($n: String!) { host(name: $n) { name } }', variables: { n: ['alpha'] } })],
  ['var-input-unknown-key', () => ({ query: 'query($f: ImageFilterInput) { images(hosts: ["alpha"], filter: $f) { totalCount } }', variables: { f: { nope: 1 } } })],
  ['var-deep-object', () => ({ query: 'query($f: ImageFilterInput) { images(hosts: ["alpha"], filter: $f) { totalCount } }', variables: { f: JSON.parse(`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`) } })],
  ['literal-int-huge', () => ({ query: '{ jobs(first: 99999999999999999999) { totalCount } }' })],
  ['literal-bad-escape', () => ({ query: '{ host(name: "\\x41") { name } }' })],
  ['literal-bad-unicode-escape', () => ({ query: '{ host(name: "\\uZZZZ") { name } }' })],
  ['literal-lone-surrogate-escape', () => ({ query: '{ host(name: "\\uD800") { name } }' }), { nullOk: true }],
  ['literal-nul-escape', () => ({ query: '{ host(name: "\\u0000") { name } }' }), { nullOk: true }],
  ['literal-astral-escape', () => ({ query: '{ host(name: "\\u{1F600}") { name } }' }), { nullOk: true }],
  ['raw-control-chars', () => ({ query: '{ hosts { name \u0001 } }' })],
  ['invalid-utf8-body', () => Buffer.concat([Buffer.from('{"query":"{ host(name: \\"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('\\") { name } }"}')]), { nullOk: true }],
  ['utf16-charset', () => Buffer.from(JSON.stringify({ query: '{ hosts { name } }' }), 'utf16le')],
  ['unknown-directive', () => ({ query: '{ hosts @nope { name } }' })],
  ['directives-10k', () => ({ query: `{ __typename ${'@include(if: true) '.repeat(10_000)} }` })],
  ['directives-10k-distinct-fields', () => ({ query: `{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: __typename @skip(if: false)`).join(' ')} }` })],
  ['aliases-10k-typename', () => ({ query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ')} }` })],
  ['aliases-10k-hosts', () => ({ query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: hosts { name }`).join(' ')} }` })],
  ['aliases-10k-images', () => ({ query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: images(hosts: ["alpha"], filter: { reference: ["bad-input-${i}/*"] }) { totalCount }`).join(' ')} }` })],
  ['tokens-100k', () => ({ query: `{ ${'__typename '.repeat(90_000)}}` })],
  ['depth-50', () => ({ query: `{ hosts { ${'images { nodes { host { '.repeat(12)} name ${'} } } '.repeat(12)} } }` })],
  ['depth-braces-10k', () => ({ query: `{ hosts ${'{ name '.repeat(10_000)}${'}'.repeat(10_000)} }` })],
  ['depth-list-literal-10k', () => ({ query: `{ images(hosts: ${'['.repeat(10_000)}"alpha"${']'.repeat(10_000)}) { totalCount } }` })],
  ['depth-object-literal-5k', () => ({ query: `{ images(hosts: ["alpha"], filter: ${'{ a: '.repeat(5000)}1${' }'.repeat(5000)}) { totalCount } }` })],
  ['size-1mb-comment', () => ({ query: `# ${'x'.repeat(1_100_000)}\n{ hosts { name } }` })],
  ['size-900k-whitespace', () => ({ query: `{ __typename${' '.repeat(900_000)}nosuchfield }` })],
  ['fragment-cycle', () => ({ query: '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }' })],
  ['fragment-unknown', () => ({ query: '{ ...Nope }' })],
  ['fragment-unused', () => ({ query: '{ hosts { name } } fragment U on Query { hosts { name } }' })],
  ['subscription-over-http', () => ({ query: 'subscription { imageEvents { action } }' })],
  ['introspection-deep', () => ({ query: `{ __schema { types { ${'fields { type { '.repeat(30)} name ${'} } '.repeat(30)} } } }` })],
];
for (const [name, make, expectation] of graphqlDocs) add('graphql', name, (h) => gql(h, make(h)), expectation);
add('graphql', 'get-no-preflight', (h) => rest(h, 'GET', `/graphql?query=${pct('{ hosts { name } }')}`));
add('graphql', 'get-mutation', (h) => rest(h, 'GET', `/graphql?query=${pct('mutation { cancelJob(id: "x") { userErrors { code } } }')}`, { headers: { 'apollo-require-preflight': '1' } }));
add('graphql', 'text-plain', (h) => rest(h, 'POST', '/graphql', { body: '{"query":"{ hosts { name } }"}', headers: { 'content-type': 'text/plain' } }));
add('graphql', 'form-urlencoded', (h) => rest(h, 'POST', '/graphql', { body: 'query=%7B%20hosts%20%7B%20name%20%7D%20%7D', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));

/** `fragment F0 on Query { ...F1 ...F1 } ... F(n) on Query { hosts { name } }`: 2^n spreads from ~40 bytes a level. */
function fragmentBomb(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `{ ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { hosts { name } }`;
}
// The bombs run last: before the fix, one keeps the event loop busy for good.
for (const levels of [16, 24, 40]) add('graphql-bombs', `fragment-bomb-${levels}`, (h) => gql(h, { query: fragmentBomb(levels) }));
add('graphql-bombs', 'fragment-bomb-wide', (h) =>
  gql(h, {
    query: `{ ...F0 } ${Array.from({ length: 12 }, (_, i) => `fragment F${i} on Query { ${Array.from({ length: 8 }, () => `...F${i + 1}`).join(' ')} }`).join(' ')} fragment F12 on Query { __typename }`,
  }),
);

// ---------------------------------------------------------------------------------------------------------------
// Running it.

/** What makes an answer "a clear error": the reasons it is not, or none. */
function shapeProblems(answer: Answer, expectation: Expect = {}): string[] {
  if (answer.status >= 500) return [`status ${answer.status}`];
  const body = answer.body as Record<string, unknown> | undefined;
  if (body === undefined || body === null || typeof body !== 'object') return [`status ${answer.status}, not JSON: ${answer.text.slice(0, 120)}`];
  const codes: string[] = [];
  const errors = (body as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    for (const error of errors as { extensions?: { code?: unknown } }[]) {
      if (typeof error?.extensions?.code !== 'string') return [`an error without extensions.code: ${JSON.stringify(error).slice(0, 200)}`];
      codes.push(error.extensions.code);
    }
  }
  const data = (body as { data?: unknown }).data;
  let allNull = false;
  if (data && typeof data === 'object') {
    const values = Object.values(data as Record<string, unknown>);
    // A lookup's "there is none": the field is null, or (host(name) { image(ref) }) every field of its one object is.
    allNull = values.length > 0 && values.every((value) => value === null || (typeof value === 'object' && !Array.isArray(value) && Object.values(value as object).every((inner) => inner === null)));
    for (const value of values) {
      for (const list of ['userErrors', 'hostErrors']) {
        const entries = (value as Record<string, unknown> | null)?.[list];
        if (Array.isArray(entries)) for (const entry of entries as { code?: unknown }[]) if (typeof entry.code === 'string') codes.push(entry.code);
      }
    }
  }
  // An INTERNAL error is a server fault that happens to travel in a 200.
  if (codes.some((code) => /^INTERNAL/.test(code))) return [`an INTERNAL error (status ${answer.status}): ${answer.text.slice(0, 200)}`];
  const delivery = body as { status?: unknown; delivery?: unknown; events?: { status?: string }[] };
  const ignored = expectation.ignoredOk && answer.status < 300 && typeof delivery.delivery === 'string' && (delivery.status === 'IGNORED' || (Array.isArray(delivery.events) && delivery.events.every((e) => e.status === 'IGNORED')));
  if (codes.length === 0) {
    if (ignored) return [];
    if (expectation.nullOk && allNull && !Array.isArray(errors)) return [];
    return [`no error code (status ${answer.status}): ${answer.text.slice(0, 200)}`];
  }
  if (expectation.codes) {
    const unexpected = codes.filter((code) => !expectation.codes!.includes(code));
    if (unexpected.length > 0) return [`codes ${unexpected.join(', ')}; expected ${expectation.codes.join(' or ')}`];
  }
  return [];
}

interface CaseResult {
  id: string;
  category: string;
  problems: string[];
  ms: number;
}

async function runPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** `docker image ls -a` of every engine, one line per image and name. */
async function engineImages(sandbox: Sandbox): Promise<Record<string, string>> {
  const lists = await Promise.all(
    ENGINE_NAMES.map(async (name) => {
      const { stdout } = await sandbox.docker(name, ['image', 'ls', '-a', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}']);
      return [name, stdout.split('\n').filter(Boolean).sort().join('\n')] as const;
    }),
  );
  return Object.fromEntries(lists);
}

async function redisClients(redis: Redis): Promise<number> {
  const list = (await redis.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => line.trim() !== '').length;
}

/** /healthz polled from a thread of its own, so the test's own work cannot slow the measurement. */
function startHealthzPoller(url: string): { samples: { end: number; ms: number; status: number }[]; stop(): Promise<void> } {
  const samples: { end: number; ms: number; status: number }[] = [];
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     let stop = false;
     parentPort.on('message', () => { stop = true; });
     (async () => {
       while (!stop) {
         const started = performance.now();
         let status = 0;
         try {
           const response = await fetch(workerData.url, { signal: AbortSignal.timeout(5000) });
           await response.arrayBuffer();
           status = response.status;
         } catch { status = -1; }
         const ms = performance.now() - started;
         parentPort.postMessage({ end: Date.now(), ms, status });
         // A slow answer is asked again at once: the next sample says whether Hangar is stalled or was only late.
         if (ms <= workerData.boundMs) await new Promise((resolve) => setTimeout(resolve, 20));
       }
       parentPort.close();
     })();`,
    { eval: true, workerData: { url: `${url}/healthz`, boundMs: HEALTHZ_BOUND_MS } },
  );
  worker.on('message', (sample: { end: number; ms: number; status: number }) => samples.push(sample));
  return {
    samples,
    stop: async () => {
      worker.postMessage('stop');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 6000);
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

describe('bad-input corpus', () => {
  const sandbox = Sandbox.attach(info);
  let child: ChildProcess | undefined;
  let output = '';
  let redis: Redis;
  let h: Harness;

  beforeAll(async () => {
    const dir = mkdtempSync(join(info.dir, 'bad-input-'));
    const secrets: Record<WebhookReceiverName, string> = {
      'bi-dist': `dist-${randomBytes(12).toString('hex')}`,
      'bi-harbor': `harbor-${randomBytes(12).toString('base64url')}`,
      'bi-hub': `hub${randomBytes(10).toString('hex')}`,
      'bi-std': `whsec_${randomBytes(24).toString('base64')}`,
      'bi-gh': `gh-${randomBytes(12).toString('hex')}:"\\é`,
    };
    const env: Record<string, string> = { BI_REGISTRY_PASSWORD: info.registry.password };
    const receivers = RECEIVERS.map((name, i) => {
      env[`BI_WEBHOOK_SECRET_${i}`] = secrets[name];
      const source = { 'bi-dist': 'distribution', 'bi-harbor': 'harbor', 'bi-hub': 'dockerhub', 'bi-std': 'standard', 'bi-gh': 'github' }[name];
      return { name, source, secretEnv: `BI_WEBHOOK_SECRET_${i}` };
    });
    const config = {
      hosts: ENGINE_NAMES.map((name) => {
        const engine = info.engines[name];
        return { name, endpoint: engine.endpoint, labels: engine.labels, ...(engine.tls ? { tls: engine.tls } : {}) };
      }),
      registries: [{ name: 'sandbox', url: info.registry.url, username: info.registry.username, passwordEnv: 'BI_REGISTRY_PASSWORD' }],
      webhooks: { receivers },
    };
    writeFileSync(join(dir, 'hangar.yaml'), stringify(config));
    const port = await freePort();
    const admin = `hgr_bad_input_${randomBytes(16).toString('hex')}`;
    child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'apps/api/src/main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, ...env, HANGAR_CONFIG: join(dir, 'hangar.yaml'), HANGAR_PORT: String(port), HANGAR_DATA_DIR: join(dir, 'data'), HANGAR_ADMIN_TOKEN: admin, REDIS_URL: info.redisUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    await waitFor('Hangar to serve /healthz', async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200, { timeoutMs: 90_000, intervalMs: 200 });
    const created = await send(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: 'mutation { createToken(input: { name: "bad-input-viewer", role: VIEWER }) { token userErrors { code message } } }' }),
    });
    const viewer = (created.body as { data?: { createToken?: { token?: string } } }).data?.createToken?.token;
    if (!viewer) throw new Error(`no viewer token: ${created.text}`);
    // An ID prefix that two or more of alpha's images share.
    const ids = (await sandbox.docker('alpha', ['image', 'ls', '-a', '-q', '--no-trunc'])).stdout.split('\n').filter(Boolean).map((id) => id.replace(/^sha256:/, ''));
    const unique = [...new Set(ids)];
    let ambiguousPrefix = '';
    for (let length = 1; length <= 3 && !ambiguousPrefix; length++) {
      const counts = new Map<string, number>();
      for (const id of unique) counts.set(id.slice(0, length), (counts.get(id.slice(0, length)) ?? 0) + 1);
      ambiguousPrefix = [...counts].find(([, count]) => count > 1)?.[0] ?? '';
    }
    if (!ambiguousPrefix) throw new Error(`no two images on alpha share an ID prefix: ${unique.join(' ')}`);
    redis = new Redis(info.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    h = { url, admin, viewer, ambiguousPrefix, existingRef: info.seed.baseRef, redisPort: Number(new URL(info.redisUrl).port), secrets };
  }, 180_000);

  afterAll(async () => {
    await redis?.quit().catch(() => undefined);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      // A process stuck in a busy loop (a bomb that never ends) does not handle SIGTERM.
      const timer = setTimeout(() => child!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }, 30_000);

  it('answers every bad input with a clear error, and nothing breaks, changes or leaks', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const results: CaseResult[] = [];
    const checks: { key: string; problem: string | undefined }[] = [];
    const windows: { category: string; start: number; end: number }[] = [];
    const categories = [...new Set(cases.map((c) => c.category))];
    const poller = startHealthzPoller(h.url);
    // A baseline first: /healthz with nothing else sent, so a slow machine shows as such in the tally.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const baseline = poller.samples.map((sample) => sample.ms);
    const started = Date.now();
    try {
      for (const category of categories) {
        // A time budget for the whole corpus: what is left when it runs out is reported as not run (a failure).
        if (Date.now() - started > BUDGET_MS) {
          for (const c of cases.filter((c) => c.category === category)) results.push({ id: c.id, category, problems: [`not run: the corpus ran out of its ${BUDGET_MS / 1000} s`], ms: 0 });
          continue;
        }
        const engineBefore = await engineImages(sandbox);
        const clientsBefore = await redisClients(redis);
        const start = Date.now();
        await runPool(
          cases.filter((c) => c.category === category),
          category === 'graphql-bombs' ? 1 : CONCURRENCY,
          async (c) => {
            const caseStart = Date.now();
            let problems: string[];
            let timer: NodeJS.Timeout | undefined;
            try {
              const deadline = new Promise<never>((_resolve, reject) => {
                timer = setTimeout(() => reject(new Error(`no answer within ${CASE_TIMEOUT_MS + 10_000} ms`)), CASE_TIMEOUT_MS + 10_000);
              });
              problems = shapeProblems(await Promise.race([c.run(h), deadline]), c.expect);
            } catch (error) {
              problems = [`no answer: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ''}`];
            }
            clearTimeout(timer);
            results.push({ id: c.id, category, problems, ms: Date.now() - caseStart });
          },
        );
        windows.push({ category, start, end: Date.now() });
        const own = results.filter((r) => r.category === category);
        const failedHere = own.filter((r) => r.problems.length);
        process.stderr.write(
          `[bad-input] ${category}: ${own.length} cases, ${failedHere.length} failed, ${((Date.now() - start) / 1000).toFixed(1)} s\n${failedHere
            .slice(0, 5)
            .map((r) => `[bad-input]   ${r.id}: ${r.problems.join('; ').slice(0, 300)}\n`)
            .join('')}`,
        );
        // The process is still there and serving.
        const alive = child!.exitCode === null && child!.signalCode === null && (await fetch(`${h.url}/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status === 200, () => false));
        checks.push({ key: `${category}:alive`, problem: alive ? undefined : `Hangar stopped serving (exit ${child!.exitCode ?? child!.signalCode ?? 'none'})` });
        // Nothing changed on any engine.
        const engineAfter = await engineImages(sandbox);
        const changed = ENGINE_NAMES.filter((name) => engineAfter[name] !== engineBefore[name]);
        checks.push({
          key: `${category}:engines`,
          problem: changed.length === 0 ? undefined : `changed: ${changed.map((name) => `${name} (${diffLines(engineBefore[name]!, engineAfter[name]!)})`).join('; ')}`,
        });
        // No Redis connection left behind (connections close asynchronously: allow a settle period).
        let clientsAfter = await redisClients(redis);
        for (let waited = 0; clientsAfter > clientsBefore && waited < 5000; waited += 250) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          clientsAfter = await redisClients(redis);
        }
        checks.push({ key: `${category}:redis-clients`, problem: clientsAfter > clientsBefore ? `${clientsBefore} Redis clients before, ${clientsAfter} after` : undefined });
      }
    } finally {
      await poller.stop();
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    // /healthz: within the bound throughout. On two cores shared with three engines, Redis and this test, one late
    // answer can be the scheduler's doing; a stalled Hangar is late again when asked again at once. So a sample over
    // the bound fails when its immediate re-poll is over it too, and any sample over STALL_MS or not 200 fails alone.
    // A slow one counts against the categories running at the time.
    const samples = [...poller.samples].sort((a, b) => a.end - b.end);
    const failing = new Set(
      samples.filter((s, i) => s.status !== 200 || s.ms > STALL_MS || (s.ms > HEALTHZ_BOUND_MS && (samples[i + 1]?.ms ?? Infinity) > HEALTHZ_BOUND_MS)),
    );
    let maxHealthz = 0;
    for (const { category, start, end } of windows) {
      const during = samples.filter((s) => s.end >= start && s.end - s.ms <= end);
      const slow = during.filter((s) => failing.has(s));
      const max = Math.max(0, ...during.map((s) => s.ms));
      const sorted = during.map((s) => s.ms).sort((a, b) => a - b);
      const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
      maxHealthz = Math.max(maxHealthz, max);
      checks.push({
        key: `${category}:healthz`,
        problem:
          during.length === 0
            ? 'no /healthz sample'
            : slow.length
              ? `${slow.length} of ${during.length} /healthz answers slower than ${HEALTHZ_BOUND_MS} ms twice in a row, slower than ${STALL_MS} ms, or not 200 (median ${p50.toFixed(0)} ms, max ${max.toFixed(0)} ms)`
              : undefined,
      });
    }

    // The tally.
    const failures: string[] = [];
    const known: string[] = [];
    const stale: string[] = [];
    const base = [...baseline].sort((a, b) => a - b);
    const lines: string[] = [
      `bad-input corpus: ${results.length} cases in ${seconds} s, /healthz max ${maxHealthz.toFixed(1)} ms over ${poller.samples.length} samples ` +
        `(bound ${HEALTHZ_BOUND_MS} ms, ${samples.filter((x) => x.ms > HEALTHZ_BOUND_MS).length} answers over it, ${failing.size} failing; before the corpus, idle: median ${(base[Math.floor(base.length / 2)] ?? 0).toFixed(1)} ms, max ${Math.max(0, ...base).toFixed(1)} ms over ${base.length} samples)`,
    ];
    for (const category of categories) {
      const own = results.filter((r) => r.category === category);
      const failed = own.filter((r) => r.problems.length > 0);
      lines.push(`  ${category.padEnd(20)} ${String(own.length).padStart(4)} cases  ${String(own.length - failed.length).padStart(4)} passed  ${String(failed.length).padStart(4)} failed  (slowest ${Math.max(...own.map((r) => r.ms))} ms)`);
    }
    const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 8);
    lines.push(`  slowest cases: ${slowest.map((r) => `${r.id} ${r.ms} ms`).join(', ')}`);
    const outcomes = [...results.map((r) => ({ key: r.id, problem: r.problems.join('; ') || undefined })), ...checks];
    for (const { key, problem } of outcomes) {
      if (problem && KNOWN_OPEN[key]) known.push(`  ${key}: ${problem}\n      known open: ${KNOWN_OPEN[key]}`);
      else if (problem) failures.push(`  ${key}: ${problem}`);
      else if (KNOWN_OPEN[key]) stale.push(`  ${key}: passes now; remove it from KNOWN_OPEN (${KNOWN_OPEN[key]})`);
    }
    const unknownKeys = Object.keys(KNOWN_OPEN).filter((key) => !outcomes.some((o) => o.key === key));
    for (const key of unknownKeys) stale.push(`  ${key}: no such case or check; remove it from KNOWN_OPEN`);
    lines.push(`  checks per category: alive, engines, redis-clients, healthz (${checks.length} checks, ${checks.filter((c) => c.problem).length} failed)`);
    lines.push(`KNOWN_OPEN (${Object.keys(KNOWN_OPEN).length} entries, ${known.length} still failing):`, ...known);
    lines.push(`unexpected failures (${failures.length}):`, ...failures);
    if (stale.length) lines.push(`stale KNOWN_OPEN entries (${stale.length}):`, ...stale);
    process.stdout.write(`${lines.join('\n')}\n`);
    if (failures.length || stale.length) process.stdout.write(`Hangar's output (last 4000 characters):\n${output.slice(-4000)}\n`);
    expect(failures, 'unexpected failures (see the tally above)').toEqual([]);
    expect(stale, 'stale KNOWN_OPEN entries').toEqual([]);
  }, 600_000);
});

function diffLines(before: string, after: string): string {
  const a = new Set(before.split('\n'));
  const b = new Set(after.split('\n'));
  const gone = [...a].filter((line) => !b.has(line));
  const added = [...b].filter((line) => !a.has(line));
  return [...gone.map((line) => `-${line}`), ...added.map((line) => `+${line}`)].join(', ');
}
