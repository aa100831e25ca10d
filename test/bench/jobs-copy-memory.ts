// Benchmark: the memory of a worker PROCESS (apps/worker/src/main.ts, started with startWorkerProcess, as in
// production) while it runs a `copyImage` job of a ~1 GB image from alpha to beta (the engine's save stream piped
// into the other engine's load). The API runs in this process with `{ workers: false }`, on the sandbox's Redis,
// so only the worker process does the copy. The worker's VmRSS is read from /proc/PID/status every 50 ms. Prints
// baseline, peak, growth, bytes copied and throughput; asserts nothing. BENCH_IMAGE_MB (default 1024).
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type EngineName } from '../sandbox/index.js';
import { sandboxHost, startTestHangar } from '../e2e/support/hangar.js';
import { query } from '../e2e/support/graphql.js';
import { startWorkerProcess, type WorkerProcess } from '../e2e/support/worker-process.js';
import { median } from './stats.js';
import { buildRandomImage, mb, memoryOf } from './fixtures.js';

const IMAGE_MB = Number(process.env.BENCH_IMAGE_MB ?? 1024);
const LAYERS = 4;
const SAMPLE_MS = 50;
const POLL_MS = 200;
const HOSTS: EngineName[] = ['alpha', 'beta'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface JobView {
  id: string;
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
  result: { imageId: string | null; bytes: number | null } | null;
  progress: { bytesDone: number | null } | null;
}

const sandbox = await startSandbox({ seed: false, log: (l) => process.stderr.write(`[sandbox] ${l}\n`) });
let worker: WorkerProcess | undefined;
try {
  const { info } = sandbox;
  const ref = 'bench/big:1';
  const t = Date.now();
  await buildRandomImage(sandbox, 'alpha', ref, IMAGE_MB, LAYERS);
  const size = Number((await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{.Size}}', ref])).stdout.trim());
  const sourceId = (await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
  console.log(`image ${ref} on alpha: ${mb(size).toFixed(0)} MB in ${LAYERS} layers of random bytes (${sourceId.slice(0, 19)}), built in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const config = { redis: { url: info.redisUrl }, hosts: HOSTS.map((name) => sandboxHost(info, name)) };
  const api = await startTestHangar(info, config, { workers: false });
  try {
    worker = await startWorkerProcess(info.dir, config);
    const pid = worker.child.pid!;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    console.log(`worker process: pid ${pid} (${cmdline.map((a) => a.replace(/^.*\/(apps\/)/, '$1')).join(' ')}); API in the bench process with workers: false`);

    const samples: { at: number; rss: number }[] = [];
    const timer = setInterval(() => {
      const memory = memoryOf(pid);
      if (memory) samples.push({ at: Date.now(), rss: memory.rss });
    }, SAMPLE_MS);
    const between = (from: number, to: number) => samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.rss);

    await sleep(3000); // settle: the worker's first Redis round trips, JIT
    const baselineFrom = Date.now() - 1500;
    const baseline = median(between(baselineFrom, Date.now()));
    const hwmBefore = memoryOf(pid)?.hwm ?? NaN;

    const started = Date.now();
    const payload = (
      await query<{ copyImage: { jobs: { id: string }[] | null; userErrors: unknown[] } }>(
        api.url,
        api.token,
        'mutation($input: CopyImageInput!) { copyImage(input: $input) { jobs { id } userErrors { code message } } }',
        { input: { sourceHost: 'alpha', ref, targetHosts: ['beta'] } },
      )
    ).copyImage;
    if (payload.userErrors.length || !payload.jobs?.[0]) throw new Error(`copyImage: ${JSON.stringify(payload)}`);
    const id = payload.jobs[0].id;
    let job: JobView;
    for (;;) {
      job = (await query<{ job: JobView }>(api.url, api.token, 'query($id: ID!) { job(id: $id) { id state startedAt finishedAt error { code message } result { imageId bytes } progress { bytesDone } } }', { id })).job;
      if (job.state === 'COMPLETED') break;
      if (job.state === 'FAILED' || job.state === 'CANCELLED') throw new Error(`copy job ${id}: ${JSON.stringify(job)}\n${worker.output()}`);
      await sleep(POLL_MS);
    }
    const finished = Date.now();
    await sleep(2000);
    clearInterval(timer);
    const during = between(started, finished);
    const after = between(finished + 500, finished + 2000);
    const peak = Math.max(...during);
    const peakAt = samples.find((s) => s.at >= started && s.at <= finished && s.rss === peak)!.at;
    const hwm = memoryOf(pid)?.hwm ?? NaN;
    const bytes = job.result?.bytes ?? 0;
    const jobSeconds = (Date.parse(job.finishedAt!) - Date.parse(job.startedAt!)) / 1000;
    const wallSeconds = (finished - started) / 1000;
    const betaId = (await sandbox.docker('beta', ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
    const ranIt = worker.output().includes(`job ${id} (`);

    console.log(`\ncopyImage alpha -> beta of ${mb(size).toFixed(0)} MB (${LAYERS} layers), job ${id}, run by the worker process: ${ranIt}; worker VmRSS every ${SAMPLE_MS} ms (${during.length} samples during the job)`);
    console.log(`same image ID on beta as on alpha: ${betaId === sourceId}`);
    console.log(`worker RSS baseline (idle, before the job)   ${mb(baseline).toFixed(1).padStart(8)} MB   (VmHWM before: ${mb(hwmBefore).toFixed(1)} MB)`);
    console.log(`worker RSS peak during the copy              ${mb(peak).toFixed(1).padStart(8)} MB   (at ${((peakAt - started) / 1000).toFixed(1)} s of ${wallSeconds.toFixed(1)} s; VmHWM after: ${mb(hwm).toFixed(1)} MB)`);
    console.log(`growth (peak - baseline)                     ${mb(peak - baseline).toFixed(1).padStart(8)} MB   (${((100 * (peak - baseline)) / bytes).toFixed(2)} % of the bytes copied)`);
    console.log(`worker RSS after the job (0.5-2 s later)     ${mb(median(after)).toFixed(1).padStart(8)} MB`);
    console.log(`bytes copied (tar loaded into beta)          ${String(bytes).padStart(11)} B = ${mb(bytes).toFixed(1)} MB`);
    console.log(`job startedAt -> finishedAt                  ${jobSeconds.toFixed(1).padStart(8)} s    ${(mb(bytes) / jobSeconds).toFixed(1)} MB/s`);
    console.log(`mutation -> COMPLETED seen (poll ${POLL_MS} ms)     ${wallSeconds.toFixed(1).padStart(8)} s    ${(mb(bytes) / wallSeconds).toFixed(1)} MB/s`);
  } finally {
    if (worker) {
      const w = worker;
      await Promise.race([w.kill('SIGTERM'), sleep(15_000)]);
      if (w.child.exitCode === null && w.child.signalCode === null) await w.kill('SIGKILL');
    }
    await api.stop();
  }
} finally {
  await sandbox.stop();
}
