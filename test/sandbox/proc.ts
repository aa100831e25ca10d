/**
 * Low-level process, mount and cgroup helpers for stopping what the sandbox started (Linux, root).
 * Everything here acts only on processes / mounts / cgroups that can be tied to one sandbox directory.
 */
import { existsSync, readFileSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '@hangar/system';

export interface ProcStat {
  comm: string;
  /** R, S, D, Z (zombie), X ... */
  state: string;
  /** Field 22 of /proc/PID/stat (clock ticks since boot): with the pid, identifies one process for good. */
  startTime: string;
  /** Field 4: the parent's pid. */
  ppid: number;
}

export function procStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const rest = text.slice(close + 2).split(' ');
    return { comm: text.slice(open + 1, close), state: rest[0] ?? '?', startTime: rest[19] ?? '', ppid: Number(rest[1] ?? 0) };
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (a zombie has ended; only its parent has not reaped it yet). */
export function isRunning(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

export function procCmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * SIGTERM, wait up to `timeoutMs`, then SIGKILL. Zombie-aware (unlike a plain kill(pid, 0) loop, which never ends
 * for a process whose parent does not reap it). Resolves 'gone' or 'killed'.
 */
export async function terminate(pid: number, timeoutMs = 20_000): Promise<'gone' | 'killed'> {
  if (!isRunning(pid)) return 'gone';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  if (await waitGone(pid, timeoutMs)) return 'gone';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  await waitGone(pid, 10_000);
  return 'killed';
}

/**
 * Every living descendant of `pid` (children first, then theirs). sshd's sessions (`sshd: root [priv]` ->
 * `sshd: root@notty` -> `docker system dial-stdio`) outlive a SIGTERMed listener: collect them before stopping it.
 */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (!stat || stat.state === 'Z') continue;
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length) {
    const next = queue.shift()!;
    found.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return found;
}

/** Programs the sandbox starts (directly or through dockerd/containerd); `comm` is cut at 15 chars by the kernel. */
const SANDBOX_COMMS = ['dockerd', 'containerd', 'containerd-shim', 'containerd-shim-runc-v2', 'docker-registry', 'redis-server', 'runc', 'docker-proxy', 'docker-init', 'sshd'].map(
  (c) => c.slice(0, 15),
);

/** Processes of a sandbox program whose command line names something inside `dir` (e.g. shims: -address DIR/...). */
export function findSandboxProcesses(dir: string): { pid: number; comm: string; cmdline: string }[] {
  const needle = `${dir}/`;
  const found: { pid: number; comm: string; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const stat = procStat(pid);
    if (!stat || stat.state === 'Z' || !SANDBOX_COMMS.includes(stat.comm)) continue;
    const args = procCmdline(pid);
    if (args.some((a) => a.includes(needle) || a === dir)) found.push({ pid, comm: stat.comm, cmdline: args.join(' ') });
  }
  return found;
}

function decodeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function readMounts(): { source: string; target: string; type: string }[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [source = '', target = '', type = ''] = line.split(' ');
      return { source: decodeMountField(source), target: decodeMountField(target), type };
    });
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const targets = readMounts()
    .map((m) => m.target)
    .filter((t) => t === dir || t.startsWith(`${dir}/`));
  return [...new Set(targets)].sort((a, b) => b.split('/').length - a.split('/').length || b.length - a.length);
}

/** `umount -l` everything mounted at or below `dir`, deepest first, until nothing is left. Returns what remains. */
export async function unmountUnder(dir: string, log: (line: string) => void = () => {}): Promise<string[]> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const targets = mountsUnder(dir);
    if (targets.length === 0) return [];
    for (const target of targets) {
      log(`umount -l ${target}`);
      try {
        await run('umount', ['-l', target], { timeoutMs: 10_000 });
      } catch {
        /* parent lazily unmounted first, or already gone: check again below */
      }
    }
  }
  return mountsUnder(dir);
}

function cgroupRoots(): string[] {
  return [...new Set(readMounts().filter((m) => m.type === 'cgroup' || m.type === 'cgroup2').map((m) => m.target))];
}

function subdirsDeepestFirst(root: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(path, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      /* vanished */
    }
    for (const name of entries) walk(join(path, name));
    out.push(path);
  };
  walk(root);
  return out;
}

/**
 * Kills every process left in the cgroup `/<name>` (the engine's --cgroup-parent: container processes whose shim
 * is gone) in every mounted hierarchy, then removes those cgroup directories.
 */
export async function removeCgroup(name: string, log: (line: string) => void = () => {}): Promise<void> {
  if (!name || name.includes('/') || name === '.' || name === '..') return;
  for (const root of cgroupRoots()) {
    const base = join(root, name);
    if (!existsSync(base) || !statSync(base).isDirectory()) continue;
    const dirs = subdirsDeepestFirst(base);
    for (const dir of dirs) {
      let pids: number[] = [];
      try {
        pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
      } catch {
        /* not a cgroup dir */
      }
      for (const pid of pids) {
        log(`SIGKILL ${pid} left in cgroup ${dir}`);
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    for (const dir of dirs) {
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          rmdirSync(dir);
          break;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') break;
          if (attempt === 19) log(`could not remove cgroup ${dir}: ${code}`);
          else await sleep(50);
        }
      }
    }
  }
}

/** The last `lines` lines of a log file ('' when missing). */
export function tailFile(file: string, lines = 30): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n').trimEnd();
  } catch {
    return `(no log at ${file})`;
  }
}
