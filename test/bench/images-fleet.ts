// Benchmark: the fleet `images` query over three hosts, against (a) the same Engine calls made directly in
// parallel and (b) `docker image ls` run host after host. Prints medians and ratios; asserts nothing.
import 'reflect-metadata';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '@hangar/system';
import { ENGINE_NAMES, startSandbox, type EngineInfo, type Sandbox } from '../sandbox/index.js';
import { sandboxHost, startTestHangar } from '../e2e/support/hangar.js';
import { query } from '../e2e/support/graphql.js';
import { describe, measure, median } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const EXTRA_IMAGES = Number(process.env.BENCH_EXTRA_IMAGES ?? 40);

/** GET on an engine with plain Node HTTP: the floor any client of the Engine API pays. */
function engineGet(engine: EngineInfo, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: import('node:http').IncomingMessage) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve(bytes));
      res.on('error', reject);
    };
    const req = engine.endpoint.startsWith('unix://')
      ? httpRequest({ socketPath: engine.endpoint.slice(7), path, method: 'GET' }, onResponse)
      : httpsRequest(
          {
            host: '127.0.0.1',
            port: Number(engine.endpoint.split(':').at(-1)),
            path,
            method: 'GET',
            ca: readFileSync(engine.tls!.ca),
            cert: readFileSync(engine.tls!.cert),
            key: readFileSync(engine.tls!.key),
          },
          onResponse,
        );
    req.on('error', reject);
    req.end();
  });
}

/** More images per host than the seed has, so the list is not trivially small: tiny imported rootfs tars. */
async function addImages(sandbox: Sandbox, count: number): Promise<void> {
  const dir = mkdtempSync(join(sandbox.info.dir, 'bench-'));
  await Promise.all(
    ENGINE_NAMES.map(async (engine) => {
      for (let i = 0; i < count; i++) {
        const root = join(dir, `${engine}-${i}`);
        mkdirSync(root);
        writeFileSync(join(root, 'file'), `${engine} ${i}\n`);
        const tar = await run('tar', ['-C', root, '-c', '.'], {}).then((r) => r.stdout);
        await sandbox.docker(engine, ['import', '-', `bench/img${i}:v1`], { input: tar });
      }
    }),
  );
}

const sandbox = await startSandbox({ log: (line) => process.stderr.write(`[sandbox] ${line}\n`) });
try {
  await addImages(sandbox, EXTRA_IMAGES);
  const hangar = await startTestHangar(sandbox.info, { hosts: ENGINE_NAMES.map((name) => sandboxHost(sandbox.info, name)) });
  try {
    const fleetQuery = '{ images(first: 1000) { totalCount hostErrors { host } nodes { imageId repoTags repoDigests created size } } }';
    const counted = await query<{ images: { totalCount: number } }>(hangar.url, hangar.token, fleetQuery);
    const perHost = await Promise.all(ENGINE_NAMES.map(async (e) => (await sandbox.docker(e, ['image', 'ls', '-q'])).stdout.trim().split('\n').length));

    const hangarSamples = await measure(() => query(hangar.url, hangar.token, fleetQuery), { runs: RUNS });
    const directSamples = await measure(
      () => Promise.all(ENGINE_NAMES.map((name) => engineGet(sandbox.info.engines[name], '/v1.41/images/json?digests=1'))),
      { runs: RUNS },
    );
    const cliSamples = await measure(
      async () => {
        for (const name of ENGINE_NAMES) await sandbox.docker(name, ['image', 'ls', '--no-trunc', '--digests', '--format', 'json']);
      },
      { runs: Math.max(5, Math.floor(RUNS / 3)), warmup: 1 },
    );

    const h = median(hangarSamples);
    console.log(`\nfleet images: 3 hosts, ${counted.images.totalCount} images (${perHost.join(' + ')}), ${RUNS} runs`);
    console.log(describe('Hangar fleet query (GraphQL over HTTP)', hangarSamples));
    console.log(describe('direct Engine API calls, 3 hosts in parallel', directSamples));
    console.log(describe('docker image ls, host after host', cliSamples));
    console.log(`ratio Hangar / direct Engine calls: ${(h / median(directSamples)).toFixed(2)}x`);
    console.log(`ratio Hangar / docker CLI sequential: ${(h / median(cliSamples)).toFixed(2)}x`);
  } finally {
    await hangar.stop();
  }
} finally {
  await sandbox.stop();
}
