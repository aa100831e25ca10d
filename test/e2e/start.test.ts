import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHangarClient, HangarError } from '@hangar/sdk';
import { freePort, run, RunError, spawnDaemon, waitFor } from '@hangar/system';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { sandboxHost, startTestHangar } from './support/hangar.js';

// The real entry point (`npm start` runs apps/api/src/main.ts) as its own process, with the embedded Redis.
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(repoRoot, 'node_modules/.bin/tsx');
const main = join(repoRoot, 'apps/api/src/main.ts');
const info = inject('sandbox');

function configDir(yaml: string): string {
  const dir = mkdtempSync(join(info.dir, 'start-'));
  writeFileSync(join(dir, 'hangar.yaml'), yaml);
  return dir;
}

async function failedStart(yaml: string): Promise<string> {
  const dir = configDir(yaml);
  try {
    await run(tsx, [main], { cwd: repoRoot, env: { ...process.env, HANGAR_CONFIG: join(dir, 'hangar.yaml') }, timeoutMs: 60_000 });
  } catch (error) {
    if (error instanceof RunError) {
      expect(error.result.code).toBe(1);
      return error.result.stderr;
    }
    throw error;
  }
  throw new Error('Hangar started with a broken configuration');
}

describe('start-up configuration errors', () => {
  it('stops at an unknown key and names it', async () => {
    const stderr = await failedStart('hosts:\n  - name: a\n    endpoint: unix:///x.sock\n    lables: { role: web }\n');
    expect(stderr).toMatch(/cannot start: .*hangar\.yaml: hosts\[0\]\.lables: unknown key/);
    expect(stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('stops at a malformed endpoint and names the key', async () => {
    const stderr = await failedStart('hosts:\n  - name: a\n    endpoint: tcp//10.0.0.5:2376\n');
    expect(stderr).toMatch(/hosts\[0\]\.endpoint: malformed endpoint "tcp\/\/10\.0\.0\.5:2376"/);
  });

  it('stops at a missing certificate file and names the key', async () => {
    const stderr = await failedStart('hosts:\n  - name: g\n    endpoint: tcp://127.0.0.1:2376\n    tls: { ca: certs/ca.pem }\n');
    expect(stderr).toMatch(/hosts\[0\]\.tls\.ca: file not found: .*certs\/ca\.pem/);
  });
});

describe('npm start', () => {
  let child: ChildProcess | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  async function start(dataDir: string, yaml: string): Promise<{ url: string; stdout: () => string; stderr: () => string }> {
    const dir = configDir(yaml);
    const port = await freePort();
    let stdout = '';
    let stderr = '';
    child = spawn(tsx, [main], {
      cwd: repoRoot,
      env: { ...process.env, HANGAR_CONFIG: join(dir, 'hangar.yaml'), HANGAR_PORT: String(port), HANGAR_DATA_DIR: dataDir, HANGAR_ADMIN_TOKEN: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    await waitFor('Hangar to serve /healthz', async () => (await fetch(`${url}/healthz`)).status === 200, { timeoutMs: 60_000, intervalMs: 200 });
    return { url, stdout: () => stdout, stderr: () => stderr };
  }

  it('starts on an embedded Redis with an unreachable host, prints a generated admin token once, and keeps it across restarts', async () => {
    const dataDir = mkdtempSync(join(info.dir, 'data-'));
    const yaml = `hosts:\n  - name: far\n    endpoint: unix://${dataDir}/nothing.sock\n  - name: alpha\n    endpoint: ${info.engines.alpha.endpoint}\n`;
    const first = await start(dataDir, yaml);
    const token = /\b(hgr_[A-Za-z0-9_-]{20,})\b/.exec(first.stdout())?.[1];
    expect(token, first.stdout()).toBeDefined();
    expect(first.stderr()).not.toContain(token!);
    const sdk = createHangarClient({ url: first.url, token: token! });
    const { hosts } = await sdk.hosts();
    expect(hosts.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: 'far', status: 'DOWN' },
      { name: 'alpha', status: 'UP' },
    ]);
    // No token at all: the SDK cannot be made without one, so this 401 is checked with a bare GraphQL request.
    expect(() => createHangarClient({ url: first.url, token: '' })).toThrow(/a token is required/);
    expect((await graphql(first.url, undefined, '{ hosts { name } }')).status).toBe(401);
    // A wrong token through the SDK: UNAUTHENTICATED, from the 401.
    const denied = await createHangarClient({ url: first.url, token: 'hgr_not-the-admin-token' })
      .hosts()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(denied).toBeInstanceOf(HangarError);
    expect(denied).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    await sdk.close();

    // Restart on the same data: Redis (AOF) kept the token's hash, so no new token is printed and the old one works.
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    const second = await start(dataDir, yaml);
    expect(second.stdout()).not.toMatch(/hgr_/);
    const again = createHangarClient({ url: second.url, token: token! });
    expect((await again.hosts()).hosts.map((host) => host.name)).toEqual(['far', 'alpha']);
    await again.close();
  });
});

describe('stopping', () => {
  it('ends within bounds when Redis went away first (killed with the process group, or down)', async () => {
    const dir = mkdtempSync(join(info.dir, 'redis-gone-'));
    const port = await freePort();
    const redis = await spawnDaemon({ command: 'redis-server', args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], logFile: join(dir, 'redis.log') });
    await waitFor('redis to answer', async () => (await run('redis-cli', ['-p', String(port), 'ping']).catch(() => ({ stdout: '' }))).stdout.trim() === 'PONG', { timeoutMs: 10_000 });
    const hangar = await startTestHangar(info, { redis: { url: `redis://127.0.0.1:${port}` }, hosts: [sandboxHost(info, 'alpha')] });
    await hangar.sdk.hosts();
    process.kill(redis.pid, 'SIGKILL');
    await redis.exited;
    const started = Date.now();
    await hangar.stop();
    // Each shutdown step gives up after 5 s; the steps that need Redis are a handful. Not a timing assertion:
    // the point is that stop() returns at all (before the bound, it waited for Redis forever).
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
