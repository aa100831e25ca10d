// Benchmark: how long a job waits between being enqueued and being started. 500 cheap jobs (pulls onto alpha of a
// tiny image alpha already has, each under its own tag so that none is deduplicated into another) go to one host
// whose maxConcurrentJobs is 64, with the workers in this process (as `npm start` runs them). For each job: the
// time from the `pullImage` mutation's answer (this process's clock) to the job's `startedAt` (BullMQ processedOn,
// set by the worker in this process), and from its `createdAt` (BullMQ timestamp) to `startedAt`. Two phases:
// the mutations one at a time, then 20 in flight at once. Prints p50/p90/p99, totals; asserts nothing.
// BENCH_JOBS (default 500 per phase), BENCH_CLIENTS (default "1,20": mutations in flight, one phase each).
import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '@hangar/system';
import { startSandbox, type SandboxInfo } from '../sandbox/index.js';
import { sandboxHost, startTestHangar, type TestHangar } from '../e2e/support/hangar.js';
import { query } from '../e2e/support/graphql.js';
import { percentile } from './stats.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 500);
const CLIENTS = (process.env.BENCH_CLIENTS ?? '1,20').split(',').map(Number);
const MAX_CONCURRENT_JOBS = 64;
const POLL_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface JobTimes {
  id: string;
  state: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  error: { code: string; message: string } | null;
}

/** `count` more tags of one manifest, written straight to the registry (PUT /v2/<name>/manifests/<tag>). */
async function addTags(info: SandboxInfo, repository: string, from: string, tags: string[]): Promise<void> {
  const auth = `Basic ${Buffer.from(`${info.registry.username}:${info.registry.password}`).toString('base64')}`;
  const accept = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';
  const source = await fetch(`${info.registry.url}/v2/${repository}/manifests/${from}`, { headers: { authorization: auth, accept } });
  if (!source.ok) throw new Error(`GET manifest ${repository}:${from}: ${source.status} ${await source.text()}`);
  const contentType = source.headers.get('content-type')!;
  const body = Buffer.from(await source.arrayBuffer());
  for (let i = 0; i < tags.length; i += 20) {
    await Promise.all(
      tags.slice(i, i + 20).map(async (tag) => {
        const put = await fetch(`${info.registry.url}/v2/${repository}/manifests/${tag}`, { method: 'PUT', headers: { authorization: auth, 'content-type': contentType }, body });
        if (put.status !== 201) throw new Error(`PUT manifest ${repository}:${tag}: ${put.status} ${await put.text()}`);
      }),
    );
  }
}

/** Many jobs by ID in one GraphQL request each 50 (`job(id)` reads a job's state before its record). */
async function readJobs(hangar: TestHangar, ids: string[]): Promise<JobTimes[]> {
  const views: JobTimes[] = [];
  for (let i = 0; i < ids.length; i += 50) {
    const chunk = ids.slice(i, i + 50);
    const text = `query { ${chunk.map((id, k) => `j${k}: job(id: ${JSON.stringify(id)}) { id state createdAt startedAt finishedAt attempts error { code message } }`).join(' ')} }`;
    const data = await query<Record<string, JobTimes>>(hangar.url, hangar.token, text);
    views.push(...chunk.map((_id, k) => data[`j${k}`]!));
  }
  return views;
}

/** Most jobs running at once, from their [startedAt, finishedAt] spans. */
function maxOverlap(jobs: JobTimes[]): number {
  const events = jobs.flatMap((j) => [
    [Date.parse(j.startedAt!), 1],
    [Date.parse(j.finishedAt!), -1],
  ]) as [number, number][];
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let most = 0;
  for (const [, delta] of events) most = Math.max(most, (running += delta));
  return most;
}

const fmt = (ms: number) => `${ms.toFixed(1).padStart(8)} ms`;
const stats = (name: string, samples: number[]) =>
  `${name.padEnd(46)} p50 ${fmt(percentile(samples, 50))}   p90 ${fmt(percentile(samples, 90))}   p99 ${fmt(percentile(samples, 99))}   max ${fmt(Math.max(...samples))}`;

const sandbox = await startSandbox({ seed: false, log: (l) => process.stderr.write(`[sandbox] ${l}\n`) });
try {
  const { info } = sandbox;
  // A tiny image (one small file, imported), pushed from alpha, and kept on alpha: every pull finds its layer there.
  const dir = mkdtempSync(join(info.dir, 'bench-latency-'));
  writeFileSync(join(dir, 'hello'), 'hello\n');
  const tar = (await run('tar', ['-C', dir, '-c', 'hello'])).stdout;
  const repository = 'bench/tiny';
  const ref0 = `${info.registry.host}/${repository}:0`;
  await sandbox.docker('alpha', ['import', '-', ref0], { input: tar });
  await sandbox.docker('alpha', ['login', '--username', info.registry.username, '--password-stdin', info.registry.host], { input: info.registry.password });
  await sandbox.docker('alpha', ['push', ref0]);
  const totalJobs = JOBS * CLIENTS.length;
  const t = Date.now();
  await addTags(info, repository, '0', [...Array.from({ length: totalJobs }, (_, i) => `t${i + 1}`), 'w1', 'w2', 'w3']);
  console.log(`tiny image ${ref0} on alpha and in the registry, with ${totalJobs} more tags (written in ${((Date.now() - t) / 1000).toFixed(1)} s)`);

  process.env.BENCH_REGISTRY_PASSWORD = info.registry.password;
  const hangar = await startTestHangar(info, {
    hosts: [{ ...sandboxHost(info, 'alpha'), maxConcurrentJobs: MAX_CONCURRENT_JOBS }],
    registries: [{ name: 'sandbox', url: info.registry.url, username: info.registry.username, passwordEnv: 'BENCH_REGISTRY_PASSWORD' }],
  });
  try {
    // Warm-up: a few jobs, so the first measured ones do not pay for module loading and JIT.
    const warm = await Promise.all(
      ['w1', 'w2', 'w3'].map(async (tag) => (await query<{ pullImage: { jobs: { id: string }[] } }>(hangar.url, hangar.token, 'mutation($input: PullImageInput!) { pullImage(input: $input) { jobs { id } } }', { input: { ref: `${info.registry.host}/${repository}:${tag}`, hosts: ['alpha'] } })).pullImage.jobs[0]!.id),
    );
    for (;;) {
      const views = await readJobs(hangar, warm);
      if (views.every((v) => !['QUEUED', 'ACTIVE'].includes(v.state))) break;
      await sleep(POLL_MS);
    }

    let nextTag = 1;
    for (const clients of CLIENTS) {
      const answered = new Map<string, number>();
      const sentAt = new Map<string, number>();
      const tags = Array.from({ length: JOBS }, () => `t${nextTag++}`);
      const phaseStarted = Date.now();
      let cursor = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (cursor < tags.length) {
            const tag = tags[cursor++]!;
            const sent = Date.now();
            const payload = (
              await query<{ pullImage: { jobs: { id: string }[] | null; userErrors: unknown[] } }>(
                hangar.url,
                hangar.token,
                'mutation($input: PullImageInput!) { pullImage(input: $input) { jobs { id } userErrors { code message } } }',
                { input: { ref: `${info.registry.host}/${repository}:${tag}`, hosts: ['alpha'] } },
              )
            ).pullImage;
            const at = Date.now();
            if (payload.userErrors.length || payload.jobs?.length !== 1) throw new Error(`pullImage ${tag}: ${JSON.stringify(payload)}`);
            answered.set(payload.jobs[0]!.id, at);
            sentAt.set(payload.jobs[0]!.id, sent);
          }
        }),
      );
      const enqueuedIn = Date.now() - phaseStarted;
      const ids = [...answered.keys()];
      let pending = ids;
      for (;;) {
        const now = await readJobs(hangar, pending);
        pending = now.filter((v) => v.state === 'QUEUED' || v.state === 'ACTIVE').map((v) => v.id);
        if (pending.length === 0) break;
        await sleep(POLL_MS);
      }
      const allSeenDone = Date.now();
      const views = await readJobs(hangar, ids);
      const failed = views.filter((v) => v.state !== 'COMPLETED');
      const ok = views.filter((v) => v.state === 'COMPLETED' && v.startedAt && v.finishedAt);
      const fromAnswer = ok.map((v) => Date.parse(v.startedAt!) - answered.get(v.id)!);
      const fromCreated = ok.map((v) => Date.parse(v.startedAt!) - Date.parse(v.createdAt));
      const fromSent = ok.map((v) => Date.parse(v.startedAt!) - sentAt.get(v.id)!);
      const mutationMs = ids.map((id) => answered.get(id)! - sentAt.get(id)!);
      const runMs = ok.map((v) => Date.parse(v.finishedAt!) - Date.parse(v.startedAt!));
      const lastFinished = Math.max(...ok.map((v) => Date.parse(v.finishedAt!)));
      const retried = views.filter((v) => v.attempts > 1).length;

      console.log(`\n${JOBS} pull jobs onto alpha (tiny image already there, one tag each; maxConcurrentJobs ${MAX_CONCURRENT_JOBS}, workers in-process), ${clients} mutation(s) in flight`);
      console.log(`completed ${ok.length}, not completed ${failed.length}${failed.length ? ` (${JSON.stringify(failed[0]!.error)})` : ''}, retried ${retried}`);
      console.log(stats('enqueue (mutation answered) -> startedAt', fromAnswer));
      console.log(`  started before the mutation's answer arrived: ${fromAnswer.filter((d) => d < 0).length} of ${fromAnswer.length}`);
      console.log(stats('createdAt (BullMQ timestamp) -> startedAt', fromCreated));
      console.log(stats('mutation sent -> startedAt', fromSent));
      console.log(stats('mutation round trip', mutationMs));
      console.log(stats('job run (startedAt -> finishedAt)', runMs));
      console.log(`most jobs running at once: ${maxOverlap(ok)} (the host's limit is ${MAX_CONCURRENT_JOBS})`);
      // The jobs that had no reason to wait: at their createdAt, fewer than the limit were running and no job
      // created before them was still waiting. Their wait is the dispatch itself, not a queue.
      const spans = ok.map((v) => ({ id: v.id, created: Date.parse(v.createdAt), started: Date.parse(v.startedAt!), finished: Date.parse(v.finishedAt!) }));
      const free = spans.filter(
        (j) =>
          spans.filter((o) => o.started <= j.created && o.finished > j.created).length < MAX_CONCURRENT_JOBS &&
          !spans.some((o) => o.created < j.created && o.started > j.created),
      );
      if (free.length) {
        console.log(`jobs that found a free slot and nobody waiting ahead: ${free.length} of ${ok.length}`);
        console.log(stats('  for those: enqueue (answered) -> startedAt', free.map((j) => j.started - answered.get(j.id)!)));
        console.log(stats('  for those: createdAt -> startedAt', free.map((j) => j.started - j.created)));
      } else {
        console.log(`jobs that found a free slot and nobody waiting ahead: 0 of ${ok.length} (every wait above is queueing behind the limit)`);
      }
      console.log(`total: ${JOBS} enqueued in ${(enqueuedIn / 1000).toFixed(2)} s (${((1000 * JOBS) / enqueuedIn).toFixed(0)} /s); first mutation -> last job finished ${((lastFinished - phaseStarted) / 1000).toFixed(2)} s; -> all seen ended by polling ${((allSeenDone - phaseStarted) / 1000).toFixed(2)} s`);
    }
  } finally {
    await hangar.stop();
  }
} finally {
  await sandbox.stop();
}
