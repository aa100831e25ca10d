// Benchmark: one `pullImage` mutation onto three hosts (three jobs, one per host, run by the workers in this
// process) until all three are COMPLETED, against `docker pull` run host after host (and, for reference, the three
// `docker pull`s started at once). The image (~100 MB of random bytes in 4 layers) is built on alpha, pushed to the
// sandbox registry and removed from alpha; between runs it is removed from every host. Prints medians and ratios;
// asserts nothing. BENCH_RUNS (default 4), BENCH_IMAGE_MB (default 100).
import 'reflect-metadata';

import { ENGINE_NAMES, startSandbox, type Sandbox } from '../sandbox/index.js';
import { sandboxHost, startTestHangar, type TestHangar } from '../e2e/support/hangar.js';
import { query } from '../e2e/support/graphql.js';
import { median, secondsLine, timed } from './stats.js';
import { buildRandomImage } from './fixtures.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 4);
const IMAGE_MB = Number(process.env.BENCH_IMAGE_MB ?? 100);
const LAYERS = 4;
const POLL_MS = 50;
let tornReads = 0;

interface JobTimes {
  id: string;
  host: string;
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
}

async function removeEverywhere(sandbox: Sandbox, ref: string): Promise<void> {
  await Promise.all(ENGINE_NAMES.map((engine) => sandbox.docker(engine, ['image', 'rm', ref]).catch(() => undefined)));
}

/** One pullImage mutation for the three hosts, then the batch polled until every job has ended. */
async function pullThroughHangar(hangar: TestHangar, ref: string): Promise<JobTimes[]> {
  const started = await query<{ pullImage: { batchId: string; jobs: { id: string }[] | null; userErrors: unknown[] } }>(
    hangar.url,
    hangar.token,
    'mutation($input: PullImageInput!) { pullImage(input: $input) { batchId jobs { id } userErrors { code message } } }',
    { input: { ref, hosts: ENGINE_NAMES } },
  );
  if (started.pullImage.userErrors.length || started.pullImage.jobs?.length !== ENGINE_NAMES.length) throw new Error(`pullImage: ${JSON.stringify(started.pullImage)}`);
  for (;;) {
    const { jobs } = await query<{ jobs: { nodes: JobTimes[] } }>(
      hangar.url,
      hangar.token,
      'query($b: ID!) { jobs(filter: { batchId: $b }, first: 10) { nodes { id host state startedAt finishedAt error { code message } } } }',
      { b: started.pullImage.batchId },
    );
    // A job COMPLETED without finishedAt would be a torn read (state and record from different moments). `jobs`
    // reads each job's state before its record, so this stays 0; it is counted, and polled again, to show it.
    const torn = jobs.nodes.filter((j) => j.state === 'COMPLETED' && !j.finishedAt);
    tornReads += torn.length;
    const ended = jobs.nodes.filter((j) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(j.state) && !torn.includes(j));
    if (ended.length === ENGINE_NAMES.length) {
      const failed = ended.filter((j) => j.state !== 'COMPLETED');
      if (failed.length) throw new Error(`pull jobs did not complete: ${JSON.stringify(failed)}`);
      return ended;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const sandbox = await startSandbox({ seed: false, log: (l) => process.stderr.write(`[sandbox] ${l}\n`) });
try {
  const { info } = sandbox;
  const local = 'bench/pull:1';
  const ref = `${info.registry.host}/bench/pull:1`;
  const t = Date.now();
  await buildRandomImage(sandbox, 'alpha', local, IMAGE_MB, LAYERS);
  await sandbox.docker('alpha', ['login', '--username', info.registry.username, '--password-stdin', info.registry.host], { input: info.registry.password });
  await sandbox.docker('alpha', ['tag', local, ref]);
  await sandbox.docker('alpha', ['push', ref]);
  const size = Number((await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{.Size}}', ref])).stdout.trim());
  const imageId = (await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
  await sandbox.docker('alpha', ['image', 'rm', ref, local]);
  console.log(`image ${ref}: ${(size / 1024 ** 2).toFixed(0)} MB in ${LAYERS} layers of random bytes (${imageId.slice(0, 19)}), built and pushed in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  process.env.BENCH_REGISTRY_PASSWORD = info.registry.password;
  const hangar = await startTestHangar(info, {
    hosts: ENGINE_NAMES.map((name) => sandboxHost(info, name)),
    registries: [{ name: 'sandbox', url: info.registry.url, username: info.registry.username, passwordEnv: 'BENCH_REGISTRY_PASSWORD' }],
  });
  try {
    const hangarMs: number[] = [];
    const jobSpanMs: number[] = [];
    const sequentialMs: number[] = [];
    const parallelMs: number[] = [];
    const perHostCli: Record<string, number[]> = Object.fromEntries(ENGINE_NAMES.map((e) => [e, []]));
    // Runs interleaved (Hangar, CLI host after host, CLI at once) so that drift on the machine hits all three alike.
    for (let i = 0; i < RUNS; i++) {
      await removeEverywhere(sandbox, ref);
      const viaHangar = await timed(() => pullThroughHangar(hangar, ref));
      hangarMs.push(viaHangar.ms);
      const starts = viaHangar.value.map((j) => Date.parse(j.startedAt!));
      const ends = viaHangar.value.map((j) => Date.parse(j.finishedAt!));
      jobSpanMs.push(Math.max(...ends) - Math.min(...starts));

      await removeEverywhere(sandbox, ref);
      sequentialMs.push(
        (
          await timed(async () => {
            for (const engine of ENGINE_NAMES) {
              const one = await timed(() => sandbox.docker(engine, ['pull', '-q', ref]));
              perHostCli[engine]!.push(one.ms);
            }
          })
        ).ms,
      );

      await removeEverywhere(sandbox, ref);
      parallelMs.push((await timed(() => Promise.all(ENGINE_NAMES.map((engine) => sandbox.docker(engine, ['pull', '-q', ref]))))).ms);
      process.stderr.write(`[bench] run ${i + 1}/${RUNS}: Hangar ${(hangarMs.at(-1)! / 1000).toFixed(2)} s, CLI sequential ${(sequentialMs.at(-1)! / 1000).toFixed(2)} s, CLI parallel ${(parallelMs.at(-1)! / 1000).toFixed(2)} s\n`);
    }
    const ids = await Promise.all(ENGINE_NAMES.map(async (e) => (await sandbox.docker(e, ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim()));

    console.log(`\npull of ${(size / 1024 ** 2).toFixed(0)} MB (${LAYERS} layers) from the sandbox registry onto alpha, beta, gamma (TLS); ${RUNS} runs each, image removed from every host before each run`);
    console.log(secondsLine('Hangar: pullImage x3 hosts, until all COMPLETED', hangarMs));
    console.log(secondsLine('  of which first job start -> last job end', jobSpanMs));
    console.log(secondsLine('docker pull, host after host (alpha, beta, gamma)', sequentialMs));
    for (const engine of ENGINE_NAMES) console.log(secondsLine(`  docker pull on ${engine} alone`, perHostCli[engine]!));
    console.log(secondsLine('docker pull on the 3 hosts at once (reference)', parallelMs));
    console.log(`same image ID on every host as built on alpha: ${ids.every((id) => id === imageId)}`);
    console.log(`batch polls answering COMPLETED without finishedAt (polled again): ${tornReads}`);
    console.log(`ratio Hangar / docker pull host after host: ${(median(hangarMs) / median(sequentialMs)).toFixed(2)}x`);
    console.log(`ratio Hangar / docker pull 3 hosts at once: ${(median(hangarMs) / median(parallelMs)).toFixed(2)}x`);
  } finally {
    await hangar.stop();
  }
} finally {
  await sandbox.stop();
}
