import { checkSearchLimit, checkSearchTerm, egressPolicyOf, HangarError, searchThroughEngine } from '@hangar/core';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { HangarContext } from '../context.js';
import { paginate, PageInfo } from './pagination.js';
import { Registry, RepositoryConnection, SearchFilterInput, SearchResult, TagConnection } from './registry.type.js';

@Resolver(() => Registry)
export class RegistryResolver {
  @Query(() => [Registry], { description: 'The configured registries (never their secrets).' })
  async registries(@Ctx() context: HangarContext): Promise<Registry[]> {
    return (await context.registries()).list().map((view) => Registry.from(view));
  }

  @Query(() => Registry, { nullable: true, description: 'One configured registry by name; null when none has that name.' })
  async registry(@Ctx() context: HangarContext, @Arg('name', () => String, { description: 'The registry’s name.' }) name: string): Promise<Registry | null> {
    const registries = await context.registries();
    return registries.has(name) ? Registry.from(registries.view(name)) : null;
  }

  @FieldResolver(() => RepositoryConnection, { description: 'The registry’s repositories, a page at a time, in the registry’s order.' })
  async repositories(
    @Root() registry: Registry,
    @Ctx() context: HangarContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 1000 (default 100; Harbor: at most 100).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The `endCursor` of the previous page.' }) after?: string,
  ): Promise<RepositoryConnection> {
    const registries = await context.registries();
    const page = await registries.repositories(registry.name, { ...(first !== undefined && first !== null ? { first } : {}), ...(after ? { after } : {}) });
    return Object.assign(new RepositoryConnection(), {
      nodes: page.repositories,
      pageInfo: Object.assign(new PageInfo(), { hasNextPage: page.hasNextPage, hasPreviousPage: Boolean(after), startCursor: undefined, endCursor: page.endCursor }),
    });
  }

  @FieldResolver(() => TagConnection, { description: 'The tags of one repository, sorted, a page at a time.' })
  async tags(
    @Root() registry: Registry,
    @Ctx() context: HangarContext,
    @Arg('repository', () => String, { description: 'Repository name, e.g. `team/api`.' }) repository: string,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 1000 (default 100).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The `endCursor` of the previous page.' }) after?: string,
  ): Promise<TagConnection> {
    const tags = await (await context.registries()).tags(registry.name, repository);
    const page = paginate(tags, (tag) => [tag], { first, after });
    return Object.assign(new TagConnection(), { nodes: page.items.map((item) => item.node), totalCount: page.totalCount, pageInfo: page.pageInfo });
  }
}

@Resolver()
export class SearchResolver {
  @Query(() => [SearchResult], {
    description:
      '`docker search`: without `registry`, through an engine (Docker Hub, or the index a `host:port/term` names), with the engine applying filters and limit as for the docker CLI; with a configured registry: its catalog (Distribution) or search API (Harbor), filtered by name.',
  })
  async searchImages(
    @Ctx() context: HangarContext,
    @Arg('term', () => String, { description: 'What to look for, e.g. `nginx` or `registry.example.com:5000/team`.' }) term: string,
    @Arg('registry', () => String, { nullable: true, description: 'A configured registry’s name; Docker Hub (through an engine) when left out.' }) registryName?: string,
    @Arg('filter', () => SearchFilterInput, { nullable: true, description: 'docker search’s filters.' }) filter?: SearchFilterInput,
    @Arg('limit', () => Int, { nullable: true, description: 'At most this many results, 1 to 100 (default 25).' }) limit?: number,
    @Arg('host', () => String, { nullable: true, description: 'The engine to search through; the first host that is UP when left out.' }) host?: string,
  ): Promise<SearchResult[]> {
    const checkedTerm = checkSearchTerm(term);
    const checkedLimit = checkSearchLimit(limit);
    const { hosts, reader } = context;
    const registries = await context.registries();
    const registry = registryName ? registries.view(registryName) : undefined;
    let hits;
    if (registry && registry.kind !== 'index') {
      hits = await registries.search(registry.name, checkedTerm, { filter, limit: checkedLimit });
    } else {
      const engine = host ?? (await hosts.checkAll({ maxAgeMs: 5_000 })).find((state) => state.status === 'UP')?.name;
      if (!engine) throw new HangarError('HOST_UNREACHABLE', 'no host is UP to search through');
      if (!hosts.has(engine)) throw new HangarError('HOST_NOT_FOUND', `no host named "${engine}"`);
      const indexTerm = registry ? `${registry.host}/${checkedTerm}` : checkedTerm;
      // An index the caller names (`host:port/term`) is checked against the egress policy; a configured one is the admins' choice.
      const egress = registry ? undefined : egressPolicyOf(context.config.egress);
      hits = (await searchThroughEngine(reader, engine, indexTerm, { filter, limit: checkedLimit, egress })).map((hit) => (registry ? { ...hit, registry: registry.name } : hit));
    }
    return hits.map((hit) => Object.assign(new SearchResult(), hit));
  }
}
