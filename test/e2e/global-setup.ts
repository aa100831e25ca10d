import type { TestProject } from 'vitest/node';
import { startSandbox, type SandboxInfo } from '../sandbox/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    sandbox: SandboxInfo;
  }
}

// One sandbox (three engines, a registry, Redis, seed images) for the whole end-to-end run; stopped at the end.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const sandbox = await startSandbox({ log: (line) => process.stderr.write(`[sandbox] ${line}\n`) });
  process.stderr.write(`[sandbox] ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${sandbox.info.dir}\n`);
  project.provide('sandbox', sandbox.info);
  return async () => {
    await sandbox.stop();
  };
}
