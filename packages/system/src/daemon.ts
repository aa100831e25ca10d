import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SpawnDaemonOptions {
  command: string;
  args: readonly string[];
  /** stdout and stderr of the daemon are appended here. */
  logFile: string;
  /** When set, the pid is written here so another process can stop the daemon. */
  pidFile?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Keep the daemon running after this process exits (own process group, unref'd). Default false. */
  detached?: boolean;
}

/** A long-running child process that we started and must stop. */
export interface Daemon {
  readonly pid: number;
  /** Resolves with the exit code (or null when killed by a signal) once the process has ended. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process is gone. */
  stop(timeoutMs?: number): Promise<void>;
}

/** True while `pid` runs. A zombie (ended, not yet reaped by its parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Sends SIGTERM to `pid` and waits for it to end, escalating to SIGKILL after `timeoutMs`. */
export async function stopPid(pid: number, { timeoutMs = 15_000 }: { timeoutMs?: number } = {}): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    while (isAlive(pid)) await sleep(50);
  }
}

export function spawnDaemon(options: SpawnDaemonOptions): Daemon {
  const log = openSync(options.logFile, 'a');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', log, log],
    detached: options.detached ?? false,
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${options.command}`);
  const pid = child.pid;
  if (options.pidFile) writeFileSync(options.pidFile, `${pid}\n`);
  if (options.detached) child.unref();
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  return {
    pid,
    exited,
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
