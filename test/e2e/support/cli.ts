import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../apps/cli/bin/hangar.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `hangar ARGS` in a child process (stdout a pipe, so no TTY output), connected to a Hangar through HANGAR_URL and
 * HANGAR_TOKEN; the test's own HANGAR_* variables are not inherited. Killed after `timeoutMs`.
 */
export function runHangarCli(
  connection: { url: string; token: string },
  args: string[],
  { env = {}, input, timeoutMs = 90_000 }: { env?: Record<string, string | undefined>; input?: Buffer | string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('HANGAR_')));
  const childEnv = { ...base, HANGAR_URL: connection.url, HANGAR_TOKEN: connection.token, HANGAR_CONFIG_FILE: undefined, ...env };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: Object.fromEntries(Object.entries(childEnv).filter((entry): entry is [string, string] => entry[1] !== undefined)),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.end(input ?? '');
  });
}
