// Registry credentials end to end: pushes, pulls and builds through the sandbox's htpasswd registry with passwords
// that sweep what breaks an encoding (three consecutive lengths, JSON escapes, non-ASCII, bytes whose base64 holds
// `+` and `/`), checked on the engines with the docker CLI; and a missing or wrong credential fails once, as
// REGISTRY_AUTH_FAILED naming the registry. Regression: X-Registry-Auth was unpadded base64url, which Docker 20.10
// decodes with Go's padded URL encoding and silently drops: pulls failed for two passwords in three.
import { randomBytes } from 'node:crypto';
import { HangarError, type HangarClient, type Job } from '@hangar/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from '../sandbox/index.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = randomBytes(3).toString('hex');
let hangar: TestHangar;

beforeAll(async () => {
  // Its own Redis database: no other Hangar's workers (with other credentials) may take these jobs.
  hangar = await startTestHangar(info, { redis: { url: `${info.redisUrl}/1` }, hosts: ['alpha', 'beta', 'gamma'].map((h) => sandboxHost(info, h as 'alpha')) });
});

afterAll(async () => {
  await hangar?.stop();
});

/** The final state of a job (handles poll and subscribe; a failed job is returned, not thrown). */
async function outcome(client: HangarClient, start: Promise<{ jobs?: Job[] | null; userErrors: unknown[] }>): Promise<Job> {
  const payload = await start;
  expect(payload.userErrors).toEqual([]);
  expect(payload.jobs).toHaveLength(1);
  try {
    return await client.run.job(payload.jobs![0]!.id).done();
  } catch (error) {
    if (error instanceof HangarError) {
      const { job } = await client.job({ id: payload.jobs![0]!.id });
      return job!;
    }
    throw error;
  }
}

const imageId = async (engine: 'alpha' | 'beta' | 'gamma', ref: string) => (await sandbox.docker(engine, ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();

describe('credentials that need care', () => {
  const users = info.registry.users;

  it('the sandbox seeds a sweep: three consecutive lengths, escapes, non-ASCII, + and / in base64', () => {
    const lengths = users.filter((u) => u.username.startsWith('len-')).map((u) => u.password.length);
    expect(lengths).toEqual([lengths[0], lengths[0]! + 1, lengths[0]! + 2]);
    const all = users.map((u) => u.password).join('');
    for (const c of [':', '@', '"', '\\', 'ö', '日', '🔑']) expect(all).toContain(c);
    // The header JSON of these users hits every length residue and both + and / in standard base64.
    const jsons = users.map((u) => Buffer.from(JSON.stringify({ username: u.username, password: u.password, serveraddress: info.registry.host })));
    expect(new Set(jsons.map((j) => j.length % 3)).size).toBe(3);
    expect(jsons.some((j) => j.toString('base64').includes('+')) && jsons.some((j) => j.toString('base64').includes('/'))).toBe(true);
  });

  it('push from alpha and pull onto beta work with every password', async () => {
    const cases = users.map((user, i) => ({ user, name: `cred-${run}-${i}`, ref: `${info.registry.host}/cred-${run}/u${i}:1` }));
    for (const c of cases) {
      const add = await hangar.sdk.addRegistry({ input: { name: c.name, url: info.registry.url, username: c.user.username, password: c.user.password } });
      expect(add.addRegistry.userErrors).toEqual([]);
      // A layer of its own, so the push must upload (and so authenticate), not only mount.
      await sandbox.docker('alpha', ['build', '-q', '-t', c.ref, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo ${c.name} > /who\n` });
    }
    const pushed = await Promise.all(cases.map((c) => outcome(hangar.sdk, hangar.sdk.pushImage({ input: { ref: c.ref, hosts: ['alpha'], registry: c.name } }).then((p) => p.pushImage))));
    for (const [i, job] of pushed.entries()) expect({ user: cases[i]!.user.why, state: job.state, error: job.error }).toEqual({ user: cases[i]!.user.why, state: 'COMPLETED', error: null });
    const pulled = await Promise.all(cases.map((c) => outcome(hangar.sdk, hangar.sdk.pullImage({ input: { ref: c.ref, hosts: ['beta'], registry: c.name } }).then((p) => p.pullImage))));
    for (const [i, job] of pulled.entries()) {
      const c = cases[i]!;
      expect({ user: c.user.why, state: job.state, error: job.error }).toEqual({ user: c.user.why, state: 'COMPLETED', error: null });
      // The engine has what was pushed: same image ID as alpha's (same config, same layers).
      expect(await imageId('beta', c.ref)).toBe(await imageId('alpha', c.ref));
    }
    for (const c of cases) await hangar.sdk.removeRegistry({ name: c.name });
  });

  it('a build whose FROM needs the credentials works with every password (X-Registry-Config)', async () => {
    // One registry at a time: a build sends the credentials of every registry, keyed by registry host.
    for (const [i, user] of users.entries()) {
      const name = `build-${run}-${i}`;
      const from = `${info.registry.host}/cred-${run}/u${i}:1`;
      const tag = `cred-${run}/built-${i}:1`;
      expect((await hangar.sdk.addRegistry({ input: { name, url: info.registry.url, username: user.username, password: user.password } })).addRegistry.userErrors).toEqual([]);
      try {
        // gamma has never seen the FROM image: the engine must pull it with the build's credentials.
        await expect(sandbox.docker('gamma', ['image', 'inspect', from])).rejects.toThrow();
        const job = await outcome(hangar.sdk, hangar.sdk.buildImage({ input: { hosts: ['gamma'], dockerfile: `FROM ${from}\nRUN cat /who\n`, tags: [tag] } }).then((p) => p.buildImage));
        expect({ user: user.why, state: job.state, error: job.error }).toEqual({ user: user.why, state: 'COMPLETED', error: null });
        // The FROM image came from the registry, as pushed: the same ID as alpha's, and the build's parent.
        expect(await imageId('gamma', from)).toBe(await imageId('alpha', from));
        const layers = async (ref: string) => JSON.parse((await sandbox.docker('gamma', ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref])).stdout) as string[];
        const [fromLayers, builtLayers] = await Promise.all([layers(from), layers(tag)]);
        expect(builtLayers.slice(0, fromLayers.length)).toEqual(fromLayers);
      } finally {
        await hangar.sdk.removeRegistry({ name });
      }
    }
  });
});

describe('refused credentials', () => {
  it('a pull with no credentials is REGISTRY_AUTH_FAILED after one attempt, naming the registry', async () => {
    const ref = `${info.registry.host}/cred-${run}/u0:1`;
    const job = await outcome(hangar.sdk, hangar.sdk.pullImage({ input: { ref, hosts: ['gamma'] } }).then((p) => p.pullImage));
    expect(job.state).toBe('FAILED');
    expect(job.error!.code).toBe('REGISTRY_AUTH_FAILED');
    expect(job.error!.message).toContain(`registry ${info.registry.host} refused access (no credentials sent)`);
    expect(job.attempts).toBe(1);
  });

  it('a pull with a wrong password is REGISTRY_AUTH_FAILED after one attempt, and the password is nowhere', async () => {
    const name = `wrong-${run}`;
    const wrong = `Wr0ng:"\\-${randomBytes(5).toString('hex')}-ü`;
    await hangar.sdk.addRegistry({ input: { name, url: info.registry.url, username: info.registry.username, password: wrong } });
    try {
      const job = await outcome(hangar.sdk, hangar.sdk.pullImage({ input: { ref: `${info.registry.host}/cred-${run}/u1:1`, hosts: ['gamma'], registry: name } }).then((p) => p.pullImage));
      expect(job.state).toBe('FAILED');
      expect(job.error!.code).toBe('REGISTRY_AUTH_FAILED');
      expect(job.error!.message).toContain(`registry ${info.registry.host} refused access (the credentials of user "${info.registry.username}" sent)`);
      expect(job.attempts).toBe(1);
      expect(JSON.stringify(job)).not.toContain(wrong);
    } finally {
      await hangar.sdk.removeRegistry({ name });
    }
  });

  it('a named registry’s credentials never go to another registry host', async () => {
    const name = `named-${run}`;
    await hangar.sdk.addRegistry({ input: { name, url: info.registry.url, username: info.registry.users[0]!.username, password: info.registry.users[0]!.password } });
    try {
      for (const ref of ['other.example/x:1', 'docker.io/library/busybox:1', `127.0.0.2:${info.registry.host.split(':')[1]}/x:1`, 'busybox']) {
        const pull = (await hangar.sdk.pullImage({ input: { ref, hosts: ['alpha'], registry: name } })).pullImage;
        expect(pull.jobs ?? []).toEqual([]);
        expect(pull.userErrors).toEqual([expect.objectContaining({ code: 'BAD_REQUEST', field: ['input', 'registry'] })]);
        expect(pull.userErrors[0]!.message).toContain(info.registry.host);
        const push = (await hangar.sdk.pushImage({ input: { ref, hosts: ['alpha'], registry: name } })).pushImage;
        expect(push.jobs ?? []).toEqual([]);
        expect(push.userErrors).toEqual([expect.objectContaining({ code: 'BAD_REQUEST', field: ['input', 'registry'] })]);
      }
    } finally {
      await hangar.sdk.removeRegistry({ name });
    }
  });
});
