import type { HangarConfigInput } from '@hangar/core';
import type { Sandbox, SandboxInfo } from '../../sandbox/index.js';

/** The sandbox registry as a Hangar registry entry; its password reaches Hangar through an environment variable. */
export function sandboxRegistry(info: SandboxInfo): NonNullable<HangarConfigInput['registries']>[number] {
  process.env.HANGAR_TEST_REGISTRY_PASSWORD = info.registry.password;
  return { name: 'sandbox', url: info.registry.url, username: info.registry.username, passwordEnv: 'HANGAR_TEST_REGISTRY_PASSWORD' };
}

/**
 * Builds a fresh image on alpha (FROM the seed's base, with `extra` Dockerfile lines), pushes it to the sandbox
 * registry, and removes it from alpha again, so that every host must pull it. Answers its registry reference.
 */
export async function pushFreshImage(sandbox: Sandbox, info: SandboxInfo, prefix: string, name: string, extra = ''): Promise<string> {
  const local = `${prefix}/${name}:1`;
  const ref = `${info.registry.host}/${prefix}/${name}:1`;
  await sandbox.docker('alpha', ['build', '-q', '-t', local, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo ${prefix}-${name} > /id\n${extra}\n` });
  await sandbox.docker('alpha', ['tag', local, ref]);
  await sandbox.docker('alpha', ['push', ref]);
  await sandbox.docker('alpha', ['rmi', ref, local]);
  return ref;
}
