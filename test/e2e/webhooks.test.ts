import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { signGithub, signStandardWebhook } from '@hangar/core';
import { allNodes, HangarError, type Job, type JobState, type TypedDocumentNode, type WebhookDeliveriesQuery } from '@hangar/sdk';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';

// The sandbox registry sends REAL notifications to info.registry.webhookUrl: Hangar listens on that port, with a
// receiver named `registry`. The registry retries undelivered notifications forever, so other test files' pushes
// and pulls arrive here too: every assertion looks only at this run's repositories (`hooks-<run>/...`).

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = randomBytes(3).toString('hex');
const prefix = `hooks-${run}`;
const REG = info.registry.host;
const webhookUrl = new URL(info.registry.webhookUrl);
const fixture = (name: string) => readFileSync(new URL(`../../packages/core/src/webhooks/fixtures/${name}`, import.meta.url), 'utf8');

const secrets = {
  harbor: randomBytes(24).toString('base64url'),
  hub: randomBytes(24).toString('base64url'),
  standard: `whsec_${randomBytes(32).toString('base64')}`,
  github: randomBytes(24).toString('hex'),
};

let hangar: TestHangar;
/** The registry's own notification of a push made before Hangar listened, byte for byte, with its headers. */
let captured: { body: Buffer; headers: IncomingHttpHeaders; digest: string };

type DeliveryView = WebhookDeliveriesQuery['webhookDeliveries']['nodes'][number];
type EventView = DeliveryView['events'][number];

/** Every delivery kept, newest first (all pages). */
async function deliveries(): Promise<DeliveryView[]> {
  return allNodes(async (after) => (await hangar.sdk.webhookDeliveries({ first: 1000, after })).webhookDeliveries);
}

/** The jobs of a delivery's rule match as `WebhookRuleMatch.jobs` resolves them. */
type MatchJob = Pick<Job, 'id' | 'host' | 'kind' | 'state' | 'subject' | 'requestedBy' | 'maxAttempts'>;
/**
 * Hand-written GraphQL (sent through the SDK's `request`): the SDK's webhookDeliveries document selects each
 * match's `jobIds` but not its `jobs`, so this is the one way to check that field.
 */
const MatchJobsDocument = parse(`
  query matchJobs($first: Int, $after: String) {
    webhookDeliveries(first: $first, after: $after) {
      nodes { id events { eventId matches { rule jobs { id host kind state subject requestedBy maxAttempts } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`) as TypedDocumentNode<
  { webhookDeliveries: { nodes: { id: string; events: { eventId: string; matches: { rule: string; jobs: MatchJob[] }[] }[] }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
  { first?: number | null; after?: string | null }
>;

async function matchJobs(deliveryId: string, eventId: string, rule: string): Promise<MatchJob[]> {
  const nodes = await allNodes(async (after) => (await hangar.sdk.request(MatchJobsDocument, { first: 1000, after })).webhookDeliveries);
  const match = nodes.find((d) => d.id === deliveryId)?.events.find((e) => e.eventId === eventId)?.matches.find((m) => m.rule === rule);
  if (!match) throw new Error(`no match of rule ${rule} for event ${eventId} of delivery ${deliveryId}`);
  return match.jobs;
}

async function waitFor<T>(what: string, find: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The processed delivery holding an event that satisfies `test`. */
function waitForDelivery(what: string, test: (event: EventView, delivery: DeliveryView) => boolean, { processed = true } = {}): Promise<DeliveryView> {
  return waitFor(what, async () => (await deliveries()).find((d) => d.events.some((e) => test(e, d)) && (!processed || d.processedAt !== null || d.status !== 'ACCEPTED')));
}

async function job(id: string): Promise<Job> {
  const { job: found } = await hangar.sdk.job({ id, logs: 1 });
  if (!found) throw new Error(`no job ${id}`);
  return found;
}

/** The jobs of these IDs, in that order. */
const jobsOf = (ids: readonly string[]): Promise<Job[]> => Promise.all(ids.map(job));

async function waitForJobs(ids: string[], states: JobState[] = ['COMPLETED']): Promise<Job[]> {
  return Promise.all(
    ids.map((id) =>
      waitFor(`job ${id} to be ${states.join('/')}`, async () => {
        const view = await job(id);
        if (view.state === 'FAILED' && !states.includes('FAILED')) throw new Error(`job ${id} failed: ${JSON.stringify(view.error)}`);
        return states.includes(view.state) ? view : undefined;
      }, 180_000),
    ),
  );
}

/** POSTs to /webhooks/<path> with a raw body. */
async function post(path: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${hangar.url}/webhooks/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const bearer = { authorization: `Bearer ${info.registry.webhookToken}`, 'content-type': 'application/vnd.docker.distribution.events.v1+json' };

/** Builds an image on `engine` (unique content), tags it `REG/<repo>:<tag>`, pushes it, and returns the pushed digest. */
async function buildAndPush(engine: EngineName, repo: string, tag: string): Promise<{ ref: string; digest: string }> {
  const ref = `${REG}/${prefix}/${repo}:${tag}`;
  await sandbox.docker(engine, ['build', '-q', '-t', ref, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo ${run}-${repo}-${tag} > /id\n` });
  const { stdout } = await sandbox.docker(engine, ['push', ref]);
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(stdout)?.[1];
  if (!digest) throw new Error(`no digest in docker push output:\n${stdout}`);
  return { ref, digest };
}

/** `REPO:TAG` and `REPO@DIGEST` names an engine has for an image reference, or undefined when it has none. */
async function namesOn(engine: EngineName, ref: string): Promise<{ tags: string[]; digests: string[] } | undefined> {
  try {
    const { stdout } = await sandbox.docker(engine, ['image', 'inspect', '--format', '{{json .RepoTags}}|{{json .RepoDigests}}', ref]);
    const [tags, digests] = stdout.trim().split('|');
    return { tags: JSON.parse(tags!) as string[], digests: JSON.parse(digests!) as string[] };
  } catch {
    return undefined;
  }
}

/**
 * Listens on the webhook port itself (before Hangar does), answers 202 to everything the registry sends, and keeps
 * the first notification holding a tagged push of `repository`.
 */
async function captureNotification(repository: string, act: () => Promise<string>): Promise<{ body: Buffer; headers: IncomingHttpHeaders; digest: string }> {
  let found: ((value: { body: Buffer; headers: IncomingHttpHeaders }) => void) | undefined;
  const seen = new Promise<{ body: Buffer; headers: IncomingHttpHeaders }>((resolve) => (found = resolve));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(202).end();
      const body = Buffer.concat(chunks);
      try {
        const events = (JSON.parse(body.toString()) as { events: { action: string; target: { repository: string; tag?: string } }[] }).events;
        if (events.some((e) => e.action === 'push' && e.target.repository === repository && e.target.tag)) found?.({ body, headers: req.headers });
      } catch {
        // not ours
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(Number(webhookUrl.port), webhookUrl.hostname, resolve));
  try {
    const digest = await act();
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the registry sent no notification for ${repository}`)), 120_000));
    return { ...(await Promise.race([seen, timeout])), digest };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

beforeAll(async () => {
  captured = await captureNotification(`${prefix}/webcap`, async () => (await buildAndPush('beta', 'webcap', 'v1')).digest);
  await sandbox.docker('beta', ['rmi', `${REG}/${prefix}/webcap:v1`]);

  Object.assign(process.env, {
    HANGAR_TEST_REGISTRY_PASSWORD: info.registry.password,
    HANGAR_TEST_WEBHOOK_TOKEN: info.registry.webhookToken,
    HANGAR_TEST_HARBOR_TOKEN: secrets.harbor,
    HANGAR_TEST_HUB_TOKEN: secrets.hub,
    HANGAR_TEST_STANDARD_SECRET: secrets.standard,
    HANGAR_TEST_GITHUB_SECRET: secrets.github,
  });
  hangar = await startTestHangar(info, {
    listen: { host: webhookUrl.hostname, port: Number(webhookUrl.port) },
    hosts: (['alpha', 'beta', 'gamma'] as const).map((name) => sandboxHost(info, name)),
    registries: [{ name: 'sandbox', url: info.registry.url, username: info.registry.username, passwordEnv: 'HANGAR_TEST_REGISTRY_PASSWORD' }],
    webhooks: {
      receivers: [
        { name: 'registry', source: 'distribution', secretEnv: 'HANGAR_TEST_WEBHOOK_TOKEN' },
        { name: 'harbor', source: 'harbor', secretEnv: 'HANGAR_TEST_HARBOR_TOKEN' },
        { name: 'hub', source: 'dockerhub', secretEnv: 'HANGAR_TEST_HUB_TOKEN' },
        { name: 'signed', source: 'standard', secretEnv: 'HANGAR_TEST_STANDARD_SECRET' },
        { name: 'gh', source: 'github', secretEnv: 'HANGAR_TEST_GITHUB_SECRET' },
      ],
      rules: [
        { name: 'web', receiver: 'registry', repository: `${prefix}/web*`, tag: '*', excludeTags: ['*-rc'], action: 'pull', hosts: { labels: { role: 'web' } } },
        { name: 'harbor-debian', receiver: 'harbor', repository: 'test-webhook/*', hosts: { names: ['beta'] } },
        { name: 'hub-testhook', receiver: 'hub', repository: 'svendowideit/*', hosts: { labels: { role: 'api' } } },
        { name: 'signed-api', receiver: 'signed', repository: 'team/api', hosts: { names: ['beta'] } },
      ],
      // Short retry delays, so that the test of a host that is down does not wait minutes.
      jobBackoffMs: 1000,
    },
  });
}, 300_000);

afterAll(async () => {
  if (!hangar) return;
  // Jobs for images that cannot exist here (Harbor, Docker Hub, Standard Webhooks fixtures) would retry for minutes.
  for (const delivery of await deliveries().catch(() => [] as DeliveryView[])) {
    for (const id of delivery.jobIds) await hangar.sdk.cancelJob({ id }).catch(() => undefined);
  }
  await hangar.stop();
  for (const engine of ['alpha', 'beta', 'gamma'] as const) {
    const { stdout } = await sandbox.docker(engine, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']).catch(() => ({ stdout: '' }));
    const mine = stdout.split('\n').filter((ref) => ref.startsWith(`${REG}/${prefix}/`));
    if (mine.length) await sandbox.docker(engine, ['rmi', '-f', ...mine]).catch(() => undefined);
  }
});

describe('a push to the real registry', () => {
  it('pulls the pushed digest, tagged, on every host the rule selects, and only there', async () => {
    const { ref, digest } = await buildAndPush('beta', 'web', 'v1');
    await sandbox.docker('beta', ['rmi', ref]);
    const delivery = await waitForDelivery(`the push of ${ref}`, (e) => e.repository === `${prefix}/web` && e.tag === 'v1' && e.action === 'push');
    expect(delivery).toMatchObject({ receiver: 'registry', source: 'DISTRIBUTION', status: 'ACCEPTED', httpStatus: 202, reason: null });
    const event = delivery.events.find((e) => e.tag === 'v1')!;
    expect(event).toMatchObject({ status: 'ACCEPTED', digest, registryHost: REG, mediaType: 'application/vnd.docker.distribution.manifest.v2+json' });
    expect(event.matches).toHaveLength(1);
    const match = event.matches[0]!;
    expect(match).toMatchObject({ rule: 'web', ref: `${REG}/${prefix}/web@${digest}`, tagAs: `${REG}/${prefix}/web:v1`, errors: [] });
    expect([...match.hosts].sort()).toEqual(['alpha', 'gamma']);
    const jobs = await jobsOf(match.jobIds);
    expect(jobs.map((j) => j.host).sort()).toEqual(['alpha', 'gamma']);
    // The match's own `jobs` field answers the same jobs.
    const viaMatch = await matchJobs(delivery.id, event.eventId, 'web');
    expect(viaMatch.map((j) => j.id).sort()).toEqual([...match.jobIds].sort());
    for (const view of [...jobs, ...viaMatch]) {
      expect(view).toMatchObject({ kind: 'PULL', subject: match.ref, maxAttempts: 10, requestedBy: `webhook:registry/${delivery.deliveryId}` });
    }
    expect(delivery.jobIds.sort()).toEqual(match.jobIds.sort());

    await waitForJobs(match.jobIds);
    for (const engine of ['alpha', 'gamma'] as const) {
      const names = await namesOn(engine, ref);
      expect(names?.tags, engine).toContain(ref);
      expect(names?.digests, engine).toContain(`${REG}/${prefix}/web@${digest}`);
    }
    expect(await namesOn('beta', ref)).toBeUndefined();
  });

  it('starts nothing for an excluded tag or a repository no rule names', async () => {
    await buildAndPush('beta', 'web', 'v2-rc');
    await buildAndPush('beta', 'api', 'v2');
    const excluded = await waitForDelivery('the push of web:v2-rc', (e) => e.repository === `${prefix}/web` && e.tag === 'v2-rc' && e.action === 'push');
    const unmatched = await waitForDelivery('the push of api:v2', (e) => e.repository === `${prefix}/api` && e.tag === 'v2' && e.action === 'push');
    for (const delivery of [excluded, unmatched]) {
      expect(delivery.status).toBe('ACCEPTED');
      expect(delivery.processedAt).not.toBeNull();
      expect(delivery.events.every((e) => e.matches.length === 0)).toBe(true);
      expect(delivery.jobIds).toEqual([]);
    }
    for (const engine of ['alpha', 'gamma'] as const) expect(await namesOn(engine, `${REG}/${prefix}/web:v2-rc`)).toBeUndefined();
  });

  it('ignores blob uploads and pulls: recorded as IGNORED, nothing started', async () => {
    // alpha and gamma pulled web@digest from the registry: its pull events arrive a little after the pulls.
    const mine = await waitFor('pull events of this run', async () => {
      const found = (await deliveries()).filter((d) => d.receiver === 'registry' && d.events.some((e) => e.repository.startsWith(`${prefix}/`)));
      return found.some((d) => d.events.some((e) => e.action === 'pull' && e.repository.startsWith(`${prefix}/`))) ? found : undefined;
    });
    const events = mine.flatMap((d) => d.events.filter((e) => e.repository.startsWith(`${prefix}/`)));
    const blobs = events.filter((e) => e.mediaType === 'application/octet-stream');
    const pulls = events.filter((e) => e.action === 'pull');
    expect(blobs.length).toBeGreaterThan(0);
    expect(pulls.length).toBeGreaterThan(0);
    for (const event of blobs.filter((e) => e.action === 'push')) expect(event).toMatchObject({ status: 'IGNORED', reason: 'blob upload', matches: [] });
    for (const event of pulls) expect(event).toMatchObject({ status: 'IGNORED', reason: 'pull event', matches: [] });
    const onlyIgnored = mine.filter((d) => d.events.every((e) => e.status === 'IGNORED'));
    expect(onlyIgnored.length).toBeGreaterThan(0);
    for (const delivery of onlyIgnored) expect(delivery).toMatchObject({ status: 'IGNORED', httpStatus: 202, jobIds: [], processedAt: null });
  });

  it('a host that is down gets a job that waits and retries, then pulls when the host is back', async () => {
    await sandbox.stopEngine('gamma');
    let ids: string[] = [];
    try {
      const { ref, digest } = await buildAndPush('beta', 'web', 'v3');
      const delivery = await waitForDelivery('the push of web:v3', (e) => e.repository === `${prefix}/web` && e.tag === 'v3' && e.action === 'push');
      const match = delivery.events.find((e) => e.tag === 'v3')!.matches[0]!;
      ids = match.jobIds;
      const gammaJob = (await jobsOf(match.jobIds)).find((j) => j.host === 'gamma')!;
      // It fails while gamma is down and is retried (QUEUED between attempts), not given up.
      const retrying = await waitFor('the gamma job to have failed an attempt', async () => {
        const view = await job(gammaJob.id);
        return view.attempts >= 1 && view.state !== 'FAILED' ? view : undefined;
      });
      expect(retrying.state).toMatch(/QUEUED|ACTIVE/);
      await sandbox.startEngine('gamma');
      const [done] = await waitForJobs([gammaJob.id]);
      expect(done!.attempts).toBeGreaterThan(1);
      expect((await namesOn('gamma', ref))?.digests).toContain(`${REG}/${prefix}/web@${digest}`);
    } finally {
      await sandbox.startEngine('gamma');
    }
    await waitForJobs(ids);
  });
});

describe('replays, authentication and bad requests', () => {
  it('the same event delivered twice starts one set of jobs; the second is a DUPLICATE answered 200', async () => {
    const headers = { ...bearer, 'content-type': String(captured.headers['content-type']) };
    expect(headers['content-type']).toMatch(/^application\/vnd\.docker\.distribution\.events\.v[12]\+json/);
    const first = await post('registry', captured.body, headers);
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ status: 'ACCEPTED' });
    const second = await post('registry', captured.body, headers);
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ status: 'DUPLICATE', reason: 'every event was delivered before' });

    const all = await waitFor('both replays recorded', async () => {
      const found = (await deliveries()).filter((d) => d.id === first.json.delivery || d.id === second.json.delivery);
      return found.length === 2 && found.every((d) => d.processedAt || d.status !== 'ACCEPTED') ? found : undefined;
    });
    const accepted = all.find((d) => d.id === first.json.delivery)!;
    const duplicate = all.find((d) => d.id === second.json.delivery)!;
    expect(accepted.deliveryId).toBe(duplicate.deliveryId);
    expect(accepted.jobIds).toHaveLength(2);
    expect(duplicate).toMatchObject({ status: 'DUPLICATE', httpStatus: 200, jobIds: [] });
    expect(duplicate.events.find((e) => e.action === 'push' && e.tag)).toMatchObject({ status: 'DUPLICATE', matches: [] });
    await waitForJobs(accepted.jobIds);
    for (const engine of ['alpha', 'gamma'] as const) expect((await namesOn(engine, `${REG}/${prefix}/webcap:v1`))?.digests).toContain(`${REG}/${prefix}/webcap@${captured.digest}`);
  });

  it('a wrong or missing token is a 401, recorded as REJECTED without the token, and claims nothing', async () => {
    // A new event (new id, new tag) for an image that exists: it must still be new after the refused attempts.
    const envelope = JSON.parse(captured.body.toString()) as { events: { id: string; action: string; target: { tag?: string } }[] };
    const push = envelope.events.find((e) => e.action === 'push' && e.target.tag)!;
    push.id = randomUUID();
    push.target.tag = 'v1-again';
    const body = JSON.stringify({ events: [push] });
    const wrongToken = `wrong-${randomBytes(8).toString('hex')}`;
    const wrong = await post('registry', body, { ...bearer, authorization: `Bearer ${wrongToken}` });
    const missing = await post('registry', body, { 'content-type': bearer['content-type'] });
    for (const answer of [wrong, missing]) {
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    }
    expect(JSON.stringify(wrong.json)).not.toContain(wrongToken);
    const rejected = (await deliveries()).filter((d) => d.receiver === 'registry' && d.status === 'REJECTED' && d.httpStatus === 401);
    expect(rejected.map((d) => d.reason)).toEqual(expect.arrayContaining(['wrong token in Authorization header', 'missing Authorization header']));
    for (const delivery of rejected) expect(delivery).toMatchObject({ events: [], jobIds: [] });
    const everything = JSON.stringify(await deliveries());
    expect(everything).not.toContain(wrongToken);
    expect(everything).not.toContain(info.registry.webhookToken);

    // registry v3 sends the same envelope as ...events.v2+json.
    const right = await post('registry', body, { ...bearer, 'content-type': 'application/vnd.docker.distribution.events.v2+json' });
    expect(right.status).toBe(202);
    expect(right.json).toMatchObject({ status: 'ACCEPTED', events: [{ eventId: push.id, status: 'ACCEPTED' }] });
  });

  it('malformed JSON, an oversized body and an unknown receiver get clear 4xx answers and start nothing', async () => {
    const malformed = await post('registry', '{"events": [', bearer);
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ errors: [{ message: expect.stringMatching(/^malformed JSON: /), extensions: { code: 'BAD_REQUEST' } }] });

    const huge = JSON.stringify({ events: [], padding: 'x'.repeat(1024 * 1024) });
    const tooLarge = await post('registry', huge, bearer);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json).toMatchObject({ errors: [{ message: 'body larger than 1048576 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });

    const unknown = await post(`nope-${run}`, fixture('distribution-push.json'), bearer);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ errors: [{ message: `no webhook receiver named "nope-${run}"`, extensions: { code: 'NOT_FOUND' } }] });

    const notAnEnvelope = await post('registry', '{"event": {}}', bearer);
    expect(notAnEnvelope.status).toBe(400);

    const all = await deliveries();
    expect(all.find((d) => d.receiver === `nope-${run}`)).toMatchObject({ status: 'REJECTED', httpStatus: 404, reason: 'no such receiver', source: null, jobIds: [] });
    const refused = all.filter((d) => d.receiver === 'registry' && d.status === 'REJECTED');
    expect(refused.find((d) => d.httpStatus === 413)).toMatchObject({ reason: 'body larger than 1048576 bytes', events: [], jobIds: [] });
    expect(refused.find((d) => d.httpStatus === 400 && d.reason?.startsWith('malformed JSON'))).toMatchObject({ events: [], jobIds: [] });
    expect(refused.find((d) => d.reason === 'not a registry notification: expected {"events": [...]}')).toMatchObject({ httpStatus: 400, jobIds: [] });

    // Bearer tokens of Hangar's own are neither needed nor enough.
    const withAdminToken = await post('registry', fixture('distribution-push.json'), { authorization: `Bearer ${hangar.token}` });
    expect(withAdminToken.status).toBe(401);
  });
});

describe('other sources', () => {
  it('Harbor (Default and CloudEvents) start the jobs their rules ask for', async () => {
    const occurAt = Math.floor(Date.now() / 1000);
    const defaultBody = fixture('harbor-default.json').replace('"occur_at":1586922308', `"occur_at":${occurAt}`);
    const answer = await post('harbor', defaultBody, { authorization: secrets.harbor });
    expect(answer.status).toBe(202);
    expect(await post('harbor', defaultBody, { authorization: `Bearer ${secrets.harbor}` })).toMatchObject({ status: 200, json: { status: 'DUPLICATE' } });
    expect((await post('harbor', defaultBody, { authorization: 'Bearer nope' })).status).toBe(401);

    const cloud = JSON.parse(fixture('harbor-cloudevents.json')) as { id: string; data: { resources: Record<string, string>[] } };
    cloud.id = randomUUID();
    const untagged = await post('harbor', JSON.stringify(cloud), { authorization: secrets.harbor, 'content-type': 'application/cloudevents+json' });
    expect(untagged).toMatchObject({ status: 202, json: { status: 'IGNORED', events: [{ status: 'IGNORED', reason: 'untagged push (by digest)' }] } });

    const delivery = await waitForDelivery('the Harbor push', (e, d) => d.id === answer.json.delivery);
    const event = delivery.events[0]!;
    expect(event).toMatchObject({ action: 'push', repository: 'test-webhook/debian', tag: 'latest', registryHost: 'hub.harbor.com', status: 'ACCEPTED' });
    expect(event.matches).toMatchObject([
      {
        rule: 'harbor-debian',
        ref: 'hub.harbor.com/test-webhook/debian@sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8',
        tagAs: 'hub.harbor.com/test-webhook/debian:latest',
        hosts: ['beta'],
        errors: [],
      },
    ]);
    expect(await jobsOf(event.matches[0]!.jobIds)).toMatchObject([{ host: 'beta', kind: 'PULL', subject: event.matches[0]!.ref, requestedBy: `webhook:harbor/${delivery.deliveryId}` }]);
  });

  it('Docker Hub: the secret path token authenticates; the tag is pulled by name (Hub sends no digest)', async () => {
    const body = fixture('dockerhub.json').replace('"pushed_at":1417566161', `"pushed_at":${Date.now() / 1000}`);
    expect((await post('hub', body)).status).toBe(401);
    // The secret with its last character changed (never to itself: a random secret can end in "x").
    expect((await post(`hub/${secrets.hub.slice(0, -1)}${secrets.hub.endsWith('x') ? 'y' : 'x'}`, body)).status).toBe(401);
    expect((await post(`harbor/${secrets.harbor}`, body, { authorization: secrets.harbor })).status).toBe(404);
    const answer = await post(`hub/${secrets.hub}`, body);
    expect(answer).toMatchObject({ status: 202, json: { status: 'ACCEPTED' } });
    const delivery = await waitForDelivery('the Docker Hub push', (e, d) => d.id === answer.json.delivery);
    const match = delivery.events[0]!.matches[0]!;
    expect(match).toMatchObject({ rule: 'hub-testhook', ref: 'svendowideit/testhook:latest', tagAs: null, hosts: ['beta'] });
    expect(await jobsOf(match.jobIds)).toMatchObject([{ host: 'beta', kind: 'PULL', subject: 'svendowideit/testhook:latest' }]);
    const rejected = (await deliveries()).filter((d) => d.receiver === 'hub' && d.status === 'REJECTED');
    expect(rejected.map((d) => d.reason).sort()).toEqual(['missing path token: POST to /webhooks/<receiver>/<token>', 'wrong path token']);
    expect(JSON.stringify(rejected)).not.toContain(secrets.hub.slice(0, -1));
  });

  it('Standard Webhooks: a signed event starts its job; a changed byte or a stale timestamp is a 401', async () => {
    const body = fixture('standard-push.json');
    const id = `msg_${randomBytes(8).toString('hex')}`;
    const now = Math.floor(Date.now() / 1000);
    const signed = (ts: number, content: string) => ({
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': `v1,${randomBytes(32).toString('base64')} ${signStandardWebhook(secrets.standard, id, ts, content)}`,
    });
    const changed = body.replace('2.4.1', '2.4.2');
    expect(await post('signed', changed, signed(now, body))).toMatchObject({ status: 401, json: { errors: [{ message: 'webhook authentication failed: no webhook-signature entry matches' }] } });
    expect(await post('signed', body, signed(now - 3600, body))).toMatchObject({ status: 401, json: { errors: [{ message: expect.stringMatching(/webhook-timestamp is 36\d\d s old/) }] } });
    const answer = await post('signed', body, signed(now, body));
    expect(answer).toMatchObject({ status: 202, json: { status: 'ACCEPTED' } });
    expect(await post('signed', body, signed(now, body))).toMatchObject({ status: 200, json: { status: 'DUPLICATE' } });
    const delivery = await waitForDelivery('the signed push', (e, d) => d.id === answer.json.delivery);
    expect(delivery.deliveryId).toBe(id);
    expect(delivery.events[0]!.matches[0]).toMatchObject({
      rule: 'signed-api',
      ref: 'registry.example.com:5000/team/api@sha256:3f1a6c1f7f5e0c4b8a8d3e2f6b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c',
      tagAs: 'registry.example.com:5000/team/api:2.4.1',
      hosts: ['beta'],
    });
  });

  it('GitHub: X-Hub-Signature-256 over the raw body; pings are ignored', async () => {
    const body = fixture('github-registry-package.json').replace('"id":66177431', `"id":${Date.now()}`);
    const headers = (content: string, event = 'registry_package') => ({ 'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signGithub(secrets.github, content) });
    expect((await post('gh', `${body} `, headers(body))).status).toBe(401);
    const ping = '{"zen":"Keep it logically awesome.","hook_id":1}';
    expect(await post('gh', ping, headers(ping, 'ping'))).toMatchObject({ status: 202, json: { status: 'IGNORED', reason: 'ping event' } });
    const answer = await post('gh', body, headers(body));
    expect(answer).toMatchObject({ status: 202, json: { status: 'ACCEPTED' } });
    const delivery = await waitForDelivery('the GitHub publish', (e, d) => d.id === answer.json.delivery);
    expect(delivery.events[0]).toMatchObject({ repository: 'octo-org/hello-web', tag: 'v1.2.0', registryHost: 'ghcr.io', matches: [] });
  });
});

describe('receivers and rules through GraphQL', () => {
  it('admins add and remove receivers and rules; secrets are write-only; deliveries follow the rules of the moment', async () => {
    const sdk = hangar.sdk;
    const secret = randomBytes(24).toString('base64url');
    const name = `rt-${run}`;
    const added = await sdk.addWebhookReceiver({ input: { name, source: 'DISTRIBUTION', secret } });
    expect(added.addWebhookReceiver).toMatchObject({ receiver: { name, source: 'DISTRIBUTION', path: `/webhooks/${name}`, fromConfig: false, hasSecret: true }, generatedSecret: null, userErrors: [] });
    const generated = (await sdk.addWebhookReceiver({ input: { name: `${name}-hub`, source: 'DOCKERHUB' } })).addWebhookReceiver;
    expect(generated.userErrors).toEqual([]);
    expect(generated.receiver!.path).toBe(`/webhooks/${name}-hub/<secret>`);
    expect(generated.generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const { webhookReceivers } = await sdk.webhookReceivers();
    const { webhookRules } = await sdk.webhookRules();
    const listed = JSON.stringify({ webhookReceivers, webhookRules });
    expect(listed).not.toContain(secret);
    expect(listed).not.toContain(generated.generatedSecret);
    expect(listed).not.toContain(info.registry.webhookToken);
    expect(listed).toContain('"secretEnv":"HANGAR_TEST_WEBHOOK_TOKEN"');
    // Configured ones first, then those added through the API.
    const CONFIGURED_RECEIVERS = ['registry', 'harbor', 'hub', 'signed', 'gh'];
    expect(webhookReceivers.map((r) => r.name).slice(0, 5)).toEqual(CONFIGURED_RECEIVERS);
    expect(webhookReceivers.map((r) => r.name).slice(5)).toEqual(expect.arrayContaining([name, `${name}-hub`]));
    expect(webhookReceivers.find((r) => r.name === 'registry')).toMatchObject({ source: 'DISTRIBUTION', fromConfig: true, hasSecret: true, secretEnv: 'HANGAR_TEST_WEBHOOK_TOKEN' });
    expect(webhookReceivers.find((r) => r.name === name)).toMatchObject({ source: 'DISTRIBUTION', fromConfig: false, hasSecret: true, secretEnv: null });
    expect(webhookRules.map((r) => r.name).slice(0, 4)).toEqual(['web', 'harbor-debian', 'hub-testhook', 'signed-api']);
    expect(webhookRules[0]).toMatchObject({ receiver: 'registry', repository: `${prefix}/web*`, tag: '*', excludeTags: ['*-rc'], action: 'PULL', fromConfig: true, hosts: { names: [], labels: [{ key: 'role', value: 'web' }] } });

    expect((await sdk.addWebhookReceiver({ input: { name: 'registry', source: 'HARBOR', secret } })).addWebhookReceiver).toMatchObject({ userErrors: [{ code: 'CONFLICT' }] });
    expect((await sdk.addWebhookReceiver({ input: { name: `${name}-s`, source: 'STANDARD', secret: 'not-a-whsec-secret!!' } })).addWebhookReceiver).toMatchObject({
      userErrors: [{ code: 'BAD_REQUEST', field: ['input', 'secret'] }],
    });
    expect((await sdk.addWebhookRule({ input: { name: 'bad', receiver: 'missing', repository: 'x/[', hosts: { names: ['omega'], labels: ['role'] } } })).addWebhookRule).toMatchObject({
      userErrors: expect.arrayContaining([
        expect.objectContaining({ code: 'BAD_REQUEST', field: ['input', 'hosts', 'labels', '0'] }),
      ]),
    });
    const bad = (await sdk.addWebhookRule({ input: { name: 'bad', receiver: 'missing', repository: 'x/[', hosts: { names: ['omega'] } } })).addWebhookRule;
    expect(bad.rule).toBeNull();
    expect(bad.userErrors.map((e) => [e.code, e.field?.join('.')])).toEqual([
      ['BAD_REQUEST', 'input.repository'],
      ['HOST_NOT_FOUND', 'input.hosts.names'],
      ['NOT_FOUND', 'input.receiver'],
    ]);

    const rule = await sdk.addWebhookRule({ input: { name: `rt-rule-${run}`, receiver: name, repository: `${prefix}/*`, excludeTags: ['*-rc'], hosts: { names: ['alpha'] } } });
    expect(rule.addWebhookRule).toMatchObject({ userErrors: [], rule: { name: `rt-rule-${run}`, receiver: name, tag: '*', action: 'PULL', hosts: { names: ['alpha'], labels: [] }, fromConfig: false } });
    expect((await sdk.webhookRules()).webhookRules.find((r) => r.name === `rt-rule-${run}`)).toEqual(rule.addWebhookRule.rule);
    expect((await sdk.removeWebhookReceiver({ input: { name } })).removeWebhookReceiver).toMatchObject({ removed: false, userErrors: [{ code: 'CONFLICT' }] });
    expect((await sdk.removeWebhookReceiver({ input: { name: 'registry' } })).removeWebhookReceiver).toMatchObject({ removed: false, userErrors: [{ code: 'CONFLICT' }] });

    // An event for the runtime receiver: the webcap image under a new tag, pulled on alpha by the runtime rule.
    const eventFor = (tag: string) => {
      const envelope = JSON.parse(captured.body.toString()) as { events: { id: string; action: string; target: { tag?: string } }[] };
      const push = envelope.events.find((e) => e.action === 'push' && e.target.tag)!;
      return JSON.stringify({ events: [{ ...push, id: randomUUID(), target: { ...push.target, tag } }] });
    };
    expect((await post(name, eventFor('rt1'), { authorization: `Bearer ${info.registry.webhookToken}` })).status).toBe(401);
    const first = await post(name, eventFor('rt1'), { authorization: `Bearer ${secret}` });
    expect(first).toMatchObject({ status: 202, json: { status: 'ACCEPTED' } });
    const delivery = await waitForDelivery('the runtime receiver’s delivery', (e, d) => d.id === first.json.delivery);
    const match = delivery.events.find((e) => e.tag === 'rt1')!.matches[0]!;
    expect(match).toMatchObject({ rule: `rt-rule-${run}`, hosts: ['alpha'], tagAs: `${REG}/${prefix}/webcap:rt1` });
    await waitForJobs(match.jobIds);
    expect((await namesOn('alpha', `${REG}/${prefix}/webcap:rt1`))?.digests).toContain(`${REG}/${prefix}/webcap@${captured.digest}`);

    expect((await sdk.removeWebhookRule({ input: { name: `rt-rule-${run}` } })).removeWebhookRule).toEqual({ removed: true, userErrors: [] });
    expect((await sdk.webhookRules()).webhookRules.map((r) => r.name)).not.toContain(`rt-rule-${run}`);
    const second = await post(name, eventFor('rt2'), { authorization: `Bearer ${secret}` });
    const after = await waitForDelivery('the delivery after the rule went', (e, d) => d.id === second.json.delivery);
    expect(after).toMatchObject({ status: 'ACCEPTED', jobIds: [] });

    expect((await sdk.removeWebhookReceiver({ input: { name } })).removeWebhookReceiver).toEqual({ removed: true, userErrors: [] });
    expect((await sdk.removeWebhookReceiver({ input: { name: `${name}-hub` } })).removeWebhookReceiver).toEqual({ removed: true, userErrors: [] });
    const left = (await sdk.webhookReceivers()).webhookReceivers.map((r) => r.name);
    expect(left.slice(0, 5)).toEqual(CONFIGURED_RECEIVERS);
    expect(left).not.toContain(name);
    expect(left).not.toContain(`${name}-hub`);
    expect((await post(name, eventFor('rt3'), { authorization: `Bearer ${secret}` })).status).toBe(404);
  });

  it('webhookDeliveries pages newest first with first/after; a cursor it never gave out is a BAD_REQUEST', async () => {
    // Three deliveries of this test's own (refused: no such receiver), so that there are pages to turn.
    for (let i = 0; i < 3; i++) expect((await post(`page-${run}-${i}`, '{}')).status).toBe(404);
    const first = (await hangar.sdk.webhookDeliveries({ first: 2 })).webhookDeliveries;
    expect(first.nodes).toHaveLength(2);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.nodes[1]!.id });
    const second = (await hangar.sdk.webhookDeliveries({ first: 2, after: first.pageInfo.endCursor })).webhookDeliveries;
    expect(second.nodes).toHaveLength(2);
    expect(second.totalCount).toBeGreaterThanOrEqual(3);
    const all = await deliveries();
    const at = all.findIndex((d) => d.id === first.pageInfo.endCursor);
    expect(at).toBeGreaterThanOrEqual(1);
    expect(first.nodes.map((d) => d.id)).toEqual(all.slice(at - 1, at + 1).map((d) => d.id));
    expect(second.nodes.map((d) => d.id)).toEqual(all.slice(at + 1, at + 3).map((d) => d.id));
    expect(all.filter((d) => d.receiver.startsWith(`page-${run}-`)).map((d) => d.receiver)).toEqual([`page-${run}-2`, `page-${run}-1`, `page-${run}-0`]);
    const refused = await hangar.sdk.webhookDeliveries({ first: 2, after: 'not-a-cursor' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HangarError);
    expect(refused).toMatchObject({ code: 'BAD_REQUEST' });
  });
});
