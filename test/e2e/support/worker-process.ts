import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { HangarConfigInput } from '@hangar/core';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** A worker process (`apps/worker/src/main.ts`) on its own, as in production, with a hangar.yaml written for it. */
export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startWorkerProcess(dir: string, config: HangarConfigInput, env: NodeJS.ProcessEnv = {}): Promise<WorkerProcess> {
  const configDir = mkdtempSync(join(dir, 'worker-'));
  writeFileSync(join(configDir, 'hangar.yaml'), stringify(config));
  // node itself, with tsx as a loader: one process, so a SIGKILL really kills the worker.
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'apps/worker/src/main.ts')], {
    cwd: repoRoot,
    // HANGAR_DATA_DIR: the API's (startTestHangar's), for its secret.key, which a worker shares and never makes.
    env: { ...process.env, ...env, HANGAR_CONFIG: join(configDir, 'hangar.yaml'), REDIS_URL: '', HANGAR_DATA_DIR: join(dir, 'hangar') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    const check = () => {
      if (output.includes('workers ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}
