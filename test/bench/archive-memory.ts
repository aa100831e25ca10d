// Benchmark: a ~1 GB image moved from alpha to beta through Hangar (export piped straight into load, both HTTP
// streams, no temp file) while Hangar's resident memory is sampled every 50 ms from /proc; then the same move with
// `docker save | docker load` for a time ratio. Hangar runs as its own process (`tsx apps/api/src/main.ts`).
// Prints figures; asserts nothing. BENCH_IMAGE_MB sets the image size (default 1024).
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, run, waitFor } from '@hangar/system';
import { startSandbox } from '../sandbox/index.js';
import { median } from './stats.js';
import { mb, memoryOf } from './fixtures.js';

const IMAGE_MB = Number(process.env.BENCH_IMAGE_MB ?? 1024);
const IMAGE_REF = 'bench/big:1';
const SAMPLE_MS = 50;
const STALL_TIMEOUT_MS = 2000;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** CPU seconds (user + system) a process has used, from /proc/PID/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The process serving: `tsx` relays to a child node process, which is the one to measure (not the launcher, not
 * the esbuild service tsx also starts): the descendant whose command line runs main.ts.
 */
function serverPid(launcher: number): number {
  const children = (pid: number) =>
    readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  const queue = children(launcher);
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (cmdline.some((arg) => arg.endsWith('apps/api/src/main.ts'))) return pid;
    queue.push(...children(pid));
  }
  return launcher;
}

function serverPidOrUndefined(launcher: number): number | undefined {
  try {
    return serverPid(launcher);
  } catch {
    return undefined;
  }
}

class Sampler {
  samples: { at: number; rss: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly pid: number) {}
  start(): void {
    this.timer = setInterval(() => {
      const memory = memoryOf(this.pid);
      if (memory) this.samples.push({ at: Date.now(), rss: memory.rss });
    }, SAMPLE_MS);
  }
  stop(): void {
    clearInterval(this.timer);
  }
  between(from: number, to: number): number[] {
    return this.samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.rss);
  }
}

const sandbox = await startSandbox({ seed: false, log: (line) => process.stderr.write(`[sandbox] ${line}\n`) });
let hangar: ChildProcess | undefined;
try {
  const { info } = sandbox;
  const dir = mkdtempSync(join(info.dir, 'bench-archive-'));

  // A ~1 GB image on alpha: a rootfs holding one file of random bytes (incompressible, one layer), imported.
  let started = Date.now();
  const rootfs = join(dir, 'rootfs');
  mkdirSync(rootfs);
  await run('dd', ['if=/dev/urandom', `of=${join(rootfs, 'random.bin')}`, 'bs=1M', `count=${IMAGE_MB}`, 'status=none'], { timeoutMs: 600_000 });
  await run('sh', ['-c', `tar -C ${rootfs} -cf ${dir}/rootfs.tar . && rm -rf ${rootfs}`], { timeoutMs: 600_000 });
  await sandbox.docker('alpha', ['import', join(dir, 'rootfs.tar'), IMAGE_REF]);
  await run('rm', ['-f', join(dir, 'rootfs.tar')]);
  const imageSize = Number((await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{.Size}}', IMAGE_REF])).stdout.trim());
  const alphaId = (await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{.Id}}', IMAGE_REF])).stdout.trim();
  console.log(`image ${IMAGE_REF} on alpha: ${mb(imageSize).toFixed(0)} MB, built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // Hangar as its own process, on the sandbox's Redis, with alpha and beta.
  const port = await freePort();
  const token = `hgr_bench_${randomBytes(24).toString('base64url')}`;
  const yaml = [
    `dataDir: ${join(dir, 'hangar')}`,
    `archives: { stallTimeoutMs: ${STALL_TIMEOUT_MS} }`,
    'hosts:',
    ...(['alpha', 'beta'] as const).map((name) => `  - name: ${name}\n    endpoint: ${info.engines[name].endpoint}`),
  ].join('\n');
  writeFileSync(join(dir, 'hangar.yaml'), `${yaml}\n`);
  hangar = spawn(join(repoRoot, 'node_modules/.bin/tsx'), [join(repoRoot, 'apps/api/src/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, HANGAR_CONFIG: join(dir, 'hangar.yaml'), REDIS_URL: info.redisUrl, HANGAR_ADMIN_TOKEN: token, HANGAR_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let hangarLog = '';
  hangar.stderr!.on('data', (chunk: Buffer) => (hangarLog += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const exitedEarly = new Promise<never>((_resolve, reject) => hangar!.once('exit', (code) => reject(new Error(`Hangar exited (${code}) before it served:\n${hangarLog}`))));
  exitedEarly.catch(() => undefined);
  await Promise.race([
    waitFor(`Hangar on ${base}`, async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok === true, { timeoutMs: 60_000 }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${hangarLog}`);
    }),
    exitedEarly,
  ]);
  const pid = serverPid(hangar.pid!);
  console.log(`Hangar: launcher pid ${hangar.pid}, server pid ${pid} (${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(-2).join(' ')})`);
  const sampler = new Sampler(pid);
  sampler.start();
  await new Promise((resolve) => setTimeout(resolve, 2000)); // settle: first health checks, JIT
  const baselineFrom = Date.now() - 1000;
  const baseline = median(sampler.between(baselineFrom, Date.now()));

  // export (alpha) -> load (beta), both through Hangar, piped: no temp file, no buffer.
  const auth = { authorization: `Bearer ${token}` };
  const cpuBefore = cpuSeconds(pid);
  const clientCpuBefore = process.cpuUsage();
  started = Date.now();
  let firstByteAt = 0;
  let uploadDoneAt = 0;
  let bytes = 0;
  const loaded = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const exportReq = request(`${base}/api/v1/hosts/alpha/images/export?ref=${encodeURIComponent(IMAGE_REF)}`, { headers: auth }, (exported: IncomingMessage) => {
      if (exported.statusCode !== 200) return reject(new Error(`export answered ${exported.statusCode}`));
      const loadReq = request(`${base}/api/v1/hosts/beta/images/load`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-tar', 'transfer-encoding': 'chunked' } }, (answer) => {
        let body = '';
        answer.on('data', (chunk: Buffer) => (body += chunk.toString()));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body }));
      });
      loadReq.on('error', reject);
      loadReq.on('finish', () => (uploadDoneAt = Date.now()));
      exported.on('data', (chunk: Buffer) => {
        if (bytes === 0) firstByteAt = Date.now();
        bytes += chunk.length;
      });
      exported.on('error', reject);
      exported.pipe(loadReq);
    });
    exportReq.on('error', reject);
    exportReq.end();
  });
  const finished = Date.now();
  const hangarCpu = cpuSeconds(pid) - cpuBefore;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  sampler.stop();
  const during = sampler.between(started, finished);
  const peak = Math.max(...during);
  const hwm = memoryOf(pid)?.hwm ?? NaN;
  const hangarSeconds = (finished - started) / 1000;
  const betaId = (await sandbox.docker('beta', ['image', 'inspect', '--format', '{{.Id}}', IMAGE_REF])).stdout.trim();

  // The same move with the docker CLI.
  await sandbox.docker('beta', ['image', 'rm', IMAGE_REF]);
  const alphaHost = info.engines.alpha.endpoint;
  const betaHost = info.engines.beta.endpoint;
  started = Date.now();
  await run('sh', ['-c', `docker -H ${alphaHost} save ${IMAGE_REF} | docker -H ${betaHost} load -q`], { timeoutMs: 600_000 });
  const dockerSeconds = (Date.now() - started) / 1000;

  console.log(`\narchive move alpha -> beta, ${mb(bytes).toFixed(0)} MB (${bytes} bytes of tar), Hangar pid ${pid}, RSS sampled every ${SAMPLE_MS} ms (${during.length} samples)`);
  console.log(`load answer: HTTP ${loaded.status} ${loaded.body}`);
  console.log(`same image ID on beta as on alpha: ${betaId === alphaId} (${alphaId.slice(0, 19)})`);
  console.log(`Hangar RSS baseline            ${mb(baseline).toFixed(1).padStart(8)} MB`);
  console.log(`Hangar RSS peak during move    ${mb(peak).toFixed(1).padStart(8)} MB   (VmHWM since start ${mb(hwm).toFixed(1)} MB)`);
  console.log(`growth                         ${mb(peak - baseline).toFixed(1).padStart(8)} MB   (${((100 * (peak - baseline)) / bytes).toFixed(2)} % of the bytes moved)`);
  console.log(`through Hangar                 ${hangarSeconds.toFixed(1).padStart(8)} s    ${(mb(bytes) / hangarSeconds).toFixed(0)} MB/s`);
  console.log(`  Hangar CPU time               ${hangarCpu.toFixed(1).padStart(8)} s    (the piping client here: ${((clientCpu.user + clientCpu.system) / 1e6).toFixed(1)} s; ${cpus().length} CPUs in all)`);
  console.log(`  first export byte after      ${((firstByteAt - (finished - hangarSeconds * 1000)) / 1000).toFixed(1).padStart(8)} s    (alpha stages the save first; stallTimeoutMs = ${STALL_TIMEOUT_MS})`);
  console.log(`  load answer after upload     ${((finished - uploadDoneAt) / 1000).toFixed(1).padStart(8)} s    (beta registers the layer in silence; quiet=1)`);
  console.log(`docker save | docker load      ${dockerSeconds.toFixed(1).padStart(8)} s    ${(mb(bytes) / dockerSeconds).toFixed(0)} MB/s`);
  console.log(`ratio Hangar / docker CLI: ${(hangarSeconds / dockerSeconds).toFixed(2)}x`);
} finally {
  if (hangar && hangar.exitCode === null) {
    const server = serverPidOrUndefined(hangar.pid!);
    const exited = new Promise((resolve) => hangar!.once('exit', resolve));
    hangar.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000))]);
    if (!stopped) {
      console.error(`Hangar did not stop within 15 s of SIGTERM: killing pid ${server ?? '?'} and its launcher ${hangar.pid}`);
      if (server !== undefined && server !== hangar.pid) process.kill(server, 'SIGKILL');
      hangar.kill('SIGKILL');
      await exited;
    }
  }
  await sandbox.stop();
}
