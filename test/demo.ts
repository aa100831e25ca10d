// `npm run demo`: the sandbox (three real engines, a registry, Redis, seed images) plus Hangar on it.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { startHangar } from '@hangar/api';
import { parseConfig } from '@hangar/core';
import { ENGINE_NAMES, startSandbox } from './sandbox/index.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
log('starting the sandbox (three Docker engines, a registry, Redis; seeding images) ...');
const sandbox = await startSandbox({ log: (line) => log(`[sandbox] ${line}`) });
const token = process.env.HANGAR_ADMIN_TOKEN || `hgr_${randomBytes(24).toString('base64url')}`;
const { info } = sandbox;
const config = parseConfig(
  {
    listen: { host: '127.0.0.1', port: Number(process.env.HANGAR_PORT ?? 4000) },
    redis: { url: info.redisUrl },
    dataDir: `${info.dir}/hangar`,
    hosts: ENGINE_NAMES.map((name) => {
      const engine = info.engines[name];
      return { name, endpoint: engine.endpoint, labels: engine.labels, ...(engine.tls ? { tls: engine.tls } : {}) };
    }),
  },
  { env: {} },
);
let hangar;
try {
  hangar = await startHangar(config, { adminToken: token, log: (line) => log(`[hangar] ${line}`) });
} catch (error) {
  await sandbox.stop();
  throw error;
}

const example = `{ hosts { name status endpoint engine { version apiVersion os arch } } }`;
process.stdout.write(`
Hangar is running on the sandbox.

  GraphQL:  ${hangar.url}/graphql
  Health:   ${hangar.url}/healthz
  Token:    ${token}

Try:
  curl -s ${hangar.url}/graphql \\
    -H 'authorization: Bearer ${token}' -H 'content-type: application/json' \\
    -d '{"query":"${example}"}'

The engines, for the docker CLI:
${ENGINE_NAMES.map((name) => `  ${name}: ${info.engines[name].endpoint}${info.engines[name].tls ? ` (TLS: --tlsverify --tlscacert ${info.engines[name].tls!.ca} --tlscert ${info.engines[name].tls!.cert} --tlskey ${info.engines[name].tls!.key})` : ''}`).join('\n')}
  registry: ${info.registry.url} (user ${info.registry.username})

Ctrl-C stops Hangar and the sandbox.
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  log('stopping ...');
  await hangar.stop();
  await sandbox.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
