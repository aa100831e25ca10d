import { run } from './run.js';

/** A program the caller needs, and the Debian package that ships it. */
export interface CommandRequirement {
  command: string;
  debianPackage: string;
}

/** Raised when required programs are missing and cannot be installed here; the message holds the exact fix. */
export class MissingSystemPackageError extends Error {
  constructor(
    readonly packages: string[],
    reason: string,
  ) {
    super(`missing system packages (${reason}). Install them with:\n  apt-get update && apt-get install -y ${packages.join(' ')}`);
    this.name = this.constructor.name;
  }
}

async function commandExists(command: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]`, 'sh', command]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure every required program is on this machine. Missing ones are installed with apt-get when we are
 * root on Debian and `install` is not false; otherwise a MissingSystemPackageError names the command to run.
 */
export async function ensureCommands(
  requirements: readonly CommandRequirement[],
  { install = true, log = (line: string) => console.error(line) }: { install?: boolean; log?: (line: string) => void } = {},
): Promise<void> {
  const missing: string[] = [];
  for (const requirement of requirements) {
    if (!(await commandExists(requirement.command)) && !missing.includes(requirement.debianPackage)) {
      missing.push(requirement.debianPackage);
    }
  }
  if (missing.length === 0) return;
  if (!install) throw new MissingSystemPackageError(missing, 'automatic install is off');
  if (process.getuid?.() !== 0) throw new MissingSystemPackageError(missing, 'not running as root, so they cannot be installed automatically');
  if (!(await commandExists('apt-get'))) throw new MissingSystemPackageError(missing, 'apt-get is not available');
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env, timeoutMs: 600_000 });
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, timeoutMs: 1_200_000 });
  for (const requirement of requirements) {
    if (!(await commandExists(requirement.command))) {
      throw new MissingSystemPackageError([requirement.debianPackage], `${requirement.command} still missing after install`);
    }
  }
}
