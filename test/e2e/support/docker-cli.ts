import type { EngineName, Sandbox } from '../../sandbox/index.js';

/** One row of `docker image ls --format json`. */
export interface DockerImageRow {
  ID: string;
  Repository: string;
  Tag: string;
  Digest: string;
  CreatedAt: string;
  Size: string;
}

/** Runs a docker command whose `--format json` output is one JSON object per line. */
export async function dockerJsonLines<T>(sandbox: Sandbox, engine: EngineName, args: string[]): Promise<T[]> {
  const { stdout } = await sandbox.docker(engine, args);
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** `docker image ls --no-trunc --digests --format json [args]`, reduced to the columns Hangar must match. */
export async function dockerImageRows(sandbox: Sandbox, engine: EngineName, args: string[] = []): Promise<DockerImageRow[]> {
  const rows = await dockerJsonLines<DockerImageRow>(sandbox, engine, ['image', 'ls', '--no-trunc', '--digests', '--format', 'json', ...args]);
  return rows.map(({ ID, Repository, Tag, Digest, CreatedAt, Size }) => ({ ID, Repository, Tag, Digest, CreatedAt, Size }));
}

export function sortRows<T extends object>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}
