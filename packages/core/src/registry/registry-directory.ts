import type { RegistryConfig } from '../config/config.schema.js';
import { HangarError } from '../errors/hangar-error.js';
import { DistributionClient, type CatalogPage } from './distribution-client.js';
import { HarborClient } from './harbor-client.js';
import type { SearchHit } from './search-hit.js';

/** A configured registry as it may be shown: never its password. */
export interface RegistryView {
  name: string;
  url: string;
  kind: RegistryConfig['kind'];
  username: string | undefined;
  hasPassword: boolean;
  /** `host[:port]` as it appears in image references. */
  host: string;
}

/** A registry with its password at hand (from the configuration's environment or the encrypted store). */
export interface RegistryWithSecret {
  name: string;
  url: string;
  kind: RegistryConfig['kind'];
  username?: string | undefined;
  password?: string | undefined;
}

interface Entry {
  view: RegistryView;
  distribution: DistributionClient;
  harbor: HarborClient | undefined;
}

/** Filters a list of repository names as `docker search` would match them: the term anywhere in the name. */
export function matchRepositories(registry: string, repositories: readonly string[], term: string, filter: { isOfficial?: boolean | null; isAutomated?: boolean | null; stars?: number | null } = {}, limit = 25): SearchHit[] {
  const needle = term.toLowerCase();
  return repositories
    .filter((name) => name.toLowerCase().includes(needle))
    .map((name) => ({ name, description: undefined, starCount: 0, isOfficial: false, isAutomated: false, registry }))
    .filter((hit) => (filter.isOfficial === undefined || filter.isOfficial === null || hit.isOfficial === filter.isOfficial)
      && (filter.isAutomated === undefined || filter.isAutomated === null || hit.isAutomated === filter.isAutomated)
      && (filter.stars === undefined || filter.stars === null || hit.starCount >= filter.stars))
    .slice(0, limit);
}

/**
 * Registries with their clients: those of the configuration (password from the variable `passwordEnv` names) and
 * those added through the API (decrypted from the store). Passwords stay inside the clients.
 */
export class RegistryDirectory {
  private readonly entries = new Map<string, Entry>();

  constructor(registries: readonly RegistryWithSecret[]) {
    for (const registry of registries) {
      const password = registry.password;
      const options = { name: registry.name, url: registry.url, ...(registry.username ? { username: registry.username } : {}), ...(password ? { password } : {}) };
      this.entries.set(registry.name, {
        view: { name: registry.name, url: registry.url, kind: registry.kind, username: registry.username, hasPassword: Boolean(password), host: new URL(registry.url).host },
        distribution: new DistributionClient(options),
        harbor: registry.kind === 'harbor' ? new HarborClient(options) : undefined,
      });
    }
  }

  list(): RegistryView[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.view }));
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new HangarError('NOT_FOUND', `no registry named "${name}"; configured: ${[...this.entries.keys()].join(', ') || 'none'}`);
    return entry;
  }

  /** Logs in (GET /v2/ with the credentials): true, or a REGISTRY_* error saying why not. */
  async ping(name: string, signal?: AbortSignal): Promise<true> {
    return this.entry(name).distribution.ping({ signal });
  }

  view(name: string): RegistryView {
    return { ...this.entry(name).view };
  }

  /** A page of repository names: the catalog (Distribution) or the repositories API (Harbor). */
  async repositories(name: string, page: { first?: number; after?: string; signal?: AbortSignal }): Promise<CatalogPage> {
    const entry = this.entry(name);
    return entry.harbor ? entry.harbor.repositories(page) : entry.distribution.catalog(page);
  }

  async tags(name: string, repository: string, signal?: AbortSignal): Promise<string[]> {
    return this.entry(name).distribution.tags(repository, { signal });
  }

  async manifestDigest(name: string, repository: string, reference: string, signal?: AbortSignal): Promise<string | undefined> {
    return this.entry(name).distribution.manifestDigest(repository, reference, { signal });
  }

  /**
   * Searches a registry that has its own way to: Harbor's search API, or the catalog of a Distribution registry
   * filtered by name (it has no search endpoint). Index registries are searched through an engine instead.
   */
  async search(name: string, term: string, options: { filter?: { isOfficial?: boolean | null; isAutomated?: boolean | null; stars?: number | null } | null; limit: number; signal?: AbortSignal }): Promise<SearchHit[]> {
    const entry = this.entry(name);
    if (entry.view.kind === 'index') throw new HangarError('INTERNAL', `registry ${name} is an index: search it through an engine`);
    if (entry.harbor) {
      const hits = await entry.harbor.search(term, { signal: options.signal });
      return matchRepositories(name, hits.map((hit) => hit.name), '', options.filter ?? {}, options.limit);
    }
    const repositories = await entry.distribution.allRepositories({ signal: options.signal });
    return matchRepositories(name, repositories, term, options.filter ?? {}, options.limit);
  }
}
