// Jobs through the typed SDK (@hangar/sdk) against real engines: pull, push, build, copy, import and load from a
// URL, cancel, retry, dedupe, workers in their own processes, registries with credentials, and the subscriptions
// that follow them, each checked against the docker CLI on the same engine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createHangarClient, HangarError, isFinished, type HangarClient, type ImageEventsSubscription, type Job, type JobsPayload } from '@hangar/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { LOOPBACK_EGRESS, sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { pushFreshImage, sandboxRegistry } from './support/registry-images.js';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const ENGINES: EngineName[] = ['alpha', 'beta', 'gamma'];

let hangar: TestHangar;

beforeAll(async () => {
  hangar = await startTestHangar(info, { hosts: ENGINES.map((name) => sandboxHost(info, name)), registries: [sandboxRegistry(info)], egress: LOOPBACK_EGRESS });
});

afterAll(async () => {
  await hangar?.stop();
});

const run = Math.random().toString(16).slice(2, 8);

/** A fresh image in the sandbox registry, not on any host. */
const pushedImage = (name: string, extra = '') => pushFreshImage(sandbox, info, `jobs-${run}`, name, extra);

/** The job once `until` holds, read with `job(id)` every 100 ms. */
async function waitForJob(id: string, until: (job: Job) => boolean, timeoutMs = 120_000, client: HangarClient = hangar.sdk): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { job } = await client.job({ id, logs: 1 });
    if (job && until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} never got there: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The job once it is COMPLETED, FAILED or CANCELLED. */
const finished = (id: string, client: HangarClient = hangar.sdk) => waitForJob(id, isFinished, 120_000, client);

/** The last 1000 lines of a job's log. */
async function logsOf(id: string): Promise<string[]> {
  const { job } = await hangar.sdk.job({ id });
  if (!job) throw new Error(`no job ${id}`);
  return job.logs;
}

/** The one job a single-host mutation started. */
function onlyJob(payload: JobsPayload): Job {
  expect(payload.userErrors).toEqual([]);
  expect(payload.jobs).toHaveLength(1);
  return payload.jobs![0]!;
}

/** Serves files over HTTP on 127.0.0.1 (engines and workers run on this machine); `files` can change while it runs. */
async function serveFiles(files: Map<string, Buffer>): Promise<{ base: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const body = files.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end('not here');
    res.writeHead(200, { 'content-type': 'application/x-tar', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('pull jobs', () => {
  it('pulls from the registry (with auth) onto three hosts, followed live, layer by layer', async () => {
    const ref = await pushedImage('pulled');
    const { pullImage: started } = await hangar.sdk.pullImage({ input: { ref, hosts: ENGINES } });
    expect(started.userErrors).toEqual([]);
    expect(started.jobs).toHaveLength(3);
    expect(started.batchId).toBeTruthy();
    const events: Job[] = [];
    for await (const { batchUpdated } of hangar.sdk.batchUpdated({ batchId: started.batchId! })) events.push(batchUpdated);
    for (const engine of ENGINES) {
      const mine = events.filter((j) => j.host === engine);
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
  });
});

describe('subscriptions', () => {
  it('refuses a connection without a valid token', async () => {
    const stranger = createHangarClient({ url: hangar.url, token: 'hgr_not-a-token', subscriptionRetryAttempts: 0 });
    try {
      const refused = await stranger.imageEvents()[Symbol.asyncIterator]().next().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(HangarError);
      expect(refused).toMatchObject({ code: 'UNAUTHENTICATED' });
      // Queries and mutations over HTTP are refused the same way.
      await expect(stranger.jobs()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    } finally {
      await stranger.close();
    }
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
      const started = onlyJob((await wrong.sdk.pushImage({ input: { ref, hosts: ['alpha'] } })).pushImage);
      expect(started).toMatchObject({ kind: 'PUSH', host: 'alpha', subject: ref });
      const job = await finished(started.id, wrong.sdk);
      expect(job.state).toBe('FAILED');
      expect(job.error!.code).toBe('REGISTRY_AUTH_FAILED');
      expect(job.attempts).toBe(1);
      expect(JSON.stringify(job)).not.toContain('definitely-wrong-password');
      expect(JSON.stringify(await wrong.sdk.job({ id: job.id }))).not.toContain('definitely-wrong-password');
    } finally {
      await wrong.stop();
    }
  });

  it('a build whose RUN step fails ends FAILED with that step’s output in the logs, not retried', async () => {
    const started = onlyJob(
      (
        await hangar.sdk.buildImage({
          input: {
            hosts: ['beta'],
            dockerfile: `FROM ${info.seed.baseRef}\nRUN echo step-one-${run}\nRUN echo before-the-failure-${run} && exit 3\n`,
            tags: [`jobs-${run}/broken:1`],
          },
        })
      ).buildImage,
    );
    const job = await finished(started.id);
    expect(job.state).toBe('FAILED');
    expect(job.attempts).toBe(1);
    expect(job.error!.message).toMatch(/returned a non-zero code: 3/);
    const lines = await logsOf(job.id);
    const logs = lines.join('\n');
    expect(logs).toContain(`step-one-${run}`);
    expect(logs).toContain(`before-the-failure-${run}`);
    // The same log through jobLogs: from its first line, and from its last line on.
    const { job: whole } = await hangar.sdk.jobLogs({ id: job.id, from: 0 });
    expect(whole).toMatchObject({ id: job.id, state: 'FAILED' });
    expect(whole!.logs).toEqual(lines);
    const { job: tail } = await hangar.sdk.jobLogs({ id: job.id, from: lines.length - 1 });
    expect(tail!.logs).toEqual(lines.slice(-1));
    const listed = await sandbox.docker('beta', ['image', 'ls', '-q', `jobs-${run}/broken`]);
    expect(listed.stdout.trim()).toBe('');
  });

  it('bad input starts nothing', async () => {
    const sdk = hangar.sdk;
    const cases: [string, () => Promise<JobsPayload>, string][] = [
      ['pullImage Not/Valid', async () => (await sdk.pullImage({ input: { ref: 'Not/Valid', hosts: ['alpha'] } })).pullImage, 'BAD_REQUEST'],
      ['pullImage on nope', async () => (await sdk.pullImage({ input: { ref: 'busybox', hosts: ['nope'] } })).pullImage, 'HOST_NOT_FOUND'],
      ['pullImage role=none', async () => (await sdk.pullImage({ input: { ref: 'busybox', hostSelector: { labels: ['role=none'] } } })).pullImage, 'BAD_REQUEST'],
      ['buildImage without a context', async () => (await sdk.buildImage({ input: { hosts: ['alpha'] } })).buildImage, 'BAD_REQUEST'],
      ['copyImage of a missing image', async () => (await sdk.copyImage({ input: { sourceHost: 'alpha', ref: 'jobs/nope:1', targetHosts: ['beta'] } })).copyImage, 'NOT_FOUND'],
      ['importImage from ftp://', async () => (await sdk.importImage({ input: { url: 'ftp://x/y.tar', hosts: ['alpha'] } })).importImage, 'BAD_REQUEST'],
      ['loadImage from ftp://', async () => (await sdk.loadImage({ input: { url: 'ftp://x/y.tar', hosts: ['alpha'] } })).loadImage, 'BAD_REQUEST'],
      ['pushImage of a digest', async () => (await sdk.pushImage({ input: { ref: `${info.registry.host}/jobs/x@sha256:${'0'.repeat(64)}`, hosts: ['alpha'] } })).pushImage, 'BAD_REQUEST'],
    ];
    for (const [what, start, code] of cases) {
      const payload = await start();
      expect(payload.jobs, what).toEqual([]);
      expect(payload.userErrors[0]?.code, what).toBe(code);
    }
  });
});

describe('no default hosts', () => {
  /** `docker image ls -a` (IDs and tags) on every engine. */
  const everyEngine = () =>
    Promise.all(ENGINES.map(async (engine) => (await sandbox.docker(engine, ['image', 'ls', '-a', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'])).stdout.split('\n').sort().join('\n')));

  it('a job mutation without hosts, with hosts: [], an empty selector, or allHosts with names starts nothing and changes no engine', async () => {
    const sdk = hangar.sdk;
    const ref = await pushedImage(`nowhere-${Math.random().toString(36).slice(2, 6)}`);
    const local = `jobs-${run}/stay-home:${ref.length}`;
    await sandbox.docker('alpha', ['build', '-q', '-t', local, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo "stay ${run} ✓" > /s\n` });
    const url = `http://127.0.0.1:9/${run}/image.tar`;
    type Selection = { hosts?: string[]; hostSelector?: { names?: string[]; labels?: string[] }; allHosts?: boolean };
    const selections: [Selection, string][] = [
      [{}, 'hosts'],
      [{ hosts: [] }, 'hosts'],
      [{ hostSelector: {} }, 'hostSelector'],
      [{ hostSelector: { names: [], labels: [] } }, 'hostSelector'],
      [{ allHosts: false }, 'hosts'],
      [{ hosts: ['beta'], allHosts: true }, 'allHosts'],
      [{ hostSelector: { labels: ['role=none'] }, allHosts: true }, 'allHosts'],
    ];
    const jobsBefore = (await sdk.jobs({ first: 1000 })).jobs.totalCount;
    const before = await everyEngine();
    for (const [selection, field] of selections) {
      const target = { targetHosts: selection.hosts, targetSelector: selection.hostSelector, allHosts: selection.allHosts };
      const targetField = field === 'hosts' ? 'targetHosts' : field === 'hostSelector' ? 'targetSelector' : field;
      const cases: [string, () => Promise<JobsPayload>, string][] = [
        ['pullImage', async () => (await sdk.pullImage({ input: { ref, ...selection } })).pullImage, field],
        ['pushImage', async () => (await sdk.pushImage({ input: { ref, ...selection } })).pushImage, field],
        ['buildImage', async () => (await sdk.buildImage({ input: { dockerfile: `FROM ${info.seed.baseRef}\n`, tags: [local], ...selection } })).buildImage, field],
        ['importImage', async () => (await sdk.importImage({ input: { url, repo: `jobs-${run}/imported`, ...selection } })).importImage, field],
        ['loadImage', async () => (await sdk.loadImage({ input: { url, ...selection } })).loadImage, field],
        ['copyImage', async () => (await sdk.copyImage({ input: { sourceHost: 'alpha', ref: local, ...target } })).copyImage, targetField],
      ];
      for (const [what, start, at] of cases) {
        const payload = await start();
        const label = `${what} ${JSON.stringify(selection)}`;
        expect(payload.jobs, label).toEqual([]);
        expect(payload.batchId, label).toBeNull();
        expect(payload.userErrors, label).toContainEqual({ code: 'BAD_REQUEST', message: expect.any(String), field: ['input', at], host: null });
      }
    }
    expect((await sdk.jobs({ first: 1000 })).jobs.totalCount).toBe(jobsBefore);
    expect(await everyEngine()).toEqual(before);
  });

  it('allHosts: every host that is up gets a job; a stopped engine is a HOST_UNREACHABLE user error and gets none', async () => {
    const sdk = hangar.sdk;
    const ref = await pushedImage('everywhere');
    const local = `jobs-${run}/spread:${Math.random().toString(36).slice(2, 8)}`;
    await sandbox.docker('alpha', ['build', '-q', '-t', local, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo spread-${run} > /s\n` });
    const sourceId = (await sandbox.docker('alpha', ['image', 'inspect', local, '--format', '{{.Id}}'])).stdout.trim();
    const gammaDown = { code: 'HOST_UNREACHABLE', message: expect.stringMatching(/^gamma is down, nothing was started on it: .*(refused|connect)/i), field: ['input', 'allHosts'], host: 'gamma' };
    let pulled: JobsPayload;
    let copied: JobsPayload;
    try {
      await sandbox.stopEngine('gamma');
      pulled = (await sdk.pullImage({ input: { ref, allHosts: true } })).pullImage;
      copied = (await sdk.copyImage({ input: { sourceHost: 'alpha', ref: local, allHosts: true } })).copyImage;
      expect(pulled.userErrors).toEqual([gammaDown]);
      expect(pulled.jobs!.map((job) => job.host).sort()).toEqual(['alpha', 'beta']);
      expect(copied.userErrors).toEqual([gammaDown]);
      expect(copied.jobs!.map((job) => job.host)).toEqual(['beta']);
      for (const job of [...pulled.jobs!, ...copied.jobs!]) {
        const final = await finished(job.id);
        expect(final.state, JSON.stringify(final.error)).toBe('COMPLETED');
      }
    } finally {
      await sandbox.startEngine('gamma');
    }
    for (const engine of ['alpha', 'beta'] as const) expect((await sandbox.docker(engine, ['image', 'ls', '-q', ref])).stdout.trim()).not.toBe('');
    expect((await sandbox.docker('beta', ['image', 'inspect', local, '--format', '{{.Id}}'])).stdout.trim()).toBe(sourceId);
    // gamma got nothing, and no job for it was ever made in either batch.
    expect((await sandbox.docker('gamma', ['image', 'ls', '-q', ref])).stdout.trim()).toBe('');
    expect((await sandbox.docker('gamma', ['image', 'ls', '-q', local])).stdout.trim()).toBe('');
    for (const payload of [pulled!, copied!]) {
      const { jobs } = await sdk.jobs({ filter: { batchId: payload.batchId! }, first: 100 });
      expect(jobs.nodes.map((job) => job.host)).not.toContain('gamma');
    }
    // With gamma back, allHosts copies there too (the source is never a target).
    const again = (await sdk.copyImage({ input: { sourceHost: 'alpha', ref: local, allHosts: true } })).copyImage;
    expect(again.userErrors).toEqual([]);
    expect(again.jobs!.map((job) => job.host).sort()).toEqual(['beta', 'gamma']);
    for (const job of again.jobs!) expect((await finished(job.id)).state).toBe('COMPLETED');
    expect((await sandbox.docker('gamma', ['image', 'inspect', local, '--format', '{{.Id}}'])).stdout.trim()).toBe(sourceId);
  });
});

describe('build, copy and dedupe', () => {
  it('builds from an inline Dockerfile with files, args and labels; the output is the log', async () => {
    const tag = `jobs-${run}/built:1`;
    const started = onlyJob(
      (
        await hangar.sdk.buildImage({
          input: {
            hosts: ['gamma'],
            dockerfile: `FROM ${info.seed.baseRef}\nARG GREETING\nCOPY hello.txt /hello.txt\nRUN echo "$GREETING" > /greeting\n`,
            files: [{ path: 'hello.txt', content: `hello ${run}\n` }],
            buildArgs: [{ key: 'GREETING', value: `hi-${run}` }],
            labels: [{ key: 'org.hangar.built', value: run }],
            tags: [tag],
          },
        })
      ).buildImage,
    );
    expect(started.kind).toBe('BUILD');
    const job = await finished(started.id);
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
    const started = onlyJob((await hangar.sdk.copyImage({ input: { sourceHost: 'alpha', ref, targetHosts: ['gamma'] } })).copyImage);
    expect(started).toMatchObject({ kind: 'COPY', host: 'gamma' });
    const job = await finished(started.id);
    expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');
    const targetId = (await sandbox.docker('gamma', ['image', 'inspect', ref, '--format', '{{.Id}}'])).stdout.trim();
    expect(targetId).toBe(sourceId);
    expect(job.result!.imageId).toBe(sourceId);
  });

  it('two identical pulls at once make one job', async () => {
    const ref = await pushedImage('dedupe');
    const pull = async () => (await hangar.sdk.pullImage({ input: { ref, hosts: ['beta'] } })).pullImage;
    const [a, b] = await Promise.all([pull(), pull()]);
    expect(a.jobs![0]!.id).toBe(b.jobs![0]!.id);
    const job = await finished(a.jobs![0]!.id);
    expect(job.state).toBe('COMPLETED');
    // Once it is done, the same pull is a new job.
    const again = await pull();
    expect(again.jobs![0]!.id).not.toBe(a.jobs![0]!.id);
  });
});

describe('import and load from a URL, and retry', () => {
  it('imports a rootfs tar the engine downloads from a URL, as an IMPORT job with the message and changes asked for', async () => {
    // A rootfs that can run: the exported filesystem of a container of an image with a file of this run's.
    const source = `jobs-${run}/rootfs-source:1`;
    await sandbox.docker('beta', ['build', '-q', '-t', source, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo imported-${run} > /hello.txt\n` });
    const container = `jobs-${run}-rootfs`;
    await sandbox.docker('beta', ['create', '--name', container, source]);
    const dir = mkdtempSync(join(info.dir, 'rootfs-'));
    try {
      await sandbox.docker('beta', ['export', '-o', join(dir, 'rootfs.tar'), container]);
    } finally {
      await sandbox.docker('beta', ['rm', container]);
      await sandbox.docker('beta', ['rmi', source]);
    }
    const server = await serveFiles(new Map([['/rootfs.tar', readFileSync(join(dir, 'rootfs.tar'))]]));
    const ref = `jobs-${run}/imported:v1`;
    try {
      const started = onlyJob(
        (
          await hangar.sdk.importImage({
            input: { url: `${server.base}/rootfs.tar`, hosts: ['gamma'], repo: `jobs-${run}/imported`, tag: 'v1', message: `imported by ${run}`, changes: ['CMD ["cat", "/hello.txt"]'] },
          })
        ).importImage,
      );
      expect(started).toMatchObject({ kind: 'IMPORT', host: 'gamma' });
      const job = await finished(started.id);
      expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');
      expect(job.result!.repoTags).toEqual([ref]);
      expect(server.requests).toEqual(['GET /rootfs.tar']);
      const { stdout } = await sandbox.docker('gamma', ['image', 'inspect', ref, '--format', '{{.Id}}|{{json .Config.Cmd}}|{{.Comment}}']);
      expect(stdout.trim()).toBe(`${job.result!.imageId}|["cat","/hello.txt"]|imported by ${run}`);
      const cat = await sandbox.docker('gamma', ['run', '--rm', '--network', 'none', ref]);
      expect(cat.stdout).toBe(`imported-${run}\n`);
    } finally {
      await server.close();
    }
  });

  it('a load from a URL that is not there yet FAILS once; retryJob runs the same job again and it loads the archive', async () => {
    const ref = `jobs-${run}/loaded:1`;
    await sandbox.docker('alpha', ['build', '-q', '-t', ref, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo loaded-${run} > /l\n` });
    const imageId = (await sandbox.docker('alpha', ['image', 'inspect', ref, '--format', '{{.Id}}'])).stdout.trim();
    const dir = mkdtempSync(join(info.dir, 'load-'));
    await sandbox.docker('alpha', ['save', '-o', join(dir, 'image.tar'), ref]);
    const files = new Map<string, Buffer>();
    const server = await serveFiles(files);
    try {
      const url = `${server.base}/image.tar`;
      const started = onlyJob((await hangar.sdk.loadImage({ input: { url, hosts: ['beta'] } })).loadImage);
      expect(started).toMatchObject({ kind: 'LOAD', host: 'beta' });
      const failed = await finished(started.id);
      expect(failed.state).toBe('FAILED');
      expect(failed.attempts).toBe(1);
      expect(failed.error).toMatchObject({ code: 'BAD_REQUEST', message: `GET ${url} answered 404` });
      expect(server.requests).toEqual(['GET /image.tar']);

      // The archive is there now: the same job, run again, loads it.
      files.set('/image.tar', readFileSync(join(dir, 'image.tar')));
      const { retryJob: retried } = await hangar.sdk.retryJob({ id: failed.id });
      expect(retried.userErrors).toEqual([]);
      expect(retried.jobs!.map((j) => j.id)).toEqual([failed.id]);
      expect(retried.jobs![0]!.state).not.toBe('FAILED');
      const [job] = await hangar.sdk.run.batch(retried).done();
      expect(job).toMatchObject({ id: failed.id, state: 'COMPLETED', error: null, result: { imageId } });
      expect(job!.result!.repoTags).toEqual([ref]);
      expect((await finished(failed.id)).state).toBe('COMPLETED');
      expect(server.requests).toEqual(['GET /image.tar', 'GET /image.tar']);
      expect((await sandbox.docker('beta', ['image', 'inspect', ref, '--format', '{{.Id}}'])).stdout.trim()).toBe(imageId);

      // Only a failed or cancelled job can be retried; an unknown one is not found.
      const again = (await hangar.sdk.retryJob({ id: failed.id })).retryJob;
      expect(again).toMatchObject({ jobs: [], userErrors: [{ code: 'CONFLICT', field: ['id'] }] });
      const unknown = (await hangar.sdk.retryJob({ id: `beta@load-nope${run}` })).retryJob;
      expect(unknown).toMatchObject({ jobs: [], userErrors: [{ code: 'NOT_FOUND', field: ['id'] }] });
    } finally {
      await server.close();
    }
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
    const id = onlyJob((await hangar.sdk.pullImage({ input: { ref, hosts: ['gamma'] } })).pullImage).id;
    await waitForJob(id, (j) => (j.progress?.bytesDone ?? 0) > 0 || (j.state !== 'QUEUED' && j.state !== 'ACTIVE'), 60_000);
    const { cancelJob: cancelled } = await hangar.sdk.cancelJob({ id });
    expect(cancelled.userErrors).toEqual([]);
    expect(cancelled.jobs!.map((j) => j.id)).toEqual([id]);
    const job = await waitForJob(id, (j) => j.state !== 'ACTIVE' && j.state !== 'QUEUED', 60_000);
    expect(job.state).toBe('CANCELLED');
    expect(job.error!.code).toBe('CANCELLED');
    // Give the engine a moment to drop the aborted pull, then look: no tag.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await sandbox.docker('gamma', ['image', 'ls', '-q', ref])).stdout.trim()).toBe('');
    const again = await hangar.sdk.cancelJob({ id });
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

  const until = (id: string, done: (j: Job) => boolean, timeoutMs = 120_000) => waitForJob(id, done, timeoutMs, api.sdk);

  it('a worker killed mid-pull: another worker finishes the job; one job record, one image', async () => {
    const ref = await bigImage();
    const first = await startWorkerProcess(info.dir, workerConfig(), { HANGAR_TEST_REGISTRY_PASSWORD: info.registry.password });
    workers.push(first);
    const id = onlyJob((await api.sdk.pullImage({ input: { ref, hosts: ['beta'] } })).pullImage).id;
    await until(id, (j) => j.state === 'ACTIVE' && (j.progress?.bytesDone ?? 0) > 0, 60_000);
    await first.kill('SIGKILL');
    // Followed by subscription on the API process while the job runs in another process.
    const followed = (async () => {
      const updates: Job[] = [];
      for await (const { jobUpdated } of api.sdk.jobUpdated({ id })) updates.push(jobUpdated);
      return updates;
    })();
    const second = await startWorkerProcess(info.dir, workerConfig(), { HANGAR_TEST_REGISTRY_PASSWORD: info.registry.password });
    workers.push(second);
    const updates = await followed;
    expect(updates.at(-1)!.state).toBe('COMPLETED');
    expect(updates.some((u) => (u.progress?.bytesDone ?? 0) > 0)).toBe(true);
    const job = await until(id, isFinished);
    expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');
    const all = await api.sdk.jobs({ filter: { hosts: ['beta'], kinds: ['PULL'] }, first: 1000 });
    expect(all.jobs.nodes.filter((j) => j.subject === ref).map((j) => ({ id: j.id, subject: j.subject }))).toEqual([{ id, subject: ref }]);
    const listed = (await sandbox.docker('beta', ['image', 'ls', '--format', '{{.ID}}', ref])).stdout.trim().split('\n');
    expect(listed).toHaveLength(1);
    expect(second.output()).toContain(`job ${id}`);
  });

  it('maxConcurrentJobs 1 holds across two worker processes (observed from the job records)', async () => {
    const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    while (alive().length < 2) workers.push(await startWorkerProcess(info.dir, workerConfig(), { HANGAR_TEST_REGISTRY_PASSWORD: info.registry.password }));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { buildImage } = await api.sdk.buildImage({
        input: { hosts: ['beta'], dockerfile: `FROM ${info.seed.baseRef}\nRUN sleep 1 && echo ${run}-${i} > /n\n`, tags: [`jobs-${run}/conc:${i}`] },
      });
      ids.push(onlyJob(buildImage).id);
    }
    const spans: [number, number][] = [];
    for (const id of ids) {
      const job = await until(id, isFinished);
      expect(job.state).toBe('COMPLETED');
      spans.push([Date.parse(job.startedAt!), Date.parse(job.finishedAt!)]);
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
    const add = await hangar.sdk.addRegistry({ input: { name, url: info.registry.url, username: info.registry.username, password: info.registry.password } });
    expect(add.addRegistry).toEqual({
      registry: { name, url: info.registry.url, host: info.registry.host, kind: 'DISTRIBUTION', username: info.registry.username, hasPassword: true },
      userErrors: [],
    });
    const { Redis } = await import('ioredis');
    const redis = new Redis(info.redisUrl);
    try {
      const stored = await redis.hget('{hangar}:registries', name);
      expect(stored).toBeTruthy();
      expect(stored).not.toContain(info.registry.password);
    } finally {
      redis.disconnect();
    }
    const login = await hangar.sdk.testRegistryLogin({ name });
    expect(login.testRegistryLogin).toEqual({ ok: true, userErrors: [] });
    const listed = await hangar.sdk.registries();
    expect(listed.registries.map((r) => r.name)).toContain(name);
    expect(listed.registries.find((r) => r.name === name)).toMatchObject({ username: info.registry.username, hasPassword: true });
    expect(JSON.stringify(listed)).not.toContain(info.registry.password);
    // A pull through the added registry's credentials (chosen by name), followed with the SDK's handle.
    const ref = await pushedImage('via-added');
    const batch = await hangar.sdk.run.pull({ ref, hosts: ['gamma'], registry: name });
    expect(batch.userErrors).toEqual([]);
    const [pulled] = await batch.done();
    expect(pulled!.state).toBe('COMPLETED');
    expect((await sandbox.docker('gamma', ['image', 'inspect', ref, '--format', '{{.Id}}'])).stdout.trim()).toBe(pulled!.result!.imageId);
    const removed = await hangar.sdk.removeRegistry({ name });
    expect(removed.removeRegistry).toEqual({ removed: true, userErrors: [] });
    expect((await hangar.sdk.registries()).registries.map((r) => r.name)).not.toContain(name);
    const bad = await hangar.sdk.addRegistry({ input: { name: `bad-${run}`, url: info.registry.url, username: 'hangar', password: 'wrong-one' } });
    expect(bad.addRegistry.userErrors).toEqual([]);
    const denied = await hangar.sdk.testRegistryLogin({ name: `bad-${run}` });
    expect(denied.testRegistryLogin.ok).toBe(false);
    expect(denied.testRegistryLogin.userErrors[0]!.code).toBe('REGISTRY_AUTH_FAILED');
    expect(denied.testRegistryLogin.userErrors[0]!.field).toEqual(['name']);
    expect(JSON.stringify(denied)).not.toContain('wrong-one');
    // Leave Redis as found: other test files list the registries.
    expect((await hangar.sdk.removeRegistry({ name: `bad-${run}` })).removeRegistry.removed).toBe(true);
  });
});

describe('uploaded build contexts and image events', () => {
  it('builds from an uploaded context tar while an imageEvents subscription sees the tag', async () => {
    const dir = mkdtempSync(join(info.dir, 'ctx-'));
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${info.seed.baseRef}\nCOPY data.txt /data.txt\n`);
    writeFileSync(join(dir, 'data.txt'), `uploaded ${run}\n`);
    const tar = execFileSync('tar', ['-C', dir, '-c', 'Dockerfile', 'data.txt']);
    const upload = await hangar.sdk.archives.uploadBuildContext({ context: tar });
    expect(upload).toMatchObject({ key: expect.any(String), bytes: tar.length });
    const notTar = await hangar.sdk.archives.uploadBuildContext({ context: new TextEncoder().encode('hello') }).catch((error: unknown) => error);
    expect(notTar).toBeInstanceOf(HangarError);
    expect(notTar).toMatchObject({ code: 'BAD_REQUEST', status: 400 });

    const seen: ImageEventsSubscription['imageEvents'][] = [];
    const tag = `jobs-${run}/uploaded:1`;
    const stop = new AbortController();
    const events = (async () => {
      for await (const { imageEvents } of hangar.sdk.imageEvents({ hosts: ['alpha'] }, { signal: stop.signal })) {
        seen.push(imageEvents);
        if (imageEvents.action === 'tag' && imageEvents.ref === tag) return;
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = onlyJob((await hangar.sdk.buildImage({ input: { hosts: ['alpha'], contextUpload: upload.key, tags: [tag] } })).buildImage);
      const job = await finished(started.id);
      expect(job.state, JSON.stringify(job.error)).toBe('COMPLETED');
      const cat = await sandbox.docker('alpha', ['run', '--rm', '--network', 'none', tag, 'cat', '/data.txt']);
      expect(cat.stdout).toBe(`uploaded ${run}\n`);
      await Promise.race([events, new Promise((_, reject) => setTimeout(() => reject(new Error(`no tag event: ${JSON.stringify(seen)}`)), 15_000))]);
      expect(seen.some((e) => e.host === 'alpha' && e.action === 'tag')).toBe(true);
    } finally {
      stop.abort();
      await events.catch(() => undefined);
    }
  });
});
