import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { startHangar, type Hangar } from '@hangar/api';
import { parseConfig, type HangarConfigInput } from '@hangar/core';
import { createHangarClient, type HangarClient } from '@hangar/sdk';
import type { EngineName, SandboxInfo } from '../../sandbox/index.js';

/** A host entry of hangar.yaml for one sandbox engine. */
export function sandboxHost(info: SandboxInfo, name: EngineName): NonNullable<HangarConfigInput['hosts']>[number] {
  const engine = info.engines[name];
  return { name, endpoint: engine.endpoint, labels: engine.labels, ...(engine.tls ? { tls: engine.tls } : {}) };
}

/**
 * The sandbox's file servers and search index listen on 127.0.0.1, which the egress policy refuses by default: a
 * test that hands Hangar such URLs allows it in its config, as an operator allows an internal artifact server.
 */
export const LOOPBACK_EGRESS = { allow: ['127.0.0.1'] };

export interface TestHangar extends Hangar {
  token: string;
  /** The typed SDK on this Hangar with the admin token: tests go through it wherever it has the operation. */
  sdk: HangarClient;
}

/** Starts Hangar in this process on a free port, on the sandbox's Redis, with the given hosts. */
export async function startTestHangar(info: SandboxInfo, input: HangarConfigInput, options: { workers?: boolean } = {}): Promise<TestHangar> {
  const token = `hgr_test_${randomBytes(16).toString('hex')}`;
  const config = parseConfig(
    { listen: { host: '127.0.0.1', port: 0 }, redis: { url: info.redisUrl }, dataDir: `${info.dir}/hangar`, ...input },
    { env: {} },
  );
  const hangar = await startHangar(config, { adminToken: token, log: () => {}, workers: options.workers ?? true });
  const sdk = createHangarClient({ url: hangar.url, token });
  const stop = hangar.stop.bind(hangar);
  return Object.assign(hangar, {
    token,
    sdk,
    stop: async () => {
      await sdk.close();
      await stop();
    },
  });
}
