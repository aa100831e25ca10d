/**
 * Test sandbox: real redis, a Distribution registry, three independent Docker engines and an sshd (an ssh:// host
 * that is engine alpha) on loopback.
 *
 *   const sandbox = await startSandbox();           // ~15-25 s, seeds images on every engine
 *   await sandbox.docker('alpha', ['image', 'ls']);
 *   await sandbox.stop();                            // or `await using sandbox = await startSandbox()`
 *
 * Needs root on Linux (see README.md).
 */
export {
  Sandbox,
  startSandbox,
  stopSandboxAt,
  sandboxDockerEnv,
  sandboxSshArgs,
  readSandboxState,
  processStatus,
  findOrphanedSandboxes,
  type SandboxState,
} from './sandbox.js';
export { ENGINE_NAMES } from './types.js';
export type { EngineName, EngineInfo, EngineSeed, RegistryInfo, SandboxInfo, SeedInfo, SshInfo, StartSandboxOptions } from './types.js';
