import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { query } from './support/graphql.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { pushFreshImage, sandboxRegistry } from './support/registry-images.js';
import { collect, wsClient } from './support/subscriptions.js';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const ENGINES: EngineName[] = ['alpha', 'beta', 'gamma'];

let hangar: TestHangar;

beforeAll(async () => {
  hangar = await startTestHangar(info, { hosts: ENGINES.map((name) => sandboxHost(info, name)), registries: [sandboxRegistry(info)] });
});

afterAll(async () => {
  await hangar?.stop();
});

const JOB = 'id kind host state batchId subject attempts error { code message } result { imageId repoTags digest bytes } progress { phase percent bytesDone bytesTotal layers { id status current total } }';

interface JobView {
  id: string;
  kind: string;
  host: string;
  state: string;
  batchId: string | null;
  attempts: number;
  error: { code: string; message: string } | null;
  result: { imageId: string | null; repoTags: string[] | null; digest: string | null } | null;
  progress: { phase: string; percent: number | null; bytesDone: number | null; layers: { id: string; status: string }[] } | null;
}

interface StartPayload {
  jobs: JobView[] | null;
  batchId: string | null;
  userErrors: { code: string; message: string; field: string[] | null }[];
}

async function mutate(name: string, input: Record<string, unknown>): Promise<StartPayload> {
  const data = await query<Record<string, StartPayload>>(
    hangar.url,
    hangar.token,
    `mutation($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { batchId userErrors { code message field } jobs { ${JOB} } } }`,
    { input },
  );
  return data[name]!;
}

const run = Math.random().toString(16).slice(2, 8);

/** A fresh image in the sandbox registry, not on any host. */
const pushedImage = (name: string, extra = '') => pushFreshImage(sandbox, info, `jobs-${run}`, name, extra);

describe('pull jobs', () => {
  it('pulls from the registry (with auth) onto three hosts, followed live, layer by layer', async () => {
    const ref = await pushedImage('pulled');
    const started = await mutate('pullImage', { ref, hosts: ENGINES });
    expect(started.userErrors).toEqual([]);
    expect(started.jobs).toHaveLength(3);
    const client = wsClient(hangar.url, hangar.token);
    try {
      const events = await collect<{ batchUpdated: JobView }>(client, `subscription($b: ID!) { batchUpdated(batchId: $b) { ${JOB} } }`, { b: started.batchId });
      for (const engine of ENGINES) {
        const mine = events.map((e) => e.batchUpdated).filter((j) => j.host === engine);
        const last = mine.at(-1)!;
        expect(last.state, JSON.stringify(last.error)).toBe('COMPLETED');
        expect(last.result, JSON.stringify(mine.slice(-2))).not.toBeNull();
        const layerIds = new Set(mine.flatMap((j) => j.progress?.layers.map((l) => l.id) ?? []));
        const { stdout } = await sandbox.docker(engine, ['image', 'inspect', ref, '--format', '{{len .RootFS.Layers}} {{.Id}}']);
        const [count, id] = stdout.trim().split(' ');
        expect(layerIds.size, `${engine} layers`).toBe(Number(count));
        expect(last.result!.imageId).toBe(id);
        const listed = await sandbox.docker(engine, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', ref]);
        expect(listed.stdout.trim()).toBe(ref);
      }
    } finally {
      await client.dispose();
    }
  });
});

async function waitForJob(id: string, until: (job: JobView) => boolean, timeoutMs = 120_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const data = await query<{ job: JobView | null }>(hangar.url, hangar.token, `query($id: ID!) { job(id: $id) { ${JOB} } }`, { id });
    if (data.job && until(data.job)) return data.job;
    if (Date.now() > deadline) throw new Error(`job ${id} never got there: ${JSON.stringify(data.job)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function logsOf(id: string): Promise<string[]> {
  return (await query<{ job: { logs: string[] } }>(hangar.url, hangar.token, `query($id: ID!) { job(id: $id) { logs } }`, { id })).job.logs;
}

describe('subscriptions', () => {
  it('refuses a connection without a valid token', async () => {
    const client = wsClient(hangar.url, 'hgr_not-a-token');
    await expect(collect(client, 'subscription { imageEvents { action } }', {})).rejects.toBeDefined();
    await client.dispose();
  });
});

describe('failures', () => {
  it('a push with wrong credentials fails with an auth error after one attempt', async () => {
    process.env.HANGAR_TEST_WRONG_PASSWORD = 'definitely-wrong-password';
    const local = `jobs-${run}/push:1`;
    const ref = `${info.registry.host}/jobs-${run}/push:1`;
    await sandbox.docker('alpha', ['build', '-q', '-t', local, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo push-${run} > /p\n` });
    await sandbox.docker('alpha', ['tag', local, ref]);
    // Its own Redis database: the other Hangar's workers (with the right password) must not take this job.
    const wrong = await startTestHangar(info, {
      redis: { url: `${info.redisUrl}/2` },
      hosts: [sandboxHost(info, 'alpha')],
      registries: [{ name: 'sandbox', url: info.registry.url, username: info.registry.username, passwordEnv: 'HANGAR_TEST_WRONG_PASSWORD' }],
    });
    try {
      const data = await query<{ pushImage: StartPayload }>(wrong.url, wrong.token, `mutation($input: PushImageInput!) { pushImage(input: $input) { userErrors { code message } jobs { ${JOB} } } }`, {
        input: { ref, hosts: ['alpha'] },
      });
      const id = data.pushImage.jobs![0]!.id;
      let job: JobView;
      for (;;) {
        job = (await query<{ job: JobView }>(wrong.url, wrong.token, `query($id: ID!) { job(id: $id) { ${JOB} } }`, { id })).job;
        if (job.state === 'FAILED' || job.state === 'COMPLETED') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(job.state).toBe('FAILED');
      expect(job.error!.code).toBe('REGISTRY_AUTH_FAILED');
      expect(job.attempts).toBe(1);
      expect(JSON.stringify(job)).not.toContain('definitely-wrong-password');
    } finally {
      await wrong.stop();
    }
  });

  it('a build whose RUN step fails ends FAILED with that step’s output in the logs, not retried', async () => {
    const started = await mutate('buildImage', {
      hosts: ['beta'],
      dockerfile: `FROM ${info.seed.baseRef}\nRUN echo step-one-${run}\nRUN echo before-the-failure-${run} && exit 3\n`,
      tags: [`jobs-${run}/broken:1`],
    });
    expect(started.userErrors).toEqual([]);
    const job = await waitForJob(started.jobs![0]!.id, (j) => j.state === 'FAILED' || j.state === 'COMPLETED');
    expect(job.state).toBe('FAILED');
    expect(job.attempts).toBe(1);
    expect(job.error!.message).toMatch(/returned a non-zero code: 3/);
    const logs = (await logsOf(job.id)).join('\n');
    expect(logs).toContain(`step-one-${run}`);
    expect(logs).toContain(`before-the-failure-${run}`);
    const listed = await sandbox.docker('beta', ['image', 'ls', '-q', `jobs-${run}/broken`]);
    expect(listed.stdout.trim()).toBe('');
  });

  it('bad input starts nothing', async () => {
    for (const [name, input, code] of [
      ['pullImage', { ref: 'Not/Valid', hosts: ['alpha'] }, 'BAD_REQUEST'],
      ['pullImage', { ref: 'busybox', hosts: ['nope'] }, 'HOST_NOT_FOUND'],
      ['pullImage', { ref: 'busybox', hostSelector: { labels: ['role=none'] } }, 'BAD_REQUEST'],
      ['buildImage', { hosts: ['alpha'] }, 'BAD_REQUEST'],
      ['copyImage', { sourceHost: 'alpha', ref: 'jobs/nope:1', targetHosts: ['beta'] }, 'NOT_FOUND'],
      ['importImage', { url: 'ftp://x/y.tar', hosts: ['alpha'] }, 'BAD_REQUEST'],
    ] as const) {
      const payload = await mutate(name, input as Record<string, unknown>);
      expect(payload.jobs, name).toEqual([]);
      expect(payload.userErrors[0]?.code, `${name} ${JSON.stringify(input)}`).toBe(code);
    }
  });
});

describe('build, copy and dedupe', () => {
  it('builds from an inline Dockerfile with files, args and labels; the output is the log', async () => {
    const tag = `jobs-${run}/built:1`;
    const started = await mutate('buildImage', {
      hosts: ['gamma'],
      dockerfile: `FROM ${info.seed.baseRef}\nARG GREETING\nCOPY hello.txt /hello.txt\nRUN echo "$GREETING" > /greeting\n`,
      files: [{ path: 'hello.txt', content: `hello ${run}\n` }],
      buildArgs: [{ key: 'GREETING', value: `hi-${run}` }],
      labels: [{ key: 'org.hangar.built', value: run }],
      tags: [tag],
    });
    const job = await waitForJob(started.jobs![0]!.id, (j) => j.state === 'COMPLETED' || j.state === 'FAILED');
    expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');
    const { stdout } = await sandbox.docker('gamma', ['image', 'inspect', tag, '--format', '{{.Id}} {{index .Config.Labels "org.hangar.built"}}']);
    expect(stdout.trim()).toBe(`${job.result!.imageId} ${run}`);
    const cat = await sandbox.docker('gamma', ['run', '--rm', '--network', 'none', tag, 'cat', '/hello.txt', '/greeting']);
    expect(cat.stdout).toBe(`hello ${run}\nhi-${run}\n`);
    expect((await logsOf(job.id)).join('\n')).toMatch(/Step 1\/\d+ : FROM/);
  });

  it('copies an image from alpha to gamma (TLS) engine to engine: same image ID there', async () => {
    const ref = `jobs-${run}/copied:1`;
    await sandbox.docker('alpha', ['build', '-q', '-t', ref, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo copy-${run} > /c\n` });
    const sourceId = (await sandbox.docker('alpha', ['image', 'inspect', ref, '--format', '{{.Id}}'])).stdout.trim();
    const started = await mutate('copyImage', { sourceHost: 'alpha', ref, targetHosts: ['gamma'] });
    expect(started.userErrors).toEqual([]);
    const job = await waitForJob(started.jobs![0]!.id, (j) => j.state === 'COMPLETED' || j.state === 'FAILED');
    expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');
    const targetId = (await sandbox.docker('gamma', ['image', 'inspect', ref, '--format', '{{.Id}}'])).stdout.trim();
    expect(targetId).toBe(sourceId);
    expect(job.result!.imageId).toBe(sourceId);
  });

  it('two identical pulls at once make one job', async () => {
    const ref = await pushedImage('dedupe');
    const [a, b] = await Promise.all([mutate('pullImage', { ref, hosts: ['beta'] }), mutate('pullImage', { ref, hosts: ['beta'] })]);
    expect(a.jobs![0]!.id).toBe(b.jobs![0]!.id);
    const job = await waitForJob(a.jobs![0]!.id, (j) => j.state === 'COMPLETED' || j.state === 'FAILED');
    expect(job.state).toBe('COMPLETED');
    // Once it is done, the same pull is a new job.
    const again = await mutate('pullImage', { ref, hosts: ['beta'] });
    expect(again.jobs![0]!.id).not.toBe(a.jobs![0]!.id);
  });
});

/** A large image of random bytes in the registry (pulled from alpha's build), for cancel and crash tests. */
let bigRef: string | undefined;
async function bigImage(): Promise<string> {
  bigRef ??= await pushedImage('big', 'RUN dd if=/dev/urandom of=/big bs=1M count=300 2>/dev/null');
  return bigRef;
}

describe('cancel', () => {
  it('cancels a pull of a large image mid-way: CANCELLED, and the engine has no tag for it', async () => {
    const ref = await bigImage();
    const started = await mutate('pullImage', { ref, hosts: ['gamma'] });
    const id = started.jobs![0]!.id;
    await waitForJob(id, (j) => (j.progress?.bytesDone ?? 0) > 0 || j.state !== 'QUEUED' && j.state !== 'ACTIVE', 60_000);
    const cancelled = await query<{ cancelJob: StartPayload }>(hangar.url, hangar.token, `mutation($id: ID!) { cancelJob(id: $id) { userErrors { code message } jobs { ${JOB} } } }`, { id });
    expect(cancelled.cancelJob.userErrors).toEqual([]);
    const job = await waitForJob(id, (j) => j.state !== 'ACTIVE' && j.state !== 'QUEUED', 60_000);
    expect(job.state).toBe('CANCELLED');
    expect(job.error!.code).toBe('CANCELLED');
    // Give the engine a moment to drop the aborted pull, then look: no tag.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await sandbox.docker('gamma', ['image', 'ls', '-q', ref])).stdout.trim()).toBe('');
    const again = await query<{ cancelJob: StartPayload }>(hangar.url, hangar.token, `mutation($id: ID!) { cancelJob(id: $id) { userErrors { code } } }`, { id });
    expect(again.cancelJob.userErrors[0]!.code).toBe('CONFLICT');
  });
});

describe('workers in their own processes', () => {
  const redisUrl = `${info.redisUrl}/3`;
  const workerConfig = () => ({
    redis: { url: redisUrl },
    jobs: { lockDurationMs: 4000, stalledIntervalMs: 1000 },
    hosts: ENGINES.map((name) => ({ ...sandboxHost(info, name), maxConcurrentJobs: name === 'beta' ? 1 : 2 })),
    registries: [{ name: 'sandbox', url: info.registry.url, username: info.registry.username, passwordEnv: 'HANGAR_TEST_REGISTRY_PASSWORD' }],
  });
  let api: TestHangar;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    api = await startTestHangar(info, workerConfig(), { workers: false });
  });

  afterAll(async () => {
    for (const worker of workers) await worker.kill('SIGKILL');
    await api?.stop();
  });

  async function apiJob(id: string): Promise<JobView> {
    return (await query<{ job: JobView }>(api.url, api.token, `query($id: ID!) { job(id: $id) { ${JOB} } }`, { id })).job;
  }

  async function until(id: string, done: (j: JobView) => boolean, timeoutMs = 120_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await apiJob(id);
      if (done(job)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id}: ${JSON.stringify(job)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('a worker killed mid-pull: another worker finishes the job; one job record, one image', async () => {
    const ref = await bigImage();
    const first = await startWorkerProcess(info.dir, workerConfig(), { HANGAR_TEST_REGISTRY_PASSWORD: info.registry.password });
    workers.push(first);
    const started = (await query<{ pullImage: StartPayload }>(api.url, api.token, `mutation($input: PullImageInput!) { pullImage(input: $input) { userErrors { code message } jobs { ${JOB} } } }`, {
      input: { ref, hosts: ['beta'] },
    })).pullImage;
    const id = started.jobs![0]!.id;
    await until(id, (j) => j.state === 'ACTIVE' && (j.progress?.bytesDone ?? 0) > 0, 60_000);
    await first.kill('SIGKILL');
    // Followed by subscription on the API process while the job runs in another process.
    const client = wsClient(api.url, api.token);
    const followed = collect<{ jobUpdated: JobView }>(client, `subscription($id: ID!) { jobUpdated(id: $id) { ${JOB} } }`, { id });
    const second = await startWorkerProcess(info.dir, workerConfig(), { HANGAR_TEST_REGISTRY_PASSWORD: info.registry.password });
    workers.push(second);
    const updates = await followed.finally(() => client.dispose());
    expect(updates.at(-1)!.jobUpdated.state).toBe('COMPLETED');
    expect(updates.some((u) => (u.jobUpdated.progress?.bytesDone ?? 0) > 0)).toBe(true);
    const job = await until(id, (j) => j.state === 'COMPLETED' || j.state === 'FAILED');
    expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');
    const all = await query<{ jobs: { nodes: { id: string; subject: string }[] } }>(api.url, api.token, '{ jobs(filter: { hosts: ["beta"], kinds: [PULL] }, first: 1000) { nodes { id subject } } }');
    expect(all.jobs.nodes.filter((j) => j.subject === ref)).toEqual([{ id, subject: ref }]);
    const listed = (await sandbox.docker('beta', ['image', 'ls', '--format', '{{.ID}}', ref])).stdout.trim().split('\n');
    expect(listed).toHaveLength(1);
    expect(second.output()).toContain(`job ${id}`);
  });

  it('maxConcurrentJobs 1 holds across two worker processes (observed from the job records)', async () => {
    const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    while (alive().length < 2) workers.push(await startWorkerProcess(info.dir, workerConfig(), { HANGAR_TEST_REGISTRY_PASSWORD: info.registry.password }));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const payload = (await query<{ buildImage: StartPayload }>(api.url, api.token, `mutation($input: BuildImageInput!) { buildImage(input: $input) { userErrors { code message } jobs { id } } }`, {
        input: { hosts: ['beta'], dockerfile: `FROM ${info.seed.baseRef}\nRUN sleep 1 && echo ${run}-${i} > /n\n`, tags: [`jobs-${run}/conc:${i}`] },
      })).buildImage;
      ids.push(payload.jobs![0]!.id);
    }
    const spans: [number, number][] = [];
    for (const id of ids) {
      await until(id, (j) => j.state === 'COMPLETED' || j.state === 'FAILED');
      const times = await query<{ job: { state: string; startedAt: string; finishedAt: string } }>(api.url, api.token, `query($id: ID!) { job(id: $id) { state startedAt finishedAt } }`, { id });
      expect(times.job.state).toBe('COMPLETED');
      spans.push([Date.parse(times.job.startedAt), Date.parse(times.job.finishedAt)]);
    }
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0], `job ${i} started before job ${i - 1} finished`).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    // Both processes took part (the limit came from Redis, not from there being one worker).
    const live = alive();
    expect(live.length).toBe(2);
    const byWorker = live.map((w) => ids.filter((id) => w.output().includes(`job ${id} (`)).length);
    expect(byWorker.reduce((a, b) => a + b, 0)).toBe(ids.length);
  });
});

describe('registries with credentials', () => {
  it('adds a registry whose password is encrypted at rest and never shown, logs in with it, and removes it', async () => {
    const name = `added-${run}`;
    const add = await query<{ addRegistry: { registry: Record<string, unknown> | null; userErrors: unknown[] } }>(
      hangar.url,
      hangar.token,
      'mutation($input: AddRegistryInput!) { addRegistry(input: $input) { registry { name url kind username hasPassword } userErrors { code message } } }',
      { input: { name, url: info.registry.url, username: info.registry.username, password: info.registry.password } },
    );
    expect(add.addRegistry).toEqual({ registry: { name, url: info.registry.url, kind: 'DISTRIBUTION', username: info.registry.username, hasPassword: true }, userErrors: [] });
    const { Redis } = await import('ioredis');
    const redis = new Redis(info.redisUrl);
    try {
      const stored = await redis.hget('{hangar}:registries', name);
      expect(stored).toBeTruthy();
      expect(stored).not.toContain(info.registry.password);
    } finally {
      redis.disconnect();
    }
    const login = await query<{ testRegistryLogin: { ok: boolean } }>(hangar.url, hangar.token, 'mutation($n: String!) { testRegistryLogin(name: $n) { ok userErrors { code } } }', { n: name });
    expect(login.testRegistryLogin.ok).toBe(true);
    const listed = await query<{ registries: { name: string }[] }>(hangar.url, hangar.token, '{ registries { name url username hasPassword } }');
    expect(listed.registries.map((r) => r.name)).toContain(name);
    expect(JSON.stringify(listed)).not.toContain(info.registry.password);
    // A pull through the added registry's credentials (chosen by name).
    const ref = await pushedImage('via-added');
    const started = await mutate('pullImage', { ref, hosts: ['gamma'], registry: name });
    expect((await waitForJob(started.jobs![0]!.id, (j) => j.state === 'COMPLETED' || j.state === 'FAILED')).state).toBe('COMPLETED');
    const removed = await query<{ removeRegistry: { removed: boolean } }>(hangar.url, hangar.token, 'mutation($n: String!) { removeRegistry(name: $n) { removed userErrors { code } } }', { n: name });
    expect(removed.removeRegistry.removed).toBe(true);
    const bad = await query<{ addRegistry: { userErrors: { code: string }[] } }>(hangar.url, hangar.token, 'mutation($input: AddRegistryInput!) { addRegistry(input: $input) { userErrors { code message } } }', {
      input: { name: `bad-${run}`, url: info.registry.url, username: 'hangar', password: 'wrong-one' },
    });
    expect(bad.addRegistry.userErrors).toEqual([]);
    const denied = await query<{ testRegistryLogin: { ok: boolean; userErrors: { code: string; message: string }[] } }>(hangar.url, hangar.token, 'mutation($n: String!) { testRegistryLogin(name: $n) { ok userErrors { code message } } }', { n: `bad-${run}` });
    expect(denied.testRegistryLogin.ok).toBe(false);
    expect(denied.testRegistryLogin.userErrors[0]!.code).toBe('REGISTRY_AUTH_FAILED');
    expect(JSON.stringify(denied)).not.toContain('wrong-one');
    // Leave Redis as found: other test files list the registries.
    await query(hangar.url, hangar.token, 'mutation($n: String!) { removeRegistry(name: $n) { removed } }', { n: `bad-${run}` });
  });
});

describe('uploaded build contexts and image events', () => {
  it('builds from an uploaded context tar while an imageEvents subscription sees the tag', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(info.dir, 'ctx-'));
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${info.seed.baseRef}\nCOPY data.txt /data.txt\n`);
    writeFileSync(join(dir, 'data.txt'), `uploaded ${run}\n`);
    const tar = execFileSync('tar', ['-C', dir, '-c', 'Dockerfile', 'data.txt']);
    const upload = await fetch(`${hangar.url}/api/v1/build-contexts`, { method: 'POST', headers: { authorization: `Bearer ${hangar.token}`, 'content-type': 'application/x-tar' }, body: tar });
    expect(upload.status).toBe(201);
    const { key } = (await upload.json()) as { key: string };
    const notTar = await fetch(`${hangar.url}/api/v1/build-contexts`, { method: 'POST', headers: { authorization: `Bearer ${hangar.token}` }, body: 'hello' });
    expect(notTar.status).toBe(400);

    const client = wsClient(hangar.url, hangar.token);
    const seen: { imageEvents: { host: string; action: string; ref: string | null } }[] = [];
    const tag = `jobs-${run}/uploaded:1`;
    const events = new Promise<void>((resolve, reject) => {
      const stop = client.subscribe<{ imageEvents: { host: string; action: string; ref: string | null } }>(
        { query: 'subscription { imageEvents(hosts: ["alpha"]) { host action id ref time } }' },
        {
          next: (result) => {
            seen.push(result.data!);
            if (result.data!.imageEvents.action === 'tag' && result.data!.imageEvents.ref === `${tag}`) {
              stop();
              resolve();
            }
          },
          error: reject,
          complete: () => resolve(),
        },
      );
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = await mutate('buildImage', { hosts: ['alpha'], contextUpload: key, tags: [tag] });
      const job = await waitForJob(started.jobs![0]!.id, (j) => j.state === 'COMPLETED' || j.state === 'FAILED');
      expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');
      const cat = await sandbox.docker('alpha', ['run', '--rm', '--network', 'none', tag, 'cat', '/data.txt']);
      expect(cat.stdout).toBe(`uploaded ${run}\n`);
      await Promise.race([events, new Promise((_, reject) => setTimeout(() => reject(new Error(`no tag event: ${JSON.stringify(seen)}`)), 15_000))]);
      expect(seen.some((e) => e.imageEvents.host === 'alpha' && e.imageEvents.action === 'tag')).toBe(true);
    } finally {
      await client.dispose();
    }
  });
});
