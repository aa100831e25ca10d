import { HangarError } from '../errors/hangar-error.js';
import type { EngineReader } from '../images/engine-reader.js';
import type { SearchHit } from '../registry/search-hit.js';
import { checkSearchIndex, type EgressPolicy, type Resolver } from '../egress/policy.js';
import { systemResolver } from '../egress/resolve.js';

/** `docker search`'s filters. */
export interface SearchFilter {
  isOfficial?: boolean | null;
  isAutomated?: boolean | null;
  /** Only results with at least this many stars. */
  stars?: number | null;
}

interface RawSearchResult {
  name: string;
  description?: string;
  star_count?: number;
  is_official?: boolean;
  is_automated?: boolean;
}

export const SEARCH_LIMIT_MAX = 100;

export function checkSearchLimit(limit: number | null | undefined): number {
  if (limit === undefined || limit === null) return 25;
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMIT_MAX) {
    throw new HangarError('BAD_REQUEST', `limit: must be between 1 and ${SEARCH_LIMIT_MAX}, got ${limit}`);
  }
  return limit;
}

export function checkSearchTerm(term: string): string {
  const trimmed = term.trim();
  if (trimmed === '') throw new HangarError('BAD_REQUEST', 'term: say what to search for');
  if (trimmed.length > 255) throw new HangarError('BAD_REQUEST', 'term: longer than 255 characters');
  return trimmed;
}

/** The index a search term goes to, as the engine decides it: `host[:port]/term` names one, else Docker Hub. */
export function indexOfTerm(term: string): string {
  const slash = term.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = term.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

/**
 * `docker search` through an engine: the engine asks the index's `/v1/search` (Docker Hub, or the index the term
 * names) and applies the filters and the limit itself, exactly as it does for the docker CLI.
 */
export async function searchThroughEngine(
  reader: EngineReader,
  host: string,
  term: string,
  {
    filter,
    limit,
    egress,
    resolve = systemResolver,
  }: {
    filter?: SearchFilter | null;
    limit?: number | null;
    /** Check the index a `host:port/term` names against this policy before the engine is asked (EGRESS_DENIED). */
    egress?: EgressPolicy | undefined;
    resolve?: Resolver | undefined;
  } = {},
): Promise<SearchHit[]> {
  const checkedTerm = checkSearchTerm(term);
  const index = indexOfTerm(checkedTerm);
  if (egress && index !== 'docker.io') await checkSearchIndex(index, egress, resolve);
  const filters: Record<string, string[]> = {};
  if (filter?.isOfficial !== undefined && filter.isOfficial !== null) filters['is-official'] = [String(filter.isOfficial)];
  if (filter?.isAutomated !== undefined && filter.isAutomated !== null) filters['is-automated'] = [String(filter.isAutomated)];
  if (filter?.stars !== undefined && filter.stars !== null) {
    if (!Number.isInteger(filter.stars) || filter.stars < 0) throw new HangarError('BAD_REQUEST', 'filter.stars: must be a whole number ≥ 0');
    filters.stars = [String(filter.stars)];
  }
  const raw = await reader.get<RawSearchResult[]>(host, '/images/search', {
    term: checkedTerm,
    limit: String(checkSearchLimit(limit)),
    filters: Object.keys(filters).length ? JSON.stringify(filters) : undefined,
  });
  const registry = index;
  return raw.map((result) => ({
    name: result.name,
    description: result.description || undefined,
    starCount: result.star_count ?? 0,
    isOfficial: result.is_official ?? false,
    isAutomated: result.is_automated ?? false,
    registry,
  }));
}
