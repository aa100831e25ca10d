// Benchmark: `hangar build` (the CLI tars the context directory as docker does, uploads it once, one BUILD job
// runs on the host, its output streams back) against `docker build` on the same engine and context. The context
// is BENCH_CONTEXT_FILES files (default 2000) of random bytes, BENCH_CONTEXT_MB in all (default 40), and the
// Dockerfile copies it all (`FROM scratch`, `COPY . /ctx`), with --no-cache so each run does the same work.
// Runs are interleaved so that drift on the machine hits both alike. Prints medians and the ratio; asserts nothing.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../sandbox/index.js';
import { runHangarCli } from '../e2e/support/cli.js';
import { sandboxHost, startTestHangar } from '../e2e/support/hangar.js';
import { median, secondsLine, timed } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 4);
const FILES = Number(process.env.BENCH_CONTEXT_FILES ?? 2000);
const CONTEXT_MB = Number(process.env.BENCH_CONTEXT_MB ?? 40);

const sandbox = await startSandbox({ seed: false, log: (l) => process.stderr.write(`[sandbox] ${l}\n`) });
try {
  const { info } = sandbox;
  const context = mkdtempSync(join(info.dir, 'bench-build-'));
  const perFile = Math.max(1, Math.floor((CONTEXT_MB * 1024 * 1024) / FILES));
  for (let i = 0; i < FILES; i++) {
    const dir = join(context, `d${i % 50}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.bin`), randomBytes(perFile));
  }
  writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY . /ctx\n');
  writeFileSync(join(context, '.dockerignore'), 'Dockerfile\n');
  console.log(`context: ${FILES} files of ${perFile} random bytes (${((FILES * perFile) / 1024 ** 2).toFixed(1)} MB) in 50 directories`);

  const hangar = await startTestHangar(info, { hosts: [sandboxHost(info, 'alpha')] });
  try {
    const hangarMs: number[] = [];
    const dockerMs: number[] = [];
    const startupMs: number[] = [];
    const ids: { hangar: string; docker: string }[] = [];
    for (let i = 0; i < RUNS; i++) {
      // The CLI's own start (node, tsx compiling the sources, commander): the fixed cost in every hangar command.
      startupMs.push((await timed(() => runHangarCli(hangar, ['--help']))).ms);
      const viaHangar = await timed(() => runHangarCli(hangar, ['build', '-q', '--no-cache', '-t', 'bench/build:hangar', '-H', 'alpha', context], { timeoutMs: 600_000 }));
      if (viaHangar.value.code !== 0) throw new Error(`hangar build failed: ${viaHangar.value.stderr}`);
      hangarMs.push(viaHangar.ms);
      const viaDocker = await timed(() => sandbox.docker('alpha', ['build', '-q', '--no-cache', '-t', 'bench/build:docker', context]));
      dockerMs.push(viaDocker.ms);
      ids.push({ hangar: viaHangar.value.stdout.trim(), docker: viaDocker.value.stdout.trim() });
      process.stderr.write(`[bench] run ${i + 1}/${RUNS}: hangar build ${(viaHangar.ms / 1000).toFixed(2)} s, docker build ${(viaDocker.ms / 1000).toFixed(2)} s\n`);
    }
    // Both images hold the same files: the layer sizes the engine reports agree (the diff IDs do not: file times).
    const size = async (tag: string) => (await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{.Size}}', tag])).stdout.trim();
    const sameSize = (await size('bench/build:hangar')) === (await size('bench/build:docker'));

    console.log(`\nbuild of a ${CONTEXT_MB} MB, ${FILES}-file context on alpha (FROM scratch, COPY . /ctx, --no-cache); ${RUNS} runs each`);
    console.log(secondsLine('hangar build -q (CLI process, upload, job, output)', hangarMs));
    console.log(secondsLine('  of which the CLI start (hangar --help)', startupMs));
    console.log(secondsLine('docker build -q (classic builder)', dockerMs));
    console.log(`same image size from both builds: ${sameSize}`);
    console.log(`ratio hangar build / docker build: ${(median(hangarMs) / median(dockerMs)).toFixed(2)}x`);
    console.log(`ratio without the CLI start: ${((median(hangarMs) - median(startupMs)) / median(dockerMs)).toFixed(2)}x`);
  } finally {
    await hangar.stop();
    rmSync(context, { recursive: true, force: true });
  }
} finally {
  await sandbox.stop();
}
