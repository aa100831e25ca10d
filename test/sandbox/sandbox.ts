/**
 * The test sandbox: redis, a Distribution registry, three independent Docker engines (each with its own directories,
 * ports and containerd) and an sshd whose sessions reach engine alpha, all on loopback, all stopped again by pid.
 * See ./README.md.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename, join, resolve } from 'node:path';
import { ensureCommands, freePort, run, spawnDaemon, waitFor, type Daemon } from '@hangar/system';
import { makeTls, tlsPaths } from './certs.js';
import { descendants, findSandboxProcesses, isRunning, mountsUnder, procStat, removeCgroup, tailFile, terminate, unmountUnder } from './proc.js';
import { APP_10, emptySeedInfo, prepareSeedContext, pushToRegistry, seedEngine } from './seed.js';
import { ENGINE_NAMES, type EngineInfo, type EngineName, type RegistryInfo, type SandboxInfo, type SshInfo, type StartSandboxOptions } from './types.js';

const STATE_FILE = 'state.json';
const MARKER_FILE = '.hangar-sandbox';

const ENGINE_LABELS: Record<EngineName, Record<string, string>> = {
  alpha: { role: 'web', env: 'test' },
  beta: { role: 'api', env: 'test' },
  gamma: { role: 'web', env: 'edge' },
};

const REQUIRED_COMMANDS = [
  { command: 'dockerd', debianPackage: 'docker.io' },
  { command: 'docker', debianPackage: 'docker.io' },
  { command: 'containerd', debianPackage: 'containerd' },
  { command: 'docker-registry', debianPackage: 'docker-registry' },
  { command: 'redis-server', debianPackage: 'redis-server' },
  { command: 'busybox', debianPackage: 'busybox-static' },
  { command: 'openssl', debianPackage: 'openssl' },
  { command: 'htpasswd', debianPackage: 'apache2-utils' },
  { command: 'sshd', debianPackage: 'openssh-server' },
  { command: 'ssh-keygen', debianPackage: 'openssh-client' },
  { command: 'ssh', debianPackage: 'openssh-client' },
];

/** The engine the sandbox's sshd hands every session to: the SSH host IS this engine. */
const SSH_TARGET: EngineName = 'alpha';
const SSH_USER = 'root';

type Role = 'dockerd' | 'containerd' | 'registry' | 'redis' | 'sshd';

interface ProcessRecord {
  pid: number;
  role: Role;
  engine?: EngineName;
  /** From /proc/PID/stat: guards against killing an unrelated process that reused the pid. */
  startTime?: string;
  logFile: string;
}

/** Contents of DIR/state.json, rewritten after every process start/stop. */
export interface SandboxState {
  version: 1;
  dir: string;
  createdAt: string;
  ownerPid: number;
  detached: boolean;
  /** `--cgroup-parent` of each engine (one path element under every cgroup hierarchy). */
  cgroupParents: string[];
  /** Keyed like SandboxInfo.pids. */
  processes: Record<string, ProcessRecord>;
  info: SandboxInfo;
}

// ---------------------------------------------------------------------------------------------------------------
// layout

interface EngineLayout {
  dir: string;
  containerdDir: string;
  containerdSock: string;
  containerdConfig: string;
  containerdLog: string;
  dataRoot: string;
  execRoot: string;
  pidFile: string;
  daemonJson: string;
  dockerdLog: string;
  cgroupParent: string;
}

function engineLayout(dir: string, name: EngineName): EngineLayout {
  const e = join(dir, name);
  return {
    dir: e,
    containerdDir: join(e, 'containerd'),
    containerdSock: join(e, 'containerd', 'containerd.sock'),
    containerdConfig: join(e, 'containerd', 'config.toml'),
    containerdLog: join(e, 'containerd.log'),
    dataRoot: join(e, 'root'),
    execRoot: join(e, 'exec'),
    pidFile: join(e, 'docker.pid'),
    daemonJson: join(e, 'daemon.json'),
    dockerdLog: join(e, 'dockerd.log'),
    cgroupParent: `${basename(dir)}-${name}`.replace(/[^A-Za-z0-9_.-]/g, '_'),
  };
}

const dockerConfigDir = (dir: string) => join(dir, 'docker-config');

function sshLayout(dir: string) {
  const d = join(dir, 'ssh');
  return {
    dir: d,
    config: join(d, 'sshd_config'),
    hostKey: join(d, 'ssh_host_ed25519_key'),
    clientKey: join(d, 'id_ed25519'),
    authorizedKeys: join(d, 'authorized_keys'),
    knownHosts: join(d, 'known_hosts'),
    log: join(d, 'sshd.log'),
  };
}

/** A value for sshd_config: double-quoted (sshd splits its arguments like a shell, quotes included). */
const sshdQuote = (value: string) => `"${value.replace(/(["\\])/g, '\\$1')}"`;

/** sshd refuses to start unless run with its absolute path ("sshd re-exec requires execution with an absolute path"). */
async function sshdPath(): Promise<string> {
  for (const candidate of ['/usr/sbin/sshd', '/sbin/sshd']) if (existsSync(candidate)) return candidate;
  const { stdout } = await run('sh', ['-c', 'command -v sshd']);
  return stdout.trim();
}

/** ssh(1) options for a session on the sandbox's sshd: its key only (no agent, no ~/.ssh), its known_hosts. */
export function sandboxSshArgs(ssh: SshInfo): string[] {
  return [
    '-F', 'none', '-p', String(ssh.port), '-i', ssh.privateKey, '-l', ssh.user,
    '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', `UserKnownHostsFile=${ssh.knownHosts}`,
    '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=5', ssh.host,
  ];
}

/** Resolves true once something on 127.0.0.1:port greets with an SSH-2.0 banner. */
async function sshBanner(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\n')) done(data.startsWith('SSH-2.0-'));
    });
    socket.once('error', () => done(false));
  });
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('DOCKER_') || k.startsWith('REGISTRY_') || k === 'NOTIFY_SOCKET') continue;
    env[k] = v;
  }
  return env;
}

/** Env for the docker CLI aimed at one engine of the sandbox described by `info` (same as Sandbox.dockerEnv). */
export function sandboxDockerEnv(info: SandboxInfo, name: EngineName): NodeJS.ProcessEnv {
  return engineEnv(info, name);
}

function engineEnv(info: SandboxInfo, name: EngineName): NodeJS.ProcessEnv {
  const engine = info.engines[name];
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    DOCKER_HOST: engine.endpoint,
    DOCKER_CONFIG: dockerConfigDir(info.dir),
    // Debian's docker CLI has no buildx plugin: without this `docker build` fails ("BuildKit is enabled but the
    // buildx component is missing"); the 20.10 engine's classic builder is what we use.
    DOCKER_BUILDKIT: '0',
    DOCKER_CLI_HINTS: 'false',
  };
  if (engine.tls) {
    env.DOCKER_TLS_VERIFY = '1';
    env.DOCKER_CERT_PATH = tlsPaths(join(info.dir, name)).clientDir;
  }
  return env;
}

const randomToken = (bytes: number) => randomBytes(bytes).toString('base64url');

/** A random string of exactly `length` letters and digits. */
function randomAlnum(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/** Registry users whose passwords sweep what breaks credential encodings (see RegistryInfo.users). */
function registryTestUsers(): RegistryInfo['users'] {
  const base = 12 + (randomBytes(1)[0]! % 12);
  return [
    ...[0, 1, 2].map((extra) => ({ username: `len-${base + extra}`, password: randomAlnum(base + extra), why: `${base + extra} characters` })),
    { username: 'escapes', password: `${randomAlnum(5)}:@"\\${randomAlnum(3)}:x@`, why: 'JSON escapes and URL userinfo characters' },
    { username: 'unicode-ü', password: `pässwörd-日本-🔑-${randomAlnum(4)}`, why: 'non-ASCII (multi-byte UTF-8)' },
    ...[0, 1, 2].map((shift) => ({ username: `b64-${shift}`, password: `${'y'.repeat(shift)}???~~~???~~~${randomAlnum(3)}`, why: `bytes that encode to + and / (shift ${shift})` })),
  ];
}

function newSandboxDir(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (let attempt = 0; attempt < 20; attempt++) {
    const suffix = Array.from(randomBytes(6), (b) => alphabet[b % alphabet.length]).join('');
    const dir = `/tmp/hs-${suffix}`;
    try {
      mkdirSync(dir, { mode: 0o755 });
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error('could not create a sandbox directory under /tmp');
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

export function readSandboxState(dir: string): SandboxState | undefined {
  try {
    return JSON.parse(readFileSync(join(resolve(dir), STATE_FILE), 'utf8')) as SandboxState;
  } catch {
    return undefined;
  }
}

/** The process recorded in the state, if that very process (same pid AND start time) still runs. */
function ownedAndRunning(record: ProcessRecord): boolean {
  const stat = procStat(record.pid);
  if (!stat || stat.state === 'Z') return false;
  return record.startTime ? stat.startTime === record.startTime : true;
}

async function canConnect(path: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

async function redisPing(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}

/** Like Promise.all, but waits for every promise to settle (no start still in flight when we clean up). */
async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length === 1) throw failed[0]!.reason;
  if (failed.length > 1) {
    throw new Error(failed.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason))).join('\n\n'));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// teardown (shared by Sandbox.stop and stopSandboxAt)

async function killRunningContainers(info: SandboxInfo, name: EngineName): Promise<void> {
  const env = engineEnv(info, name);
  const { stdout } = await run('docker', ['ps', '-q'], { env, timeoutMs: 5_000 });
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length) await run('docker', ['kill', ...ids], { env, timeoutMs: 10_000 });
}

async function teardown(dir: string, state: SandboxState | undefined, log: (line: string) => void, { keepDir = false } = {}): Promise<void> {
  const records = Object.entries(state?.processes ?? {});
  const stopRole = async (roles: Role[], timeoutMs: number) => {
    await Promise.all(
      records
        .filter(([, r]) => roles.includes(r.role) && ownedAndRunning(r))
        .map(async ([key, r]) => {
          const how = await terminate(r.pid, timeoutMs);
          log(`${key} (pid ${r.pid}) ${how === 'gone' ? 'stopped' : 'killed with SIGKILL'}`);
        }),
    );
  };

  // 1. Running containers would make each dockerd wait 10 s (their stop timeout) on SIGTERM: kill them first.
  if (state) {
    await Promise.all(
      ENGINE_NAMES.filter((n) => {
        const r = state.processes[`dockerd-${n}`];
        return r !== undefined && ownedAndRunning(r);
      }).map((n) => killRunningContainers(state.info, n).catch(() => {})),
    );
  }
  // 2. sshd and its sessions (a SIGTERMed listener leaves them running: collect them first), then dockerd (it
  //    unmounts what it mounted, asks containerd to delete its tasks), then the rest.
  const sessions = records.filter(([, r]) => r.role === 'sshd' && ownedAndRunning(r)).flatMap(([, r]) => descendants(r.pid));
  await stopRole(['sshd'], 5_000);
  await Promise.all(sessions.map((pid) => terminate(pid, 2_000)));
  await stopRole(['dockerd'], 30_000);
  await stopRole(['containerd', 'registry', 'redis'], 15_000);

  // 3. Anything else of ours: shims (their -address names our containerd socket), a dockerd started from a
  //    pidfile we never recorded, ...
  for (const stray of findSandboxProcesses(dir)) {
    log(`stopping leftover ${stray.comm} (pid ${stray.pid}): ${stray.cmdline}`);
    await terminate(stray.pid, 5_000);
  }
  // 4. Container processes whose shim is gone, and the engines' cgroup directories.
  for (const parent of state?.cgroupParents ?? ENGINE_NAMES.map((n) => engineLayout(dir, n).cgroupParent)) {
    await removeCgroup(parent, log);
  }
  // 5. Mounts dockerd left behind (overlay "merged" dirs, the bind mount of its data-root, container shm).
  const stillMounted = await unmountUnder(dir, log);
  if (stillMounted.length) throw new Error(`sandbox ${dir}: still mounted after umount -l: ${stillMounted.join(', ')}`);
  // 6. The directory.
  if (keepDir) log(`kept ${dir} for inspection (remove it with stopSandboxAt(dir) or rm -rf)`);
  else await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  // 7. Orphaned daemons (cli up/down) are reaped by PID 1, sometimes seconds later: wait a little so that
  //    `ps` right after `down` shows no <defunct> entries of ours. Best-effort, zombies hold no resources.
  const deadline = Date.now() + 5_000;
  const ours = records.map(([, r]) => r).filter((r) => procStat(r.pid)?.startTime === r.startTime);
  while (ours.some((r) => procStat(r.pid)?.startTime === r.startTime) && Date.now() < deadline) await sleep(100);
  const left = findSandboxProcesses(dir);
  if (left.length) throw new Error(`sandbox ${dir}: processes still running: ${left.map((p) => `${p.pid} ${p.cmdline}`).join('; ')}`);
}

/**
 * Stops the sandbox whose state file is in `dir` (started by this or another process, e.g. `cli up`), then unmounts
 * leftovers and removes `dir`. A missing `dir` is fine; a directory that is not a sandbox is left alone.
 */
export async function stopSandboxAt(dir: string, { log = () => {} }: { log?: (line: string) => void } = {}): Promise<void> {
  const abs = resolve(dir);
  if (!existsSync(abs)) return;
  const real = realpathSync(abs);
  if (real.split('/').filter(Boolean).length < 2) throw new Error(`refusing to treat ${real} as a sandbox directory`);
  const state = readSandboxState(real);
  if (!state && !existsSync(join(real, MARKER_FILE))) {
    throw new Error(`${real} is not a sandbox directory (no ${STATE_FILE} or ${MARKER_FILE}); not touching it`);
  }
  await teardown(real, state, log);
}

// ---------------------------------------------------------------------------------------------------------------
// Sandbox

export class Sandbox {
  readonly info: SandboxInfo;
  readonly #state: SandboxState;
  readonly #detached: boolean;
  readonly #log: (line: string) => void;
  readonly #daemons = new Map<string, Daemon>();
  readonly #registrySecret = randomToken(24);
  /** Made by startSandbox (owns the processes) or by Sandbox.attach (another process drives a running sandbox). */
  readonly #owner: boolean;
  #stopped = false;
  #stopping: Promise<void> | undefined;
  readonly #onExit = () => {
    // Last resort when the owner exits without stop(): SIGTERM so nothing keeps running (no unmount / rm here).
    const processes = { ...this.#state.processes, ...readSandboxState(this.info.dir)?.processes };
    for (const r of Object.values(processes)) {
      try {
        if (ownedAndRunning(r)) process.kill(r.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
  };

  /** @internal use startSandbox() or Sandbox.attach() */
  constructor(init: { info: SandboxInfo; detached: boolean; log: (line: string) => void; owner: boolean; state?: SandboxState }) {
    this.info = init.info;
    this.#detached = init.detached;
    this.#log = init.log;
    this.#owner = init.owner;
    this.#state = init.state ?? {
      version: 1,
      dir: init.info.dir,
      createdAt: new Date().toISOString(),
      ownerPid: process.pid,
      detached: init.detached,
      cgroupParents: ENGINE_NAMES.map((n) => engineLayout(init.info.dir, n).cgroupParent),
      processes: {},
      info: init.info,
    };
  }

  /**
   * A handle on a sandbox started elsewhere (e.g. in vitest's globalSetup, `info` passed with provide/inject):
   * docker(), dockerEnv(), stopEngine() and startEngine() work from this process. Engines it restarts run
   * detached and are recorded in DIR/state.json, so the owner's stop() (or stopSandboxAt) stops them too.
   */
  static attach(info: SandboxInfo, { log = () => {} }: { log?: (line: string) => void } = {}): Sandbox {
    const state = readSandboxState(info.dir);
    if (!state) throw new Error(`no running sandbox in ${info.dir} (no ${STATE_FILE})`);
    const own: SandboxInfo = { ...info, pids: pidsOf(state.processes) };
    return new Sandbox({ info: own, detached: true, log, owner: false, state: { ...state, info: own } });
  }

  // ----- public API

  /** Env (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_CONFIG, DOCKER_BUILDKIT=0) for running `docker` yourself. */
  dockerEnv(name: EngineName): NodeJS.ProcessEnv {
    return engineEnv(this.info, name);
  }

  /** The docker CLI aimed at one engine (TLS for gamma, sandbox-private DOCKER_CONFIG). Rejects with RunError on failure. */
  async docker(name: EngineName, args: string[], opts: { input?: string | Buffer } = {}): Promise<{ stdout: string; stderr: string }> {
    const { stdout, stderr } = await run('docker', args, { env: this.dockerEnv(name), input: opts.input, timeoutMs: 300_000 });
    return { stdout, stderr };
  }

  /** SIGTERM that engine's dockerd and wait until it is gone (its containerd keeps running). */
  async stopEngine(name: EngineName): Promise<void> {
    const key = `dockerd-${name}`;
    this.#refresh();
    const record = this.#state.processes[key];
    if (record && ownedAndRunning(record)) {
      this.#log(`stopping dockerd ${name} (pid ${record.pid})`);
      await terminate(record.pid, 30_000);
    }
    await this.#daemons.get(key)?.exited;
    this.#daemons.delete(key);
    this.#forget(key);
  }

  /** Start that engine again with the same dirs, ports and certs; resolves once it answers `docker version`. */
  async startEngine(name: EngineName): Promise<void> {
    if (this.#stopped) throw new Error('sandbox is stopped');
    this.#refresh();
    const record = this.#state.processes[`dockerd-${name}`];
    if (record && ownedAndRunning(record)) return;
    await this.#startEngine(name);
  }

  /** Stops everything (dockerd first), unmounts leftovers, removes the directory. Safe to call twice. */
  stop(): Promise<void> {
    return this.#stop(false);
  }

  /** @internal after a failed start: stop everything, optionally keep the directory (logs). */
  abortStart(keepDir: boolean): Promise<void> {
    return this.#stop(keepDir);
  }

  #stop(keepDir: boolean): Promise<void> {
    this.#stopping ??= (async () => {
      this.#stopped = true;
      const started = Date.now();
      this.#log(`stopping sandbox ${this.info.dir}`);
      this.#refresh();
      await teardown(this.info.dir, this.#state, this.#log, { keepDir });
      await Promise.all([...this.#daemons.values()].map((d) => d.exited));
      this.#daemons.clear();
      process.off('exit', this.#onExit);
      this.#log(`sandbox stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    })();
    return this.#stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  // ----- boot

  /** @internal */
  async boot(options: StartSandboxOptions): Promise<void> {
    const dir = this.info.dir;
    if (!this.#detached) process.on('exit', this.#onExit);
    writeFileSync(join(dir, MARKER_FILE), 'hangar test sandbox: stop with `npx tsx test/sandbox/cli.ts down` or stopSandboxAt(dir)\n');
    this.#saveState();
    const t0 = Date.now();
    const lap = (what: string) => this.#log(`${what} (+${((Date.now() - t0) / 1000).toFixed(1)} s)`);

    await mkdir(dockerConfigDir(dir), { recursive: true });
    await writeFile(join(dockerConfigDir(dir), 'config.json'), '{\n  "auths": {}\n}\n');
    const seedDir = join(dir, 'seed');
    const seedContext = options.seed === false ? undefined : mkdir(seedDir, { recursive: true }).then(() => prepareSeedContext(seedDir));
    seedContext?.catch(() => {}); // awaited below

    await settleAll([
      this.#startRedis().then(() => lap('redis ready')),
      this.#startRegistry().then(() => lap('registry ready')),
      this.#startSshd().then(() => lap('sshd ready')),
      ...ENGINE_NAMES.map(async (name) => {
        if (name === 'gamma') await makeTls(join(dir, name));
        await this.#startEngine(name);
        lap(`engine ${name} ready`);
      }),
    ]);

    // Engines must be independent: distinct daemon IDs (each has its own key.json, not /etc/docker/key.json).
    const ids = await Promise.all(ENGINE_NAMES.map(async (n) => (await this.docker(n, ['info', '--format', '{{.ID}}'])).stdout.trim()));
    if (new Set(ids).size !== ids.length) throw new Error(`engines share a daemon ID: ${ids.join(', ')}`);
    // The SSH host must be its target engine: a session's docker CLI reports that engine's ID. Checked while seeding.
    const sshChecked = this.#checkSsh(ids[ENGINE_NAMES.indexOf(this.info.ssh.target)] ?? '').then(() => lap(`ssh reaches ${this.info.ssh.target}`));
    sshChecked.catch(() => {}); // awaited below

    if (seedContext) {
      const ctx = await seedContext;
      const docker = this.docker.bind(this);
      const seed = this.info.seed;
      await settleAll(
        ENGINE_NAMES.map(async (name) => {
          seed.engines[name] = await seedEngine(docker, name, ctx);
          lap(`seeded ${name}`);
          if (name === 'alpha') {
            seed.pushed = await pushToRegistry(docker, name, this.info.registry, APP_10);
            seed.engines.alpha.refs.push(seed.pushed.ref);
            seed.engines.alpha.imageIds[seed.pushed.ref] = seed.engines.alpha.imageIds[APP_10] ?? '';
            lap(`pushed ${seed.pushed.ref}`);
          }
        }),
      );
      seed.seeded = true;
      await rm(join(seedDir, 'rootfs'), { recursive: true, force: true });
      // ... and must not share image stores: what alpha built is unknown to beta.
      const alphaOnly = [seed.engines.alpha.imageIds[APP_10] ?? 'missing', seed.pushed?.ref ?? 'missing'];
      for (const ref of alphaOnly) {
        const visible = await this.docker('beta', ['image', 'inspect', ref]).then(
          () => true,
          () => false,
        );
        if (visible) throw new Error(`engines are not independent: ${ref} (from alpha) is visible on beta`);
      }
      this.#saveState();
    }
    await sshChecked;
    lap('sandbox ready');
  }

  async #startRedis(): Promise<void> {
    const redisDir = join(this.info.dir, 'redis');
    await mkdir(redisDir, { recursive: true });
    const port = Number(new URL(this.info.redisUrl).port);
    const logFile = join(redisDir, 'redis.log');
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--save', '', '--appendonly', 'no',
      '--dir', redisDir, '--daemonize', 'no', '--loglevel', 'notice',
      // What BullMQ needs (and Redis's default, said explicitly): never evict a key, refuse writes at maxmemory.
      '--maxmemory-policy', 'noeviction'];
    const daemon = this.#spawn('redis', 'redis', 'redis-server', args, logFile);
    await this.#waitReady('redis', daemon, logFile, () => redisPing(port), 15_000);
  }

  async #startRegistry(): Promise<void> {
    const regDir = join(this.info.dir, 'registry');
    await mkdir(join(regDir, 'data'), { recursive: true });
    const { registry } = this.info;
    const htpasswdFile = join(regDir, 'htpasswd');
    const lines: string[] = [];
    for (const user of [{ username: registry.username, password: registry.password }, ...registry.users]) {
      const { stdout } = await run('htpasswd', ['-Bbn', user.username, user.password]);
      lines.push(stdout.trim());
    }
    await writeFile(htpasswdFile, `${lines.join('\n')}\n`, { mode: 0o600 });
    // JSON is YAML: no quoting traps for the token or paths.
    const config = {
      version: '0.1',
      log: { level: 'info', formatter: 'text', fields: { service: 'registry' } },
      storage: { filesystem: { rootdirectory: join(regDir, 'data') }, delete: { enabled: true }, cache: { blobdescriptor: 'inmemory' } },
      http: { addr: registry.host, secret: this.#registrySecret, headers: { 'X-Content-Type-Options': ['nosniff'] } },
      auth: { htpasswd: { realm: 'hangar-sandbox', path: htpasswdFile } },
      notifications: {
        events: { includereferences: true },
        endpoints: [
          {
            name: 'hangar',
            url: registry.webhookUrl,
            headers: { Authorization: [`Bearer ${registry.webhookToken}`] },
            timeout: '1s',
            threshold: 3,
            backoff: '1s',
          },
        ],
      },
    };
    const configFile = join(regDir, 'config.yml');
    await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    const logFile = join(regDir, 'registry.log');
    const daemon = this.#spawn('registry', 'registry', 'docker-registry', ['serve', configFile], logFile);
    await this.#waitReady('registry', daemon, logFile, async () => {
      const res = await fetch(`${registry.url}/v2/`, { signal: AbortSignal.timeout(1000) });
      return res.status === 401 || res.status === 200;
    }, 15_000);
  }

  /** sshd on 127.0.0.1 with its own host key and config (nothing in /etc/ssh is read), key login for root only;
   * every session gets DOCKER_HOST=<target engine> so that `docker system dial-stdio` reaches that engine. */
  async #startSshd(): Promise<void> {
    const { ssh } = this.info;
    const l = sshLayout(this.info.dir);
    await rm(l.dir, { recursive: true, force: true }); // ssh-keygen will not overwrite a key of an earlier run
    await mkdir(l.dir, { recursive: true, mode: 0o700 });
    // The privilege separation directory is compiled in (/run/sshd); Debian creates it only in its service unit.
    await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    const keygen = (file: string, comment: string) => run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
    await Promise.all([keygen(l.hostKey, 'hangar-sandbox-host'), keygen(l.clientKey, 'hangar-sandbox-client')]);
    const [clientPub, hostPub] = await Promise.all([readFile(`${l.clientKey}.pub`, 'utf8'), readFile(`${l.hostKey}.pub`, 'utf8')]);
    await writeFile(l.authorizedKeys, clientPub, { mode: 0o600 });
    await writeFile(l.knownHosts, `[${ssh.host}]:${ssh.port} ${hostPub.trim().split(' ').slice(0, 2).join(' ')}\n`, { mode: 0o600 });
    const target = this.info.engines[ssh.target].endpoint;
    const config = [
      '# hangar test sandbox: key login for root only; every session talks to engine ' + ssh.target,
      `ListenAddress ${ssh.host}:${ssh.port}`,
      `HostKey ${sshdQuote(l.hostKey)}`,
      'PidFile none',
      `AuthorizedKeysFile ${sshdQuote(l.authorizedKeys)}`,
      `AllowUsers ${SSH_USER}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'HostbasedAuthentication no',
      'UsePAM no',
      // StrictModes checks every directory up to / for group/world write: /tmp (1777) fails it.
      'StrictModes no',
      'PermitUserEnvironment no',
      'AllowTcpForwarding no',
      'AllowAgentForwarding no',
      'AllowStreamLocalForwarding no',
      'X11Forwarding no',
      'PermitTTY no',
      'PrintMotd no',
      'UseDNS no',
      // Hangar opens one SSH connection per engine request: allow many unauthenticated ones at once.
      'MaxStartups 100',
      'LogLevel VERBOSE',
      // DOCKER_HOST makes this SSH host the target engine. SHLVL=1: Debian's bash sources ~/.bashrc for a command run
      // by sshd unless SHLVL is already >= 1; root's .bashrc may be slow (pyenv init: ~1 s per session, and Hangar
      // opens one session per request) or print something that would corrupt `docker system dial-stdio`.
      `SetEnv ${sshdQuote(`DOCKER_HOST=${target}`)} ${sshdQuote(`DOCKER_CONFIG=${dockerConfigDir(this.info.dir)}`)} DOCKER_CLI_HINTS=false SHLVL=1`,
      '',
    ].join('\n');
    await writeFile(l.config, config, { mode: 0o600 });
    const sshd = await sshdPath();
    await run(sshd, ['-t', '-f', l.config]).catch((error: Error) => {
      throw new Error(`sshd rejects ${l.config}: ${error.message}`);
    });
    const daemon = this.#spawn('sshd', 'sshd', sshd, ['-D', '-e', '-f', l.config], l.log);
    await this.#waitReady('sshd', daemon, l.log, () => sshBanner(ssh.port), 15_000);
  }

  async #checkSsh(targetId: string): Promise<void> {
    const { ssh } = this.info;
    const overSsh = await run('ssh', [...sandboxSshArgs(ssh), 'docker', 'info', '--format', '{{.ID}}'], { env: cleanEnv(), timeoutMs: 15_000 }).then(
      (r) => r.stdout.trim(),
      (error: Error) => {
        throw new Error(`docker over ssh (${ssh.endpoint}) failed: ${error.message}\n--- last lines of ${ssh.logFile} ---\n${tailFile(ssh.logFile, 25)}`);
      },
    );
    if (overSsh !== targetId) throw new Error(`${ssh.endpoint} reaches engine ${overSsh}, not ${ssh.target} (${targetId})`);
  }

  async #startContainerd(name: EngineName): Promise<void> {
    const l = engineLayout(this.info.dir, name);
    await mkdir(l.containerdDir, { recursive: true });
    // Our own containerd per engine: dockerd 20.10 without --containerd would use /run/containerd/containerd.sock
    // whenever a system containerd runs there, and then all engines would share one containerd.
    const toml = [
      'version = 2',
      `root = ${JSON.stringify(join(l.containerdDir, 'root'))}`,
      `state = ${JSON.stringify(join(l.containerdDir, 'state'))}`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = ${JSON.stringify(l.containerdSock)}`,
      '[debug]',
      '  level = "info"',
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = ${JSON.stringify(join(l.containerdDir, 'opt'))}`,
      '',
    ].join('\n');
    await writeFile(l.containerdConfig, toml);
    const daemon = this.#spawn(`containerd-${name}`, 'containerd', 'containerd', ['--config', l.containerdConfig], l.containerdLog, name);
    await this.#waitReady(`containerd ${name}`, daemon, l.containerdLog, () => canConnect(l.containerdSock), 20_000);
  }

  async #startEngine(name: EngineName): Promise<void> {
    const l = engineLayout(this.info.dir, name);
    const engine = this.info.engines[name];
    const ctd = this.#state.processes[`containerd-${name}`];
    if (!ctd || !ownedAndRunning(ctd)) await this.#startContainerd(name);
    await mkdir(l.dataRoot, { recursive: true });
    await mkdir(l.execRoot, { recursive: true });
    // Own daemon.json (not /etc/docker/daemon.json) and own key.json: the key decides the engine ID, and with the
    // default /etc/docker/key.json all engines would report the same ID.
    await writeFile(l.daemonJson, `${JSON.stringify({ 'deprecated-key-path': join(l.dir, 'key.json') }, null, 2)}\n`);
    const args = [
      '--config-file', l.daemonJson,
      '--containerd', l.containerdSock,
      '--host', engine.endpoint,
      '--data-root', l.dataRoot,
      '--exec-root', l.execRoot,
      '--pidfile', l.pidFile,
      '--iptables=false', '--ip6tables=false', '--ip-forward=false', '--ip-masq=false', '--bridge=none',
      '--cgroup-parent', `/${l.cgroupParent}`,
      '--log-level', 'info',
      ...Object.entries(engine.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ];
    if (engine.tls) {
      const tls = tlsPaths(l.dir);
      args.push('--tlsverify', '--tlscacert', tls.ca, '--tlscert', tls.serverCert, '--tlskey', tls.serverKey);
    }
    const daemon = this.#spawn(`dockerd-${name}`, 'dockerd', 'dockerd', args, l.dockerdLog, name);
    await this.#waitReady(`dockerd ${name}`, daemon, l.dockerdLog, async () => {
      await run('docker', ['version', '--format', '{{.Server.Version}}'], { env: this.dockerEnv(name), timeoutMs: 5_000 });
      return true;
    }, 60_000);
  }

  #spawn(key: string, role: Role, command: string, args: string[], logFile: string, engine?: EngineName): Daemon {
    if (this.#stopped) throw new Error('sandbox is stopping');
    const daemon = spawnDaemon({ command, args, logFile, detached: this.#detached, env: cleanEnv(), cwd: this.info.dir });
    this.#daemons.set(key, daemon);
    this.#saveState({ [key]: { pid: daemon.pid, role, engine, startTime: procStat(daemon.pid)?.startTime, logFile } });
    this.#log(`started ${command} as ${key} (pid ${daemon.pid}), log ${logFile}`);
    return daemon;
  }

  #forget(key: string): void {
    if (this.#stopped) {
      delete this.#state.processes[key];
      delete this.info.pids[key];
    } else {
      this.#saveState({ [key]: undefined });
    }
  }

  /** state.json is the truth for process records (an attached handle in another process may have changed them). */
  #refresh(): void {
    const disk = readSandboxState(this.info.dir);
    if (disk) this.#state.processes = disk.processes;
    this.info.pids = pidsOf(this.#state.processes);
  }

  /** Read, apply `changes` (undefined = remove), write: keeps what other processes wrote. The owner's info wins. */
  #saveState(changes: Record<string, ProcessRecord | undefined> = {}): void {
    const disk = readSandboxState(this.info.dir);
    const processes = { ...(disk?.processes ?? this.#state.processes) };
    for (const [key, record] of Object.entries(changes)) {
      if (record) processes[key] = record;
      else delete processes[key];
    }
    this.#state.processes = processes;
    this.info.pids = pidsOf(processes);
    const info = this.#owner || !disk ? this.info : { ...disk.info, pids: this.info.pids };
    writeJsonAtomic(join(this.info.dir, STATE_FILE), { ...this.#state, info });
  }

  async #waitReady(what: string, daemon: Daemon, logFile: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const abort = new AbortController();
    let exitCode: number | null | undefined;
    void daemon.exited.then((code) => {
      exitCode = code;
      abort.abort();
    });
    try {
      await waitFor(what, check, { timeoutMs, intervalMs: 150, signal: abort.signal });
    } catch (error) {
      const why =
        exitCode !== undefined
          ? `${what} exited (code ${exitCode}) before it was ready`
          : `${what} did not get ready: ${(error as Error).message}`;
      throw new Error(`${why}\n--- last lines of ${logFile} ---\n${tailFile(logFile, 25)}`);
    }
  }
}

/** Starts redis, the registry and the three engines, seeds images; stop with `await sandbox.stop()`. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    throw new Error(
      'the test sandbox must run as root on Linux: it starts dockerd/containerd, which mount overlayfs and create cgroups. ' +
        'Run it as root (e.g. `sudo -E npx tsx test/sandbox/cli.ts up`).',
    );
  }
  const log = options.log ?? (() => {});
  await ensureCommands(REQUIRED_COMMANDS, { log });

  let dir: string;
  if (options.dir) {
    dir = resolve(options.dir);
    if (existsSync(join(dir, STATE_FILE))) {
      const old = readSandboxState(dir);
      const running = Object.values(old?.processes ?? {}).filter((r) => ownedAndRunning(r));
      if (running.length) throw new Error(`a sandbox is already running in ${dir} (pids ${running.map((r) => r.pid).join(', ')}); stop it first with stopSandboxAt(dir) / cli down`);
    }
    mkdirSync(dir, { recursive: true });
    dir = realpathSync(dir);
  } else {
    dir = newSandboxDir();
  }
  if (`${dir}/alpha/containerd/containerd.sock.ttrpc`.length > 100) {
    throw new Error(`sandbox dir ${dir} is too long: unix socket paths under it would exceed the 108-byte limit`);
  }

  const [redisPort, registryPort, gammaPort, webhookPort, sshPort] = await distinctFreePorts(5);
  const registryHost = `127.0.0.1:${registryPort}`;
  const engines = Object.fromEntries(
    ENGINE_NAMES.map((name): [EngineName, EngineInfo] => {
      const l = engineLayout(dir, name);
      const info: EngineInfo = {
        name,
        endpoint: name === 'gamma' ? `tcp://127.0.0.1:${gammaPort}` : `unix://${join(l.dir, 'docker.sock')}`,
        labels: { ...ENGINE_LABELS[name] },
        dataRoot: l.dataRoot,
      };
      if (name === 'gamma') {
        const tls = tlsPaths(l.dir);
        info.tls = { ca: tls.clientCa, cert: tls.clientCert, key: tls.clientKey };
      }
      return [name, info];
    }),
  ) as Record<EngineName, EngineInfo>;
  const info: SandboxInfo = {
    dir,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    engines,
    registry: {
      url: `http://${registryHost}`,
      host: registryHost,
      username: 'hangar',
      // Its length varies from run to run and it holds characters that need escaping: no encoding may work by luck.
      password: `${randomAlnum(16 + (randomBytes(1)[0]! % 13))}@:"\\é`,
      users: registryTestUsers(),
      webhookUrl: options.webhookUrl ?? `http://127.0.0.1:${webhookPort}/webhooks/registry`,
      webhookToken: randomToken(24),
    },
    seed: emptySeedInfo(),
    ssh: {
      endpoint: `ssh://${SSH_USER}@127.0.0.1:${sshPort}`,
      host: '127.0.0.1',
      port: sshPort!,
      user: SSH_USER,
      target: SSH_TARGET,
      privateKey: sshLayout(dir).clientKey,
      publicKey: `${sshLayout(dir).clientKey}.pub`,
      knownHosts: sshLayout(dir).knownHosts,
      logFile: sshLayout(dir).log,
    },
    pids: {},
  };

  const sandbox = new Sandbox({ info, detached: options.detached ?? false, log, owner: true });
  try {
    log(`starting sandbox in ${dir}`);
    await sandbox.boot(options);
    return sandbox;
  } catch (error) {
    const keep = options.keepOnFailure ?? process.env.HANGAR_SANDBOX_KEEP_FAILED === '1';
    log(`start failed, cleaning up: ${(error as Error).message.split('\n')[0]}`);
    await sandbox.abortStart(keep).catch((e: unknown) => log(`cleanup after failed start: ${(e as Error).message}`));
    throw error;
  }
}

function pidsOf(processes: Record<string, ProcessRecord>): Record<string, number> {
  return Object.fromEntries(Object.entries(processes).map(([k, r]) => [k, r.pid]));
}

/**
 * Sandboxes under /tmp whose owner process died without stop() (an interrupted test run): non-detached, owner gone.
 * Detached ones (`cli up`) and ones whose owner still runs are left alone.
 */
export function findOrphanedSandboxes(root = '/tmp'): string[] {
  const found: string[] = [];
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    if (!existsSync(join(dir, MARKER_FILE))) continue;
    const state = readSandboxState(dir);
    if (!state || (!state.detached && !isRunning(state.ownerPid))) found.push(dir);
  }
  return found;
}

/** For status: is this recorded process still the one we started? */
export function processStatus(state: SandboxState): Record<string, { pid: number; running: boolean }> {
  return Object.fromEntries(Object.entries(state.processes).map(([k, r]) => [k, { pid: r.pid, running: ownedAndRunning(r) }]));
}

export { isRunning, mountsUnder };
