import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePort, run, waitFor } from '@hangar/system';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MAX_API_VERSION, compareApiVersions } from '@hangar/core';
import type { HostFieldsFragment } from '@hangar/sdk';
import { Sandbox } from '../sandbox/index.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';

// ssh:// hosts against a real sshd (the sandbox's, on 127.0.0.1): docker-modem opens one SSH connection per request
// and runs `docker system dial-stdio` there; the sandbox's sshd gives every session DOCKER_HOST=<alpha>, so the SSH
// host IS engine alpha.
const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const ssh = info.ssh;
const HEALTH_TIMEOUT_MS = 3_000;

let hangar: TestHangar;
let wrongKey: string;
let closedPort: number;
let silent: Server;
let silentPort: number;
const silentSockets = new Set<Socket>();
let silentConnections = 0;

/** 'SHA256:...' of a public key, as sshd logs it. */
async function fingerprint(publicKey: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-l', '-f', publicKey]);
  const fp = stdout.trim().split(/\s+/)[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -l output: ${stdout}`);
  return fp;
}

const sshdLog = () => readFileSync(ssh.logFile, 'utf8');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** One host, checked now, and how long the answer took. */
async function host(name: string): Promise<{ view: HostFieldsFragment; ms: number }> {
  const started = Date.now();
  const { host: view } = await hangar.sdk.host({ name, refresh: true });
  const ms = Date.now() - started;
  if (!view) throw new Error(`host ${name} is not configured`);
  return { view, ms };
}

beforeAll(async () => {
  // Only the configured key files may authenticate: an agent of the caller's (SSH_AUTH_SOCK) could hold a key that
  // logs in, and the wrong-key case would then pass or fail for the wrong reason. DockerHostClient reads it at start.
  delete process.env.SSH_AUTH_SOCK;
  const keyDir = mkdtempSync(join(info.dir, 'ssh-e2e-'));
  wrongKey = join(keyDir, 'id_wrong');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hangar-e2e-wrong-key', '-f', wrongKey]);
  closedPort = await freePort();
  // Accepts TCP connections and never says a word: an SSH handshake that never completes.
  silent = createServer((socket) => {
    silentConnections++;
    silentSockets.add(socket);
    socket.on('close', () => silentSockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;

  hangar = await startTestHangar(info, {
    health: { intervalMs: 60_000, timeoutMs: HEALTH_TIMEOUT_MS },
    hosts: [
      sandboxHost(info, ssh.target),
      { name: 'alpha-ssh', endpoint: ssh.endpoint, ssh: { privateKey: ssh.privateKey } },
      { name: 'ssh-wrong-key', endpoint: ssh.endpoint, ssh: { privateKey: wrongKey } },
      { name: 'ssh-closed-port', endpoint: `ssh://${ssh.user}@127.0.0.1:${closedPort}`, ssh: { privateKey: ssh.privateKey } },
      { name: 'ssh-silent', endpoint: `ssh://${ssh.user}@127.0.0.1:${silentPort}`, ssh: { privateKey: ssh.privateKey } },
    ],
  });
});

afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  await hangar?.stop();
});

describe('ssh:// hosts through a real sshd', () => {
  it('reports the SSH host UP with what `docker version` and `docker info` report for alpha, over SSH with the key', async () => {
    expect(ssh.target).toBe('alpha');
    // Make alpha tell itself apart from beta and gamma (same engine build, same seed): one container more.
    const probe = `hangar-ssh-probe-${process.pid}`;
    await sandbox.docker('alpha', ['create', '--name', probe, info.seed.baseRef]);
    try {
      const keyFp = await fingerprint(ssh.publicKey);
      const accepted = () => sshdLog().split('\n').filter((l) => l.includes(`Accepted publickey for ${ssh.user} from 127.0.0.1`) && l.includes(keyFp)).length;
      // Let the check Hangar started at start-up end first (a query joins a check in flight): the one below is ours.
      await host('alpha-ssh');
      const acceptedBefore = accepted();

      const { view, ms } = await host('alpha-ssh');
      expect(view).toMatchObject({ name: 'alpha-ssh', endpoint: ssh.endpoint, status: 'UP', error: null, errorCode: null });
      expect(ms).toBeLessThan(HEALTH_TIMEOUT_MS);

      const { stdout: version } = await sandbox.docker('alpha', ['version', '--format', '{{.Server.Version}}']);
      const { stdout: versionJson } = await sandbox.docker('alpha', ['version', '--format', '{{json .Server}}']);
      const server = JSON.parse(versionJson) as { ApiVersion: string; MinAPIVersion: string; Os: string; Arch: string; KernelVersion: string };
      const { stdout: infoJson } = await sandbox.docker('alpha', ['info', '--format', '{{json .}}']);
      const dockerInfo = JSON.parse(infoJson) as { Name: string; OperatingSystem: string; Driver: string; Images: number; Containers: number; NCPU: number; MemTotal: number };
      const expectedApi = compareApiVersions(server.ApiVersion, MAX_API_VERSION) < 0 ? server.ApiVersion : MAX_API_VERSION;
      expect(view.engine).toEqual({
        version: version.trim(),
        apiVersion: expectedApi,
        maxApiVersion: server.ApiVersion,
        minApiVersion: server.MinAPIVersion,
        name: dockerInfo.Name,
        operatingSystem: dockerInfo.OperatingSystem,
        os: server.Os,
        arch: server.Arch,
        kernelVersion: server.KernelVersion,
        storageDriver: dockerInfo.Driver,
        images: dockerInfo.Images,
        containers: dockerInfo.Containers,
        cpus: dockerInfo.NCPU,
        memory: dockerInfo.MemTotal,
      });
      // ... which is alpha's, not another engine's: the probe container makes the count differ from beta's.
      const { stdout: betaContainers } = await sandbox.docker('beta', ['info', '--format', '{{.Containers}}']);
      expect(view.engine!.containers).not.toBe(Number(betaContainers.trim()));
      expect(view.engine).toEqual((await host('alpha')).view.engine);

      // The answer really came through sshd, authenticated with the sandbox key: one session per engine request
      // (GET /version, GET /info).
      await waitFor('sshd to log the accepted logins', () => accepted() >= acceptedBefore + 2, { timeoutMs: 2_000, intervalMs: 50 });
    } finally {
      await sandbox.docker('alpha', ['rm', '-f', probe]);
    }
  });

  it('reports a host whose key sshd does not accept DOWN with an authentication error', async () => {
    const wrongFp = await fingerprint(`${wrongKey}.pub`);
    expect(wrongFp).not.toBe(await fingerprint(ssh.publicKey));

    const { view, ms } = await host('ssh-wrong-key');
    expect(view).toMatchObject({ status: 'DOWN', engine: null });
    expect(ms).toBeLessThan(HEALTH_TIMEOUT_MS);
    // ENGINE_ERROR today: mapDockerError does not know ssh2's auth failures (error.level 'client-authentication');
    // HOST_UNREACHABLE once it does. Either way the message must say what failed, where.
    expect(['HOST_UNREACHABLE', 'ENGINE_ERROR']).toContain(view.errorCode);
    expect(view.error).toMatch(new RegExp(`^ssh-wrong-key \\(${escape(ssh.endpoint)}\\): .*authentication`, 'i'));
    // sshd saw that very key and refused it (not some other failure on the way).
    await waitFor('sshd to log the refused key', () => new RegExp(`Failed publickey for ${ssh.user} from 127\\.0\\.0\\.1 port \\d+ ssh2: ED25519 ${escape(wrongFp)}`).test(sshdLog()), {
      timeoutMs: 2_000,
      intervalMs: 50,
    });
    // ... and the right key still gets in.
    expect((await host('alpha-ssh')).view.status).toBe('UP');
  });

  it('reports a closed SSH port DOWN with HOST_UNREACHABLE (connection refused) at once', async () => {
    const { view, ms } = await host('ssh-closed-port');
    expect(view).toMatchObject({ status: 'DOWN', errorCode: 'HOST_UNREACHABLE', engine: null });
    expect(view.error).toBe(`ssh-closed-port (ssh://${ssh.user}@127.0.0.1:${closedPort}): connection refused (ECONNREFUSED)`);
    expect(ms).toBeLessThan(HEALTH_TIMEOUT_MS);
  });

  it('reports an SSH handshake that never completes DOWN with HOST_TIMEOUT within the health timeout', async () => {
    // Twice: the first check may join the one Hangar started at start-up; the second surely starts afresh.
    for (const attempt of [1, 2]) {
      const before = silentConnections;
      const { view, ms } = await host('ssh-silent');
      expect(view, `attempt ${attempt}`).toMatchObject({ status: 'DOWN', errorCode: 'HOST_TIMEOUT', engine: null });
      expect(view.error).toBe(`ssh-silent (ssh://${ssh.user}@127.0.0.1:${silentPort}): no answer within ${HEALTH_TIMEOUT_MS} ms`);
      // The health timeout bounds the whole check, SSH handshake included (plus slack for the GraphQL round trip).
      expect(ms, `attempt ${attempt}: the check took ${ms} ms: the health timeout did not cut the SSH handshake`).toBeLessThan(HEALTH_TIMEOUT_MS + 1_500);
      if (attempt === 2) {
        expect(silentConnections).toBeGreaterThan(before); // Hangar did knock on this port ...
        expect(ms).toBeGreaterThanOrEqual(HEALTH_TIMEOUT_MS - 100); // ... and waited for it as long as allowed
      }
    }
  });
});
