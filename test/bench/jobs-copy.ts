// Benchmark: an image of ~300 MB copied from alpha to gamma (mutual TLS) through Hangar's `copyImage` job (the
// worker runs in this process; the time is from the mutation until the job is COMPLETED), against
// `docker save | docker load` between the same two engines (a shell pipe) and against
// `skopeo copy docker-daemon:REF docker-daemon:REF` (--dest-cert-dir with gamma's client ca.pem/cert.pem/key.pem).
// If skopeo cannot talk TLS to gamma (checked first with a tiny image), all three copy to beta instead and the
// output says so. The image is removed from the target before every run. Prints medians and ratios; asserts
// nothing. BENCH_RUNS (default 3), BENCH_IMAGE_MB (default 300).
import 'reflect-metadata';

import { dirname, join } from 'node:path';
import { run } from '@hangar/system';
import { ENGINE_NAMES, startSandbox, type EngineName, type Sandbox } from '../sandbox/index.js';
import { sandboxHost, startTestHangar, type TestHangar } from '../e2e/support/hangar.js';
import { query } from '../e2e/support/graphql.js';
import { median, timed } from './stats.js';
import { buildRandomImage, mb } from './fixtures.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IMAGE_MB = Number(process.env.BENCH_IMAGE_MB ?? 300);
const LAYERS = 3;
const POLL_MS = 50;

interface JobView {
  id: string;
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
  result: { imageId: string | null; bytes: number | null } | null;
}

/** `docker -H ...` flags that reach one engine (with TLS for gamma): for shell pipes between two engines. */
function dockerFlags(sandbox: Sandbox, engine: EngineName): string[] {
  const info = sandbox.info.engines[engine];
  return ['-H', info.endpoint, ...(info.tls ? ['--tlsverify', '--tlscacert', info.tls.ca, '--tlscert', info.tls.cert, '--tlskey', info.tls.key] : [])];
}

/** skopeo's flags for a daemon: the socket, or the TCP address plus the directory holding ca.pem, cert.pem, key.pem. */
function skopeoFlags(sandbox: Sandbox, engine: EngineName, side: 'src' | 'dest'): string[] {
  const info = sandbox.info.engines[engine];
  return [`--${side}-daemon-host`, info.endpoint, ...(info.tls ? [`--${side}-cert-dir`, dirname(info.tls.ca)] : [])];
}

const shellQuote = (args: string[]) => args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');

async function imageId(sandbox: Sandbox, engine: EngineName, ref: string): Promise<string> {
  return (await sandbox.docker(engine, ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
}

async function copyThroughHangar(hangar: TestHangar, ref: string, target: EngineName): Promise<JobView> {
  const started = await query<{ copyImage: { jobs: { id: string }[] | null; userErrors: unknown[] } }>(
    hangar.url,
    hangar.token,
    'mutation($input: CopyImageInput!) { copyImage(input: $input) { jobs { id } userErrors { code message } } }',
    { input: { sourceHost: 'alpha', ref, targetHosts: [target] } },
  );
  if (started.copyImage.userErrors.length || !started.copyImage.jobs?.[0]) throw new Error(`copyImage: ${JSON.stringify(started.copyImage)}`);
  const id = started.copyImage.jobs[0].id;
  for (;;) {
    const { job } = await query<{ job: JobView }>(hangar.url, hangar.token, 'query($id: ID!) { job(id: $id) { id state startedAt finishedAt error { code message } result { imageId bytes } } }', { id });
    if (job.state === 'COMPLETED') return job;
    if (job.state === 'FAILED' || job.state === 'CANCELLED') throw new Error(`copy job ${id}: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const sandbox = await startSandbox({ seed: false, log: (l) => process.stderr.write(`[sandbox] ${l}\n`) });
try {
  const { info } = sandbox;
  const ref = 'bench/copy:1';
  const t = Date.now();
  await buildRandomImage(sandbox, 'alpha', ref, IMAGE_MB, LAYERS);
  const size = Number((await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{.Size}}', ref])).stdout.trim());
  const sourceId = await imageId(sandbox, 'alpha', ref);
  console.log(`image ${ref} on alpha: ${mb(size).toFixed(0)} MB in ${LAYERS} layers of random bytes (${sourceId.slice(0, 19)}), built in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  // Can skopeo reach gamma over mutual TLS? Tried with a tiny image first.
  const probeRef = 'bench/probe:1';
  await buildRandomImage(sandbox, 'alpha', probeRef, 1, 1);
  let target: EngineName = 'gamma';
  const skopeoGamma = await run('skopeo', ['copy', '-q', ...skopeoFlags(sandbox, 'alpha', 'src'), ...skopeoFlags(sandbox, 'gamma', 'dest'), `docker-daemon:${probeRef}`, `docker-daemon:${probeRef}`], { timeoutMs: 120_000 }).then(
    () => undefined,
    (error: Error) => error.message,
  );
  if (skopeoGamma === undefined && (await imageId(sandbox, 'gamma', probeRef)) === (await imageId(sandbox, 'alpha', probeRef))) {
    console.log(`skopeo reaches gamma over mutual TLS (--dest-daemon-host ${info.engines.gamma.endpoint} --dest-cert-dir ${dirname(info.engines.gamma.tls!.ca)}): target gamma`);
  } else {
    target = 'beta';
    console.log(`skopeo could NOT copy to gamma over TLS (${skopeoGamma ?? 'image ID differs'}): every variant copies to beta instead`);
  }
  await sandbox.docker(target, ['image', 'rm', probeRef]).catch(() => undefined);

  const hangar = await startTestHangar(info, { hosts: ENGINE_NAMES.map((name) => sandboxHost(info, name)) });
  try {
    const removeFromTarget = () => sandbox.docker(target, ['image', 'rm', ref]).catch(() => undefined);
    const samples = { hangar: [] as number[], jobSpan: [] as number[], pipe: [] as number[], skopeo: [] as number[] };
    const idMatches = { hangar: true, pipe: true, skopeo: true };
    let tarBytes = 0;
    const pipeCommand = `docker ${shellQuote(dockerFlags(sandbox, 'alpha'))} save ${shellQuote([ref])} | docker ${shellQuote(dockerFlags(sandbox, target))} load -q`;
    const skopeoArgs = ['copy', '-q', ...skopeoFlags(sandbox, 'alpha', 'src'), ...skopeoFlags(sandbox, target, 'dest'), `docker-daemon:${ref}`, `docker-daemon:${ref}`];
    // Interleaved runs: Hangar, then the pipe, then skopeo, so drift on the machine hits all three alike.
    for (let i = 0; i < RUNS; i++) {
      await removeFromTarget();
      const viaHangar = await timed(() => copyThroughHangar(hangar, ref, target));
      samples.hangar.push(viaHangar.ms);
      samples.jobSpan.push(Date.parse(viaHangar.value.finishedAt!) - Date.parse(viaHangar.value.startedAt!));
      tarBytes = viaHangar.value.result?.bytes ?? 0;
      idMatches.hangar &&= (await imageId(sandbox, target, ref)) === sourceId;

      await removeFromTarget();
      samples.pipe.push((await timed(() => run('sh', ['-c', pipeCommand], { timeoutMs: 600_000 }))).ms);
      idMatches.pipe &&= (await imageId(sandbox, target, ref)) === sourceId;

      await removeFromTarget();
      samples.skopeo.push((await timed(() => run('skopeo', skopeoArgs, { timeoutMs: 600_000 }))).ms);
      idMatches.skopeo &&= (await imageId(sandbox, target, ref)) === sourceId;
      process.stderr.write(
        `[bench] run ${i + 1}/${RUNS}: Hangar ${(samples.hangar.at(-1)! / 1000).toFixed(2)} s, save|load ${(samples.pipe.at(-1)! / 1000).toFixed(2)} s, skopeo ${(samples.skopeo.at(-1)! / 1000).toFixed(2)} s\n`,
      );
    }
    await removeFromTarget();

    const row = (name: string, s: number[], extra = '') =>
      `${name.padEnd(48)} median ${(median(s) / 1000).toFixed(2).padStart(6)} s   min ${(Math.min(...s) / 1000).toFixed(2).padStart(6)} s   max ${(Math.max(...s) / 1000).toFixed(2).padStart(6)} s   ${(mb(size) / (median(s) / 1000)).toFixed(0).padStart(4)} MB/s${extra}`;
    console.log(`\ncopy of ${mb(size).toFixed(0)} MB (${LAYERS} layers; ${mb(tarBytes).toFixed(0)} MB of tar) alpha -> ${target}${target === 'gamma' ? ' (mutual TLS)' : ''}; ${RUNS} runs each, image removed from ${target} before each run`);
    console.log(row('Hangar copyImage job, mutation -> COMPLETED', samples.hangar, `   same image ID: ${idMatches.hangar}`));
    console.log(row('  of which job startedAt -> finishedAt', samples.jobSpan));
    console.log(row('docker save | docker load (shell pipe)', samples.pipe, `   same image ID: ${idMatches.pipe}`));
    console.log(row('skopeo copy docker-daemon: -> docker-daemon:', samples.skopeo, `   same image ID: ${idMatches.skopeo}`));
    console.log(`ratio Hangar / docker save|load: ${(median(samples.hangar) / median(samples.pipe)).toFixed(2)}x`);
    console.log(`ratio Hangar / skopeo copy:      ${(median(samples.hangar) / median(samples.skopeo)).toFixed(2)}x`);
    console.log(`ratio skopeo / docker save|load: ${(median(samples.skopeo) / median(samples.pipe)).toFixed(2)}x`);
  } finally {
    await hangar.stop();
  }
} finally {
  await sandbox.stop();
}
