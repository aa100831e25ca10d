import { CliError, UsageError } from '../cli-error.js';
import type { Runtime } from '../runtime.js';

export interface HostOptions {
  host?: string[];
  allHosts?: boolean;
}

export interface HostSelection {
  /** Host names, or undefined for every host. */
  hosts: string[] | undefined;
  /** More than one host may answer: output gets a HOST column. */
  multiHost: boolean;
  /** `--all-hosts` was given: mutations pass `allHosts: true` (Hangar acts on no host unless told which). */
  allHosts: boolean;
}

/** `-H a -H b` and `-H a,b` alike. */
function names(values: readonly string[] | undefined): string[] {
  return [...new Set((values ?? []).flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean))];
}

/**
 * The hosts a command works on: `-H NAME` (repeatable), `--all-hosts`, else HANGAR_HOST (or the config file's
 * `host`), else the only configured host. `single` commands take exactly one.
 */
export async function selectHosts(rt: Runtime, options: HostOptions, command: string, { single = false } = {}): Promise<HostSelection> {
  const given = names(options.host);
  if (options.allHosts && given.length > 0) throw new UsageError('-H/--host and --all-hosts cannot be used together', command);
  if (options.allHosts) {
    if (single) throw new UsageError(`"${command}" works on one host: choose it with -H NAME`, command);
    return { hosts: undefined, multiHost: true, allHosts: true };
  }
  if (given.length > 0) {
    if (single && given.length > 1) throw new UsageError(`"${command}" works on one host, got ${given.length}: ${given.join(', ')}`, command);
    return { hosts: given, multiHost: given.length > 1, allHosts: false };
  }
  const fallback = rt.connection().defaultHost;
  if (fallback) return { hosts: [fallback], multiHost: false, allHosts: false };
  const { hosts } = await rt.client().hosts();
  if (hosts.length === 1) return { hosts: [hosts[0]!.name], multiHost: false, allHosts: false };
  if (hosts.length === 0) throw new CliError('Hangar has no hosts configured');
  throw new CliError(
    `${hosts.length} hosts are configured (${hosts.map((host) => host.name).join(', ')}): choose with -H NAME (or HANGAR_HOST)${single ? '' : ', or use --all-hosts'}`,
  );
}

/** The one host of a single-host selection. */
export function onlyHost(selection: HostSelection): string {
  return selection.hosts![0]!;
}

/**
 * The host fields of a mutation that changes images: the hosts chosen, or `allHosts: true` for `--all-hosts`.
 * Hangar has no default for these, so a selection always says which.
 */
export function mutationHosts(selection: HostSelection): { hosts: string[] } | { allHosts: true } {
  return selection.allHosts ? { allHosts: true } : { hosts: selection.hosts! };
}
