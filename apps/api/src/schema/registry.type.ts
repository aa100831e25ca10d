import type { RegistryView } from '@hangar/core';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from './pagination.js';

export enum RegistryKind {
  DISTRIBUTION = 'distribution',
  HARBOR = 'harbor',
  INDEX = 'index',
}

registerEnumType(RegistryKind, {
  name: 'RegistryKind',
  description: 'What API a registry speaks, which decides how it is browsed and searched.',
  valuesConfig: {
    DISTRIBUTION: { description: 'A Distribution (registry:2) registry: browsed and searched through its catalog.' },
    HARBOR: { description: 'Harbor: searched through its search API.' },
    INDEX: { description: 'A Docker Hub-style index with /v1/search, searched through an engine.' },
  },
});

@ObjectType({ description: 'A registry from the configuration. Its password is write-only and never shown.' })
export class Registry {
  @Field(() => String, { description: 'The registry’s name in the configuration.' })
  name!: string;

  @Field(() => String, { description: 'Its base URL.' })
  url!: string;

  @Field(() => String, { description: '`host[:port]` as it appears in image references.' })
  host!: string;

  @Field(() => RegistryKind, { description: 'What API it speaks.' })
  kind!: RegistryKind;

  @Field(() => String, { nullable: true, description: 'The user Hangar logs in as, if any.' })
  username?: string;

  @Field(() => Boolean, { description: 'True when a password is configured (the password itself is never shown).' })
  hasPassword!: boolean;

  static from(view: RegistryView): Registry {
    const kind = view.kind === 'harbor' ? RegistryKind.HARBOR : view.kind === 'index' ? RegistryKind.INDEX : RegistryKind.DISTRIBUTION;
    return Object.assign(new Registry(), { ...view, kind });
  }
}

@ObjectType({ description: 'A page of repository names.' })
export class RepositoryConnection {
  @Field(() => [String], { description: 'Repository names of this page, e.g. `team/api`.' })
  nodes!: string[];

  @Field(() => PageInfo, { description: 'Where this page sits.' })
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'A page of a repository’s tags, sorted.' })
export class TagConnection {
  @Field(() => [String], { description: 'The tags of this page.' })
  nodes!: string[];

  @Field(() => Int, { description: 'How many tags the repository has.' })
  totalCount!: number;

  @Field(() => PageInfo, { description: 'Where this page sits.' })
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'One `docker search` result.' })
export class SearchResult {
  @Field(() => String, { description: 'Repository name, as the registry gives it (`library/busybox`, `team/api`).' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'The repository’s description, where the registry has one.' })
  description?: string;

  @Field(() => Int, { description: 'Stars (0 where the registry has none).' })
  starCount!: number;

  @Field(() => Boolean, { description: 'An official image.' })
  isOfficial!: boolean;

  @Field(() => Boolean, { description: 'An automated build (deprecated on Docker Hub).' })
  isAutomated!: boolean;

  @Field(() => String, { description: 'Where it was found: `docker.io`, an index host, or a configured registry’s name.' })
  registry!: string;
}

@InputType({ description: '`docker search --filter`s.' })
export class SearchFilterInput {
  @Field(() => Boolean, { nullable: true, description: '`is-official=true|false`.' })
  isOfficial?: boolean;

  @Field(() => Boolean, { nullable: true, description: '`is-automated=true|false`.' })
  isAutomated?: boolean;

  @Field(() => Int, { nullable: true, description: '`stars=N`: at least N stars.' })
  stars?: number;
}
