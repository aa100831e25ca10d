// Host-to-host copy changes only what the request names: the one tag asked for arrives on the target, and every
// other tag there stays where it was (regression: a copy loaded every tag the image had on the source, moving the
// target's own tags and leaving its images dangling). A target that cannot take the archive costs the source no
// export (regression: the source engine's save stream stayed open ~150 s after a copy to a down host).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { HangarError, type Job } from '@hangar/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = randomBytes(3).toString('hex');
let hangar: TestHangar;

beforeAll(async () => {
  hangar = await startTestHangar(info, { redis: { url: `${info.redisUrl}/8` }, hosts: (['alpha', 'beta', 'gamma'] as const).map((h) => sandboxHost(info, h)), jobs: { attempts: 1 } });
});

afterAll(async () => {
  await hangar?.stop();
});

async function copy(input: { sourceHost: string; ref: string; targetHosts: string[] }): Promise<Job> {
  const payload = (await hangar.sdk.copyImage({ input })).copyImage;
  expect(payload.userErrors).toEqual([]);
  const id = payload.jobs![0]!.id;
  try {
    return await hangar.sdk.run.job(id).done();
  } catch (error) {
    if (!(error instanceof HangarError)) throw error;
    return (await hangar.sdk.job({ id })).job!;
  }
}

/** Every `repo:tag -> ID` on an engine, as `docker image ls` shows it. */
async function tags(engine: EngineName): Promise<Map<string, string>> {
  const { stdout } = await sandbox.docker(engine, ['image', 'ls', '-a', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
  return new Map(stdout.trim().split('\n').filter((l) => l && !l.startsWith('<none>')).map((l) => l.split(' ') as [string, string]));
}

const build = async (engine: EngineName, tag: string, content: string) => {
  await sandbox.docker(engine, ['build', '-q', '-t', tag, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo ${content} > /content\n` });
  return (await sandbox.docker(engine, ['image', 'inspect', '--format', '{{.Id}}', tag])).stdout.trim();
};

describe('copy moves only the named tag', () => {
  it('copies one tag of a many-tagged image; the target’s other tags stay on its own images', async () => {
    const repo = `cp-${run}`;
    // On alpha: one image with four tags.
    const x = await build('alpha', `${repo}/one:1`, `x-${run}`);
    for (const t of [`${repo}/web:1.1`, `${repo}/web:latest`, `${repo}/two:1`]) await sandbox.docker('alpha', ['tag', x, t]);
    // On beta: its own image under two of those tags.
    const y = await build('beta', `${repo}/web:latest`, `y-${run}`);
    await sandbox.docker('beta', ['tag', y, `${repo}/two:1`]);
    const before = await tags('beta');

    const job = await copy({ sourceHost: 'alpha', ref: `${repo}/one:1`, targetHosts: ['beta'] });
    expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');

    const after = await tags('beta');
    const expected = new Map(before);
    expected.set(`${repo}/one:1`, x);
    expect(after).toEqual(expected);
    // y is still tagged (not a prune away from gone), and web:1.1 did not come along.
    expect(after.get(`${repo}/web:latest`)).toBe(y);
    expect(after.has(`${repo}/web:1.1`)).toBe(false);
  });

  it('a repository name without a tag means :latest, as docker save reads it, and moves that tag only', async () => {
    const repo = `cp-${run}/bare`;
    const x = await build('alpha', `${repo}:latest`, `bare-${run}`);
    await sandbox.docker('alpha', ['tag', x, `${repo}:other`]);
    const before = await tags('gamma');
    const job = await copy({ sourceHost: 'alpha', ref: repo, targetHosts: ['gamma'] });
    expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');
    const expected = new Map(before);
    expected.set(`${repo}:latest`, x);
    expect(await tags('gamma')).toEqual(expected);
  });

  it('a copy by image ID (or ID prefix) brings the image untagged: no tag moves at all', async () => {
    const repo = `cp-${run}/byid`;
    const x = await build('alpha', `${repo}:1`, `byid-${run}`);
    await sandbox.docker('alpha', ['tag', x, `${repo}:2`]);
    for (const [ref, target] of [[x, 'beta'], [x.slice('sha256:'.length, 'sha256:'.length + 12), 'gamma']] as const) {
      const before = await tags(target);
      const job = await copy({ sourceHost: 'alpha', ref, targetHosts: [target] });
      expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');
      expect(job.result!.imageId).toBe(x);
      expect(await tags(target)).toEqual(before);
      expect((await sandbox.docker(target, ['image', 'inspect', '--format', '{{.Id}}', x])).stdout.trim()).toBe(x);
    }
  });
});

/** Sockets of this process (the worker runs in it) holding bytes nobody read: an export left open. */
function socketsWithUnreadData(): string[] {
  const out = execFileSync('ss', ['-xtnpH'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(`pid=${process.pid},`) && Number(line.trim().split(/\s+/)[2]) > 0);
}

describe('a copy to a host that cannot take it', () => {
  it('fails at once with an honest error and leaves no export stream open on the source', async () => {
    const ref = `cp-${run}/down:1`;
    await build('alpha', ref, `down-${run}`);
    await sandbox.stopEngine('gamma');
    try {
      const job = await copy({ sourceHost: 'alpha', ref, targetHosts: ['gamma'] });
      expect(job.state).toBe('FAILED');
      expect(job.error!.code).toMatch(/^HOST_(UNREACHABLE|TIMEOUT)$/);
      expect(job.error!.message).toContain('gamma');
      // Nothing of the source's is left half-read in this process.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(socketsWithUnreadData()).toEqual([]);
    } finally {
      await sandbox.startEngine('gamma');
    }
  });
});
