import { HangarError } from '../errors/hangar-error.js';
import { parseLinkHeader, RegistryHttp, type CatalogPage, type RegistryCallOptions, type RegistryClientOptions, type RegistryResponse } from './distribution-client.js';
import type { SearchHit } from './search-hit.js';

/** A page of Harbor repositories; `totalCount` is Harbor's `X-Total-Count` (undefined when it sends none). */
export interface HarborRepositoryPage extends CatalogPage {
  totalCount: number | undefined;
}

/** Harbor's `page_size` ceiling. */
export const MAX_HARBOR_PAGE_SIZE = 100;
const MAX_SEARCH_TERM_LENGTH = 255;

/** One entry of `repository` in Harbor's `GET /api/v2.0/search` (definition `SearchRepository`). */
interface RawSearchRepository {
  project_id?: number;
  project_name?: string;
  project_public?: boolean;
  repository_name?: string;
  pull_count?: number;
  artifact_count?: number;
}

/** One entry of Harbor's `GET /api/v2.0/repositories` (definition `Repository`). */
interface RawRepository {
  id?: number;
  project_id?: number;
  name?: string;
  description?: string;
  artifact_count?: number;
  pull_count?: number;
  creation_time?: string;
  update_time?: string;
}

/**
 * Harbor's own REST API (`/api/v2.0`), for what the Distribution API lacks: search, and a repository list with
 * a total. Its `/v2` side is a plain Distribution registry (use DistributionClient there). Basic credentials
 * are sent with every request when configured (Harbor's API takes them directly, no token dance); anonymous
 * calls see public projects only.
 */
export class HarborClient {
  readonly name: string;
  readonly url: string;
  readonly #http: RegistryHttp;

  constructor(options: RegistryClientOptions) {
    this.#http = new RegistryHttp(options);
    this.name = this.#http.name;
    this.url = `${this.#http.baseUrl.origin}${this.#http.basePath}`;
  }

  /**
   * Repositories whose name matches `term`, as SearchHits (`name` is Harbor's `project/repository`). Harbor keeps
   * no stars, descriptions or official flags in its search results: those fields are neutral.
   */
  async search(term: string, options: RegistryCallOptions = {}): Promise<SearchHit[]> {
    const q = typeof term === 'string' ? term.trim() : '';
    if (!q || q.length > MAX_SEARCH_TERM_LENGTH) {
      throw new HangarError('BAD_REQUEST', `search term must be 1 to ${MAX_SEARCH_TERM_LENGTH} characters`);
    }
    const what = `search ${JSON.stringify(q)}`;
    const response = await this.get(this.#http.url('/api/v2.0/search', { q }), what, options.signal);
    const repositories = this.#http.jsonObject(response, what).repository ?? [];
    if (!Array.isArray(repositories)) throw this.#http.error('REGISTRY_ERROR', `${what}: "repository" is not a list`);
    const hits: SearchHit[] = [];
    const seen = new Set<string>();
    for (const raw of repositories as RawSearchRepository[]) {
      const name = raw?.repository_name;
      if (typeof name !== 'string' || !name || seen.has(name)) continue;
      seen.add(name);
      hits.push({ name, description: undefined, starCount: 0, isOfficial: false, isAutomated: false, registry: this.name });
    }
    return hits;
  }

  /**
   * A page of every repository the user may see (`GET /api/v2.0/repositories`), by name. Harbor pages by number;
   * the cursor is the count of repositories before the next page, so `first` may change between calls (an offset
   * that is not a multiple of `first` costs a second request). `first` is 1..100.
   */
  async repositories(options: RegistryCallOptions & { first?: number; after?: string | undefined } = {}): Promise<HarborRepositoryPage> {
    const first = options.first ?? MAX_HARBOR_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_HARBOR_PAGE_SIZE) {
      throw new HangarError('BAD_REQUEST', `first must be an integer from 1 to ${MAX_HARBOR_PAGE_SIZE}, got ${first}`);
    }
    let offset = 0;
    if (options.after !== undefined) {
      if (!/^(0|[1-9]\d{0,8})$/.test(options.after)) throw new HangarError('BAD_REQUEST', `invalid cursor ${JSON.stringify(options.after)}`);
      offset = Number(options.after);
    }
    const what = 'repositories';
    const pageIndex = Math.floor(offset / first); // 0-based
    const skip = offset - pageIndex * first;

    /** `next`: the Link header's verdict, undefined when Harbor sent no Link header at all. */
    const fetchPage = async (page: number): Promise<{ names: string[]; total: number | undefined; next: boolean | undefined }> => {
      const response = await this.get(this.#http.url('/api/v2.0/repositories', { page, page_size: first }), what, options.signal);
      const body = this.#http.json(response, what);
      if (!Array.isArray(body)) throw this.#http.error('REGISTRY_ERROR', `${what}: the answer is not a list`);
      const names = (body as RawRepository[]).map((raw) => raw?.name).filter((name): name is string => typeof name === 'string' && name !== '');
      const totalHeader = response.headers.get('x-total-count');
      const total = totalHeader !== null && /^\d+$/.test(totalHeader.trim()) ? Number(totalHeader) : undefined;
      const link = response.headers.get('link');
      return { names, total, next: link === null ? undefined : parseLinkHeader(link).next !== undefined };
    };

    const firstPage = await fetchPage(pageIndex + 1);
    let names = firstPage.names.slice(skip);
    let total = firstPage.total;
    let next = firstPage.next;
    if (skip > 0 && names.length < first && (firstPage.next || (total !== undefined && offset + names.length < total))) {
      const secondPage = await fetchPage(pageIndex + 2);
      names = names.concat(secondPage.names);
      total = secondPage.total ?? total;
      next = secondPage.next;
    }
    const repositories = names.slice(0, first);
    const end = offset + repositories.length;
    // X-Total-Count is exact when present; otherwise trust the Link header, or a page that came back full.
    const hasNextPage = repositories.length > 0 && (total !== undefined ? end < total : (next ?? (names.length > first || repositories.length === first)));
    return { repositories, hasNextPage, endCursor: repositories.length > 0 ? String(end) : undefined, totalCount: total };
  }

  /** A GET with Basic credentials (when configured); anything but 200 becomes the matching HangarError. */
  private async get(url: URL, what: string, signal: AbortSignal | undefined): Promise<RegistryResponse> {
    const authorization = this.#http.basicAuthorization();
    const response = await this.#http.send({
      url,
      signal,
      headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) },
    });
    if (response.status === 401) {
      throw this.#http.error(
        'REGISTRY_AUTH_FAILED',
        this.#http.hasCredentials
          ? `${what}: Harbor rejected the credentials of user ${JSON.stringify(this.#http.username)}`
          : `${what}: Harbor requires authentication; configure a username and password`,
      );
    }
    if (response.status !== 200) throw this.#http.statusError(response, what);
    return response;
  }
}
