import type { ImageFilterInput, PruneImagesInput, SearchFilterInput } from '@hangar/sdk';
import { CliError } from '../cli-error.js';

/** Commander's collector for repeatable options (`-f a=1 -f b=2`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `key=value` pairs of `--filter`, in order; docker's message for one without `=`. */
export function parseFilterArgs(values: readonly string[] | undefined): [key: string, value: string][] {
  return (values ?? []).map((raw) => {
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new CliError(`bad format of filter (expected name=value)`);
    return [raw.slice(0, eq).trim().toLowerCase(), raw.slice(eq + 1)];
  });
}

function invalid(key: string, value?: string): CliError {
  return new CliError(value === undefined ? `Invalid filter '${key}'` : `Invalid filter '${key}=${value}'`);
}

/** docker's boolean filter values: true/1 and false/0, any case. */
export function parseFilterBool(key: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw invalid(key, value);
}

function single(filter: Record<string, unknown>, key: string, value: string): string {
  if (filter[key] !== undefined) throw new CliError(`filter '${key}' can be given only once`);
  return value;
}

/** `docker image ls --filter`: dangling, label, reference, before, since, until. */
export function imageFilter(values: readonly string[] | undefined, matchName?: string): ImageFilterInput | undefined {
  const filter: ImageFilterInput = {};
  for (const [key, value] of parseFilterArgs(values)) {
    switch (key) {
      case 'dangling':
        filter.dangling = parseFilterBool(key, value);
        break;
      case 'label':
        filter.label = [...(filter.label ?? []), value];
        break;
      case 'reference':
        filter.reference = [...(filter.reference ?? []), value];
        break;
      case 'before':
      case 'since':
      case 'until':
        filter[key] = single(filter, key, value);
        break;
      default:
        throw invalid(key);
    }
  }
  // `docker images REPOSITORY[:TAG]` is a reference filter.
  if (matchName) filter.reference = [...(filter.reference ?? []), matchName];
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** `docker image prune --filter`: until, label, label!=. */
export function pruneFilter(values: readonly string[] | undefined): Pick<PruneImagesInput, 'until' | 'label' | 'labelNot'> {
  const filter: Pick<PruneImagesInput, 'until' | 'label' | 'labelNot'> = {};
  for (const raw of values ?? []) {
    // `label!=x` splits at `!=`; everything else at the first `=`.
    const negated = /^\s*label!=(.*)$/is.exec(raw);
    if (negated) {
      filter.labelNot = [...(filter.labelNot ?? []), negated[1]!];
      continue;
    }
    const [[key, value]] = parseFilterArgs([raw]) as [[string, string]];
    if (key === 'label') filter.label = [...(filter.label ?? []), value];
    else if (key === 'until') filter.until = single(filter, key, value);
    else throw invalid(key);
  }
  return filter;
}

/** `docker search --filter`: stars, is-official, is-automated. */
export function searchFilter(values: readonly string[] | undefined): SearchFilterInput | undefined {
  const filter: SearchFilterInput = {};
  for (const [key, value] of parseFilterArgs(values)) {
    switch (key) {
      case 'stars': {
        if (!/^\d+$/.test(value.trim())) throw invalid(key, value);
        filter.stars = Number(value.trim());
        break;
      }
      case 'is-official':
        filter.isOfficial = parseFilterBool(key, value);
        break;
      case 'is-automated':
        filter.isAutomated = parseFilterBool(key, value);
        break;
      default:
        throw invalid(key);
    }
  }
  return Object.keys(filter).length > 0 ? filter : undefined;
}

export interface HostFilter {
  labels: [key: string, value: string | undefined][];
  status?: 'UP' | 'DOWN';
  names: string[];
}

/** `hangar host ls --filter`: label=key[=value] (all must match), status=up|down, name=NAME (any may match). */
export function hostFilter(values: readonly string[] | undefined): HostFilter {
  const filter: HostFilter = { labels: [], names: [] };
  for (const [key, value] of parseFilterArgs(values)) {
    if (key === 'label') {
      const eq = value.indexOf('=');
      filter.labels.push(eq === -1 ? [value, undefined] : [value.slice(0, eq), value.slice(eq + 1)]);
    } else if (key === 'status') {
      const status = value.toUpperCase();
      if (status !== 'UP' && status !== 'DOWN') throw invalid(key, value);
      filter.status = status;
    } else if (key === 'name') filter.names.push(value);
    else throw invalid(key);
  }
  return filter;
}

/** Whether a host passes a host filter. */
export function hostMatches(host: { name: string; status: string; labels: readonly { key: string; value: string }[] }, filter: HostFilter): boolean {
  if (filter.status && host.status !== filter.status) return false;
  if (filter.names.length > 0 && !filter.names.includes(host.name)) return false;
  return filter.labels.every(([key, value]) => host.labels.some((label) => label.key === key && (value === undefined || label.value === value)));
}

/** Splits `REPOSITORY[:TAG]` as docker commit/import take it (a port in the registry part is not a tag). */
export function splitRepoTag(ref: string): { repo: string; tag?: string } {
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repo: ref };
}
