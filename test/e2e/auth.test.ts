// Token roles end to end: an admin makes viewer and operator tokens through the SDK; each can do what its role
// allows and gets FORBIDDEN (GraphQL) or 403 (REST) for the rest, with nothing changed on the engines; revoked
// tokens stop working at once. Its own Redis database (5; jobs.test uses 2 and 3), so the admin tokens of other
// test files do not count.
import { randomBytes } from 'node:crypto';
import { createHangarClient, type HangarClient } from '@hangar/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from '../sandbox/index.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { sdkFailure } from './support/errors.js';
import { graphql } from './support/graphql.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = randomBytes(3).toString('hex');

let hangar: TestHangar;
const clients: HangarClient[] = [];

function clientFor(token: string): HangarClient {
  const client = createHangarClient({ url: hangar.url, token, subscriptionRetryAttempts: 0 });
  clients.push(client);
  return client;
}


beforeAll(async () => {
  hangar = await startTestHangar(info, { redis: { url: `${info.redisUrl}/5` }, hosts: [sandboxHost(info, 'alpha'), sandboxHost(info, 'beta'), sandboxHost(info, 'gamma')] });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await hangar?.stop();
});

describe('token roles', () => {
  let viewerToken: string;
  let viewerId: string;
  let operatorToken: string;

  it('an admin makes tokens; the list shows IDs, names and roles, never a token', async () => {
    const viewer = await hangar.sdk.createToken({ input: { name: `viewer-${run}`, role: 'VIEWER' } });
    const operator = await hangar.sdk.createToken({ input: { name: `operator-${run}`, role: 'OPERATOR' } });
    expect(viewer.createToken.userErrors).toEqual([]);
    expect(viewer.createToken.token).toMatch(/^hgr_/);
    expect(viewer.createToken.apiToken).toMatchObject({ name: `viewer-${run}`, role: 'VIEWER', createdBy: 'admin (HANGAR_ADMIN_TOKEN)' });
    viewerToken = viewer.createToken.token!;
    viewerId = viewer.createToken.apiToken!.id;
    operatorToken = operator.createToken.token!;

    const { tokens } = await hangar.sdk.tokens();
    expect(tokens.map((token) => [token.name, token.role])).toEqual([
      ['admin (HANGAR_ADMIN_TOKEN)', 'ADMIN'],
      [`viewer-${run}`, 'VIEWER'],
      [`operator-${run}`, 'OPERATOR'],
    ]);
    const listed = JSON.stringify(tokens);
    for (const secret of [viewerToken, operatorToken, hangar.token]) expect(listed).not.toContain(secret);
    expect(tokens.find((token) => token.role === 'VIEWER')!.id).toBe(viewerId);

    const blank = await hangar.sdk.createToken({ input: { name: '  ', role: 'VIEWER' } });
    expect(blank.createToken).toMatchObject({ token: null, userErrors: [{ code: 'BAD_REQUEST', field: ['input', 'name'] }] });
  });

  it('a viewer reads, and gets FORBIDDEN for every change, with nothing changed', async () => {
    const viewer = clientFor(viewerToken);
    const { hosts } = await viewer.hosts();
    expect(hosts.map((host) => host.name)).toEqual(['alpha', 'beta', 'gamma']);
    const { host } = await viewer.hostImages({ host: 'alpha', filter: { reference: [info.seed.baseRef] } });
    expect(host!.images.nodes.length).toBe(1);

    const tag = await sdkFailure(viewer.tagImage({ input: { host: 'alpha', source: info.seed.baseRef, target: `auth-${run}/viewer:1` } }));
    expect(tag.code).toBe('FORBIDDEN');
    expect(tag.message).toBe(`tagImage needs the operator role; this token ("viewer-${run}") has the viewer role`);
    const { stdout } = await sandbox.docker('alpha', ['image', 'ls', '-q', `auth-${run}/viewer`]);
    expect(stdout.trim()).toBe('');

    expect((await sdkFailure(viewer.pullImage({ input: { ref: `${info.registry.host}/nothing:1`, hosts: ['alpha'] } }))).code).toBe('FORBIDDEN');
    expect((await sdkFailure(viewer.removeImages({ input: { hosts: ['alpha'], refs: [info.seed.baseRef] } }))).code).toBe('FORBIDDEN');
    expect((await sdkFailure(viewer.auditLog({ first: 1 }))).code).toBe('FORBIDDEN');
    expect((await sdkFailure(viewer.tokens())).code).toBe('FORBIDDEN');
    expect((await sdkFailure(viewer.testRegistryLogin({ name: 'nope' }))).code).toBe('FORBIDDEN');

    // REST: an export is a read; load and import change the host (403); a build context feeds a build (403).
    const archive = await viewer.archives.exportImages({ host: 'alpha', refs: [info.seed.baseRef] });
    await archive.cancel();
    const load = await sdkFailure(viewer.archives.loadImages({ host: 'alpha', archive: new Uint8Array(1024) }));
    expect([load.code, load.status]).toEqual(['FORBIDDEN', 403]);
    const upload = await sdkFailure(viewer.archives.uploadBuildContext({ context: new Uint8Array(1024) }));
    expect([upload.code, upload.status]).toEqual(['FORBIDDEN', 403]);
  });

  it('an operator changes images, and gets FORBIDDEN for admin work', async () => {
    const operator = clientFor(operatorToken);
    const target = `auth-${run}/operator:1`;
    const tagged = await operator.tagImage({ input: { host: 'alpha', source: info.seed.baseRef, target } });
    expect(tagged.tagImage.userErrors).toEqual([]);
    expect((await sandbox.docker('alpha', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', target])).stdout.trim()).toBe(target);
    const removed = await operator.removeImages({ input: { hosts: ['alpha'], refs: [target] } });
    expect(removed.removeImages.results[0]!.untagged).toEqual([target]);

    for (const attempt of [
      operator.addRegistry({ input: { name: `r-${run}`, url: 'http://127.0.0.1:9' } }),
      operator.createToken({ input: { name: 'sneaky', role: 'ADMIN' } }),
      operator.revokeToken({ id: viewerId }),
      operator.webhookRules(),
      operator.auditLog({ first: 1 }),
    ]) {
      const error = await sdkFailure(attempt);
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toContain('needs the admin role');
    }
  });

  it('a revoked token is refused at once; unknown IDs and the last admin token are user errors', async () => {
    const viewer = clientFor(viewerToken);
    await viewer.hosts();
    // A subscription open before the revocation keeps its connection; proven open by an event it received.
    const events = viewer.imageEvents({ hosts: ['alpha'] })[Symbol.asyncIterator]();
    const firstEvent = events.next();
    await expect
      .poll(
        async () => {
          await sandbox.docker('alpha', ['tag', info.seed.baseRef, `auth-${run}/event:1`]);
          return Promise.race([firstEvent.then(() => 'event'), new Promise((resolve) => setTimeout(() => resolve('none'), 300))]);
        },
        { timeout: 15_000, interval: 0 },
      )
      .toBe('event');

    const revoked = await hangar.sdk.revokeToken({ id: viewerId });
    expect(revoked.revokeToken).toMatchObject({ revoked: { id: viewerId, name: `viewer-${run}` }, userErrors: [] });
    const refused = await sdkFailure(viewer.hosts());
    expect([refused.code, refused.status]).toEqual(['UNAUTHENTICATED', 401]);
    // A new subscription on that same connection is refused: each subscription checks the token again.
    const again = async () => {
      for await (const event of viewer.imageEvents({ hosts: ['alpha'] })) return event;
      return undefined;
    };
    await expect(again()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await events.return?.(undefined);
    await sandbox.docker('alpha', ['rmi', `auth-${run}/event:1`]);

    expect((await hangar.sdk.revokeToken({ id: '000000000000' })).revokeToken.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
    const { tokens } = await hangar.sdk.tokens();
    const admin = tokens.find((token) => token.role === 'ADMIN')!;
    expect((await hangar.sdk.revokeToken({ id: admin.id })).revokeToken.userErrors).toMatchObject([{ code: 'CONFLICT' }]);
    await hangar.sdk.hosts();

    // The audit trail names the tokens made and revoked, never a token.
    const { auditLog } = await hangar.sdk.auditLog({ first: 20 });
    const actions = auditLog.nodes.map((entry) => entry.action);
    expect(actions).toContain('createToken');
    expect(actions).toContain('revokeToken');
    const audit = JSON.stringify(auditLog);
    for (const secret of [viewerToken, operatorToken]) expect(audit).not.toContain(secret);
  });

  it('a token limited to some hosts sees and acts on only them, and only their jobs', async () => {
    const made = await hangar.sdk.createToken({ input: { name: `beta-only-${run}`, role: 'OPERATOR', hosts: { names: ['beta'] } } });
    expect(made.createToken.userErrors).toEqual([]);
    expect(made.createToken.apiToken!.scope).toEqual({ names: ['beta'], labels: [] });
    const scoped = clientFor(made.createToken.token!);

    expect((await scoped.hosts()).hosts.map((host) => host.name)).toEqual(['beta']);
    expect((await scoped.host({ name: 'alpha' })).host).toBeNull();
    expect((await scoped.hostImages({ host: 'alpha' })).host).toBeNull();
    const fleet = await scoped.fleetImages({ first: 1000 });
    expect(new Set(fleet.images.nodes.map((image) => image.hostName))).toEqual(new Set(['beta']));
    const asked = await scoped.fleetImages({ hosts: ['alpha', 'beta'], first: 1000 });
    expect(asked.images.hostErrors).toMatchObject([{ host: 'alpha', code: 'HOST_NOT_FOUND' }]);
    expect(new Set(asked.images.nodes.map((image) => image.hostName))).toEqual(new Set(['beta']));

    const tag = await scoped.tagImage({ input: { host: 'alpha', source: info.seed.baseRef, target: `auth-${run}/scoped:1` } });
    expect(tag.tagImage.userErrors).toMatchObject([{ code: 'HOST_NOT_FOUND' }]);
    expect((await sandbox.docker('alpha', ['image', 'ls', '-q', `auth-${run}/scoped`])).stdout.trim()).toBe('');
    const pull = await scoped.pullImage({ input: { ref: `${info.registry.host}/nothing:1`, hosts: ['alpha'] } });
    expect(pull.pullImage).toMatchObject({ jobs: [], userErrors: [{ code: 'HOST_NOT_FOUND', host: 'alpha' }] });

    // A job on alpha (the admin's) does not exist for it; one on beta does.
    const built = await hangar.sdk.run.build({ hosts: ['alpha', 'beta'], dockerfile: `FROM ${info.seed.baseRef}\nLABEL scoped=${run}\n`, tags: [`auth-${run}/built:1`] });
    const finals = await built.done();
    const onAlpha = finals.find((job) => job.host === 'alpha')!;
    const onBeta = finals.find((job) => job.host === 'beta')!;
    expect((await scoped.job({ id: onAlpha.id })).job).toBeNull();
    expect((await scoped.job({ id: onBeta.id })).job?.state).toBe('COMPLETED');
    expect((await scoped.retryJob({ id: onAlpha.id })).retryJob.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
    const listed = await scoped.jobs({ filter: { batchId: built.batchId }, first: 10 });
    expect(listed.jobs.nodes.map((job) => job.host)).toEqual(['beta']);
    const follow = async () => {
      for await (const update of scoped.jobUpdated({ id: onAlpha.id })) return update;
      return undefined;
    };
    await expect(follow()).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // REST: alpha is not there (404, as an unknown host); beta is.
    const hidden = await sdkFailure(scoped.archives.exportImages({ host: 'alpha', refs: [info.seed.baseRef] }));
    expect([hidden.code, hidden.status]).toEqual(['HOST_NOT_FOUND', 404]);
    await (await scoped.archives.exportImages({ host: 'beta', refs: [info.seed.baseRef] })).cancel();
  });

  it('a scope by labels follows the hosts’ labels; admin tokens and unknown hosts cannot be scoped', async () => {
    const web = await hangar.sdk.createToken({ input: { name: `web-${run}`, role: 'VIEWER', hosts: { labels: ['role=web'] } } });
    const viewer = clientFor(web.createToken.token!);
    // alpha and gamma carry role=web in the sandbox; beta is role=api.
    expect((await viewer.hosts()).hosts.map((host) => host.name)).toEqual(['alpha', 'gamma']);

    const admin = await hangar.sdk.createToken({ input: { name: 'scoped-admin', role: 'ADMIN', hosts: { names: ['alpha'] } } });
    expect(admin.createToken).toMatchObject({ token: null, userErrors: [{ code: 'BAD_REQUEST', field: ['input', 'hosts', 'names'] }] });
    const unknown = await hangar.sdk.createToken({ input: { name: 'nowhere', role: 'VIEWER', hosts: { names: ['delta'] } } });
    expect(unknown.createToken).toMatchObject({ token: null, userErrors: [{ code: 'HOST_NOT_FOUND' }] });
    const empty = await hangar.sdk.createToken({ input: { name: 'nothing', role: 'VIEWER', hosts: {} } });
    expect(empty.createToken.userErrors).toMatchObject([{ code: 'BAD_REQUEST' }]);
  });
});

describe('job IDs that name no configured host', () => {
  it('open no Redis connection: 300 of them (aliased job, cancelJob, retryJob, jobs, jobUpdated, batchUpdated) leave CLIENT LIST as it was', async () => {
    const redis = new Redis(`${info.redisUrl}/5`);
    try {
      const clients = async () => String(await redis.client('LIST')).trim().split('\n').length;
      // Every configured host's queue is open once the first lookups have run; from then on the count must hold.
      await hangar.sdk.jobs({ first: 1 });
      for (const host of ['alpha', 'beta', 'gamma']) expect((await hangar.sdk.job({ id: `${host}@pull-0000000000` })).job).toBeNull();
      const before = await clients();

      // Names of every shape a host name may have, none configured (job IDs allow up to 63 characters).
      const ids = Array.from({ length: 300 }, (_, i) => `${i % 3 === 0 ? 'zz' : i % 3 === 1 ? 'Z.z_' : 'x-'}${i}-${run}${'q'.repeat(i % 40)}@pull-${i.toString(16).padStart(10, '0')}`);
      // Aliased, 30 to a request (the default alias limit), one host name per alias.
      for (let i = 0; i < ids.length; i += 30) {
        const chunk = ids.slice(i, i + 30);
        const answer = await graphql<Record<string, unknown>>(hangar.url, hangar.token, `{ ${chunk.map((id, j) => `j${j}: job(id: ${JSON.stringify(id)}) { id }`).join(' ')} }`);
        expect(answer.errors).toBeUndefined();
        expect(Object.values(answer.data!)).toEqual(chunk.map(() => null));
      }
      for (const id of ids.slice(0, 10)) {
        expect((await hangar.sdk.cancelJob({ id })).cancelJob.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
        expect((await hangar.sdk.retryJob({ id })).retryJob.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
      }
      expect((await sdkFailure(hangar.sdk.jobs({ filter: { hosts: [ids[0]!.split('@')[0]!] } }))).code).toBe('HOST_NOT_FOUND');
      const follow = async (id: string) => {
        for await (const update of hangar.sdk.jobUpdated({ id })) return update;
        return undefined;
      };
      for (const id of ids.slice(0, 5)) await expect(follow(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const batch = async () => {
        for await (const update of hangar.sdk.batchUpdated({ batchId: `batch-${run}` })) return update;
        return undefined;
      };
      await expect(batch()).rejects.toMatchObject({ code: 'NOT_FOUND' });
      // REST reads name hosts too: an unknown one is a 404, with nothing opened for it.
      const exported = await sdkFailure(hangar.sdk.archives.exportImages({ host: ids[1]!.split('@')[0]!, refs: [info.seed.baseRef] }));
      expect([exported.code, exported.status]).toEqual(['HOST_NOT_FOUND', 404]);

      expect(await clients()).toBeLessThanOrEqual(before);
    } finally {
      redis.disconnect();
    }
  });
});

describe('requests in flight per token', () => {
  it('past the limit a request is 429 RATE_LIMITED; a slot frees when a request ends; other tokens are not held up', async () => {
    const limited = await startTestHangar(info, { redis: { url: `${info.redisUrl}/5` }, hosts: [sandboxHost(info, 'alpha')], limits: { maxConcurrentRequestsPerToken: 2 } });
    const held: AbortController[] = [];
    try {
      const made = await limited.sdk.createToken({ input: { name: `other-${run}`, role: 'VIEWER' } });
      const other = createHangarClient({ url: limited.url, token: made.createToken.token! });
      clients.push(other);
      // Two loads whose bodies never end hold both of the admin token's slots.
      for (let i = 0; i < 2; i++) {
        const abort = new AbortController();
        held.push(abort);
        const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new Uint8Array(512)) });
        void fetch(`${limited.url}/api/v1/hosts/alpha/images/load`, {
          method: 'POST',
          body,
          headers: { authorization: `Bearer ${limited.token}`, 'content-type': 'application/x-tar' },
          signal: abort.signal,
          duplex: 'half',
        } as RequestInit).catch(() => undefined);
      }
      const outcome = async (client: HangarClient) =>
        client.hosts().then(
          () => 'ok',
          (error: unknown) => `${(error as { code?: string }).code} ${(error as { status?: number }).status}`,
        );
      await expect.poll(() => outcome(limited.sdk), { timeout: 10_000, interval: 100 }).toBe('RATE_LIMITED 429');
      // Another token has its own slots.
      expect(await outcome(other)).toBe('ok');
      held.shift()!.abort();
      await expect.poll(() => outcome(limited.sdk), { timeout: 10_000, interval: 100 }).toBe('ok');
    } finally {
      for (const abort of held) abort.abort();
      await limited.stop();
    }
  });
});
