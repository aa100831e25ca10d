/**
 * npx tsx test/sandbox/cli.ts up [--dir DIR] [--no-seed] [--webhook-url URL]   start (detached), print info JSON, exit
 * npx tsx test/sandbox/cli.ts down [--dir DIR]                                 stop everything it started, remove DIR
 * npx tsx test/sandbox/cli.ts status [--dir DIR]                               what runs (JSON, engines and ssh answering?); exit 0 all up, 3 otherwise
 * npx tsx test/sandbox/cli.ts clean                                            stop sandboxes in /tmp left by interrupted
 *                                                                              test runs (owner process gone)
 * DIR defaults to /tmp/hangar-sandbox.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { run } from '@hangar/system';
import { ENGINE_NAMES, findOrphanedSandboxes, processStatus, readSandboxState, sandboxDockerEnv, sandboxSshArgs, startSandbox, stopSandboxAt } from './index.js';

const DEFAULT_DIR = '/tmp/hangar-sandbox';
const usage = 'usage: npx tsx test/sandbox/cli.ts up|down|status|clean [--dir DIR] [--no-seed] [--webhook-url URL]';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string', default: DEFAULT_DIR },
    'no-seed': { type: 'boolean', default: false },
    'webhook-url': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const log = (line: string) => process.stderr.write(`[sandbox] ${line}\n`);
const dir = values.dir!;

async function up(): Promise<void> {
  if (existsSync(dir)) {
    log(`stopping the previous sandbox in ${dir}`);
    await stopSandboxAt(dir, { log });
  }
  const started = Date.now();
  const sandbox = await startSandbox({ dir, detached: true, seed: !values['no-seed'], webhookUrl: values['webhook-url'], log });
  log(`up in ${((Date.now() - started) / 1000).toFixed(1)} s; stop with: npx tsx test/sandbox/cli.ts down${dir === DEFAULT_DIR ? '' : ` --dir ${dir}`}`);
  process.stdout.write(`${JSON.stringify(sandbox.info, null, 2)}\n`);
}

async function down(): Promise<void> {
  if (!existsSync(dir)) {
    log(`no sandbox in ${dir}`);
    return;
  }
  const started = Date.now();
  await stopSandboxAt(dir, { log });
  log(`stopped and removed ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function status(): Promise<number> {
  const state = readSandboxState(dir);
  if (!state) {
    process.stdout.write(`${JSON.stringify({ dir, running: false }, null, 2)}\n`);
    return 3;
  }
  const processes = processStatus(state);
  const engines = Object.fromEntries(
    await Promise.all(
      ENGINE_NAMES.map(async (name) => {
        const engine = state.info.engines[name];
        const env = sandboxDockerEnv(state.info, name);
        const version = await run('docker', ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'], { env, timeoutMs: 5_000 }).then(
          (r) => r.stdout.trim(),
          () => null,
        );
        return [name, { endpoint: engine.endpoint, answering: version !== null, version }] as const;
      }),
    ),
  );
  const { ssh: sshInfo } = state.info;
  const sshVersion = sshInfo
    ? await run('ssh', [...sandboxSshArgs(sshInfo), 'docker', 'version', '--format', '{{.Server.Version}}'], { timeoutMs: 10_000 }).then(
        (r) => r.stdout.trim(),
        () => null,
      )
    : null;
  const ssh = sshInfo ? { endpoint: sshInfo.endpoint, target: sshInfo.target, answering: sshVersion !== null, version: sshVersion } : null;
  const allUp = Object.values(processes).every((p) => p.running) && Object.values(engines).every((e) => e.answering) && ssh?.answering !== false;
  process.stdout.write(
    `${JSON.stringify({ dir, running: allUp, startedAt: state.createdAt, processes, engines, ssh, redisUrl: state.info.redisUrl, registry: state.info.registry.url }, null, 2)}\n`,
  );
  return allUp ? 0 : 3;
}

async function clean(): Promise<void> {
  const orphans = findOrphanedSandboxes();
  if (!orphans.length) log('no orphaned sandboxes in /tmp');
  for (const orphan of orphans) {
    log(`cleaning ${orphan}`);
    await stopSandboxAt(orphan, { log });
  }
}

const command = positionals[0];
try {
  if (values.help || !command) {
    process.stdout.write(`${usage}\n`);
    process.exit(command ? 0 : 2);
  }
  if (command === 'up') await up();
  else if (command === 'down') await down();
  else if (command === 'status') process.exitCode = await status();
  else if (command === 'clean') await clean();
  else {
    process.stderr.write(`${usage}\n`);
    process.exit(2);
  }
  // Detached daemons are unref'd; exit explicitly anyway so no stray handle keeps `up` waiting.
  process.exit(process.exitCode ?? 0);
} catch (error) {
  process.stderr.write(`[sandbox] ${command} failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
