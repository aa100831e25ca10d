import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { freePort } from '@hangar/system';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// Straight from the module: packages/core/src/index.ts re-exports it once the registry work is wired in.
import { HangarError } from '../../packages/core/src/errors/hangar-error.js';
import { DistributionClient } from '../../packages/core/src/registry/index.js';
import { Sandbox } from '../sandbox/index.js';

// DistributionClient against the sandbox's real registry (Debian docker-registry 2.8.2, htpasswd auth). Every
// expectation is checked against what the docker CLI pushed. Repositories get a random prefix so that nothing
// here depends on, or disturbs, what other test files push.

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const registry = info.registry;
const prefix = `hangar-rc-${randomBytes(4).toString('hex')}`;
const REPO_A = `${prefix}/a`; // several tags, one image
const REPO_B = `${prefix}/b`; // another image
const REPO_C = `${prefix}/c`;
const REPO_D = `${prefix}/d`; // pushed, then its only manifest deleted: a repository without tags
const MINE = [REPO_A, REPO_B, REPO_C, REPO_D];
const TAGS_A = ['latest', '10', '9', '1.0', 'b-side', 'A', '_under'];
const WRONG_PASSWORD = `wrong-${registry.password.slice(0, 4)}-Pw-${randomBytes(3).toString('hex')}`;

/** Local references tagged on alpha for this file: removed again afterwards (other files list alpha's images). */
const localRefs: string[] = [];
/** `docker push` digests, as the engine recorded them in RepoDigests. */
const pushedDigest = new Map<string, string>();

function client(credentials: { username?: string; password?: string } = { username: registry.username, password: registry.password }): DistributionClient {
  return new DistributionClient({ name: 'sandbox', url: registry.url, ...credentials });
}

async function push(source: string, repository: string, tags: string[]): Promise<void> {
  for (const tag of tags) {
    const ref = `${registry.host}/${repository}:${tag}`;
    await sandbox.docker('alpha', ['tag', source, ref]);
    localRefs.push(ref);
  }
  await sandbox.docker('alpha', ['push', '--all-tags', `${registry.host}/${repository}`]);
  const ref = `${registry.host}/${repository}:${tags[0]}`;
  const { stdout } = await sandbox.docker('alpha', ['image', 'inspect', ref, '--format', '{{json .RepoDigests}}']);
  const digests = JSON.parse(stdout) as string[];
  const mine = digests.find((entry) => entry.startsWith(`${registry.host}/${repository}@`));
  if (!mine) throw new Error(`no RepoDigest for ${repository} in ${stdout}`);
  pushedDigest.set(repository, mine.slice(mine.indexOf('@') + 1));
}

async function failure(promise: Promise<unknown>): Promise<HangarError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HangarError);
  return error as HangarError;
}

/** Everything a logger could print about an error: message, stack, own properties and the whole cause chain. */
function everything(error: unknown): string {
  return `${inspect(error, { showHidden: true, depth: 20 })} ${JSON.stringify(error)} ${String((error as Error).stack)}`;
}

beforeAll(async () => {
  const seeded = info.seed.pushed;
  if (!seeded) throw new Error('the sandbox was started without seeding');
  await push(seeded.sourceRef, REPO_A, TAGS_A);
  await push('hangar-test/app:1.1', REPO_B, ['v2']);
  await push('hangar-test/base:1.0', REPO_C, ['1']);
  await push(seeded.sourceRef, REPO_D, ['gone']);
  const basic = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`;
  const deleted = await fetch(`${registry.url}/v2/${REPO_D}/manifests/${pushedDigest.get(REPO_D)}`, { method: 'DELETE', headers: { authorization: basic } });
  expect(deleted.status).toBe(202);
});

afterAll(async () => {
  if (localRefs.length > 0) await sandbox.docker('alpha', ['image', 'rm', ...localRefs]);
});

describe('ping', () => {
  it('answers true with the htpasswd credentials', async () => {
    expect(await client().ping()).toBe(true);
  });
});

describe('catalog', () => {
  it('pages one repository at a time from a cursor, through Link headers', async () => {
    const c = client();
    // `after` is exclusive and the catalog is lexical: the prefix itself sorts just before `${prefix}/a`.
    let after: string | undefined = prefix;
    for (const expected of MINE) {
      const page = await c.catalog({ first: 1, after });
      expect(page).toEqual({ repositories: [expected], hasNextPage: true, endCursor: expected });
      after = page.endCursor;
    }
    // The seeded `hangar-test/app` sorts after `hangar-rc-*`: there is always a page after ours.
    const next = await c.catalog({ first: 1, after });
    expect(next.repositories).toHaveLength(1);
    expect(next.repositories[0]! > REPO_D).toBe(true);
  });

  it('pages two at a time, and the whole walk equals allRepositories()', async () => {
    const c = client();
    expect(await c.catalog({ first: 2, after: prefix })).toEqual({ repositories: [REPO_A, REPO_B], hasNextPage: true, endCursor: REPO_B });
    expect(await c.catalog({ first: 2, after: REPO_B })).toEqual({ repositories: [REPO_C, REPO_D], hasNextPage: true, endCursor: REPO_D });

    const walked: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (; pages < 1000; pages++) {
      const page = await c.catalog({ first: 2, after });
      walked.push(...page.repositories);
      if (!page.hasNextPage) break;
      expect(page.repositories).toHaveLength(2);
      after = page.endCursor;
    }
    const all = await c.allRepositories();
    expect(walked).toEqual(all);
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining([...MINE, info.seed.pushed!.repository]));
    expect(pages).toBe(Math.ceil(all.length / 2) - 1);
  });

  it('stops allRepositories at max', async () => {
    const c = client();
    const all = await c.allRepositories();
    expect(await c.allRepositories({ max: 2 })).toEqual(all.slice(0, 2));
  });

  it('ends without a next page when the last page is exactly full (2.8 sends no Link then)', async () => {
    const c = client();
    const all = await c.allRepositories();
    const page = await c.catalog({ first: 2, after: all.at(-3) });
    expect(page).toEqual({ repositories: all.slice(-2), hasNextPage: false, endCursor: all.at(-1) });
  });
});

describe('tags', () => {
  it('returns every tag, sorted (the registry returns them in no order)', async () => {
    expect(await client().tags(REPO_A)).toEqual([...TAGS_A].sort());
    expect(await client().tags(REPO_A)).toEqual(['1.0', '10', '9', 'A', '_under', 'b-side', 'latest']);
    expect(await client().tags(info.seed.pushed!.repository)).toContain(info.seed.pushed!.tag);
  });

  it('returns [] for a repository whose manifests were all deleted (the registry says tags: null)', async () => {
    const basic = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`;
    const raw = await fetch(`${registry.url}/v2/${REPO_D}/tags/list`, { headers: { authorization: basic } });
    expect(await raw.json()).toEqual({ name: REPO_D, tags: null });
    expect(await client().tags(REPO_D)).toEqual([]);
  });

  it('fails with NOT_FOUND for an unknown repository', async () => {
    const error = await failure(client().tags(`${prefix}/missing`));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('repository name not known to registry');
    expect(everything(error)).not.toContain(registry.password);
  });

  it('fails with BAD_REQUEST for an invalid name, without asking the registry', async () => {
    expect((await failure(client().tags('Upper/Case'))).code).toBe('BAD_REQUEST');
  });
});

describe('manifestDigest', () => {
  it('equals the digest docker push recorded', async () => {
    const c = client();
    for (const tag of TAGS_A) expect(await c.manifestDigest(REPO_A, tag)).toBe(pushedDigest.get(REPO_A));
    expect(await c.manifestDigest(REPO_B, 'v2')).toBe(pushedDigest.get(REPO_B));
    expect(await c.manifestDigest(REPO_C, '1')).toBe(pushedDigest.get(REPO_C));
    expect(pushedDigest.get(REPO_B)).not.toBe(pushedDigest.get(REPO_A));
    const seeded = info.seed.pushed!;
    expect(await c.manifestDigest(seeded.repository, seeded.tag)).toBe(seeded.digest);
    // Same image pushed to two repositories: same manifest, same digest.
    expect(pushedDigest.get(REPO_A)).toBe(seeded.digest);
  });

  it('resolves a digest reference to itself', async () => {
    const digest = pushedDigest.get(REPO_B)!;
    expect(await client().manifestDigest(REPO_B, digest)).toBe(digest);
  });

  it('is undefined for an unknown tag or digest in an existing repository', async () => {
    const c = client();
    expect(await c.manifestDigest(REPO_A, 'no-such-tag')).toBeUndefined();
    expect(await c.manifestDigest(REPO_A, `sha256:${'0'.repeat(64)}`)).toBeUndefined();
    expect(await c.manifestDigest(REPO_D, 'gone')).toBeUndefined();
  });

  it('fails with NOT_FOUND for an unknown repository', async () => {
    const error = await failure(client().manifestDigest(`${prefix}/missing`, 'latest'));
    expect(error.code).toBe('NOT_FOUND');
  });
});

describe('authentication and reachability', () => {
  it('fails with REGISTRY_AUTH_FAILED on a wrong password, never showing it', async () => {
    const c = client({ username: registry.username, password: WRONG_PASSWORD });
    const base64 = Buffer.from(`${registry.username}:${WRONG_PASSWORD}`).toString('base64');
    const calls: (() => Promise<unknown>)[] = [() => c.ping(), () => c.catalog({ first: 1 }), () => c.allRepositories(), () => c.tags(REPO_A), () => c.manifestDigest(REPO_A, 'latest')];
    for (const call of calls) {
      const error = await failure(call());
      expect(error.code).toBe('REGISTRY_AUTH_FAILED');
      expect(error.message).toContain(`"${registry.username}"`);
      for (const text of [error.message, everything(error)]) {
        expect(text).not.toContain(WRONG_PASSWORD);
        expect(text).not.toContain(base64);
        expect(text).not.toContain(registry.password);
      }
    }
    expect(inspect(c, { showHidden: true, depth: 10 })).not.toContain(WRONG_PASSWORD);
  });

  it('fails with REGISTRY_AUTH_FAILED without credentials', async () => {
    const error = await failure(client({}).ping());
    expect(error.code).toBe('REGISTRY_AUTH_FAILED');
    expect(error.message).toMatch(/requires authentication/);
  });

  it('fails with REGISTRY_UNREACHABLE on a closed port', async () => {
    const port = await freePort();
    const error = await failure(new DistributionClient({ name: 'closed', url: `http://127.0.0.1:${port}`, username: 'u', password: 'closed-port-pw' }).ping());
    expect(error.code).toBe('REGISTRY_UNREACHABLE');
    expect(error.message).toMatch(/connection refused/);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(everything(error)).not.toContain('closed-port-pw');
  });
});
