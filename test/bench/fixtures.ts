// What several benchmarks need: images of random bytes to move around, and a process's memory from /proc.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '@hangar/system';
import type { EngineName, Sandbox } from '../sandbox/index.js';

export const mb = (bytes: number) => bytes / 1024 ** 2;

/** An image of random (incompressible) bytes, FROM scratch, one COPY layer per file, built on `engine`. */
export async function buildRandomImage(sandbox: Sandbox, engine: EngineName, ref: string, totalMb: number, layers: number): Promise<void> {
  const context = mkdtempSync(join(sandbox.info.dir, 'bench-ctx-'));
  const lines = ['FROM scratch'];
  for (let i = 0; i < layers; i++) {
    await run('dd', ['if=/dev/urandom', `of=${join(context, `layer${i}.bin`)}`, 'bs=1M', `count=${Math.max(1, Math.round(totalMb / layers))}`, 'status=none'], { timeoutMs: 600_000 });
    lines.push(`COPY layer${i}.bin /data/layer${i}.bin`);
  }
  writeFileSync(join(context, 'Dockerfile'), `${lines.join('\n')}\n`);
  await run('docker', ['build', '-q', '-t', ref, context], { env: sandbox.dockerEnv(engine), timeoutMs: 900_000 });
  rmSync(context, { recursive: true, force: true });
}

/** VmRSS and VmHWM of a process, in bytes. */
export function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return undefined;
  }
}
