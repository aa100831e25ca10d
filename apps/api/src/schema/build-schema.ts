import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuditResolver } from './audit.resolver.js';
import { FleetResolver } from './fleet.resolver.js';
import { ImageMutationResolver } from './image-mutation.resolver.js';
import { JobResolver, JobSubscriptionResolver } from './job.resolver.js';
import { HostResolver } from './host.resolver.js';
import { ImageResolver } from './image.resolver.js';
import { RegistryAdminResolver } from './registry-admin.resolver.js';
import { RegistryResolver, SearchResolver } from './registry.resolver.js';
import { roleChecker } from '../auth/roles.js';
import { LocalPubSub } from '../jobs/local-pubsub.js';
import { DateTimeScalar } from './scalars.js';
import { TokenResolver } from './token.resolver.js';
import { WebhookResolver, WebhookRuleMatchResolver } from './webhook.resolver.js';

/** The GraphQL schema of Hangar, built from the resolver classes. */
export async function buildHangarSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [HostResolver, ImageResolver, FleetResolver, RegistryResolver, SearchResolver, ImageMutationResolver, AuditResolver, JobResolver, JobSubscriptionResolver, RegistryAdminResolver, WebhookResolver, WebhookRuleMatchResolver, TokenResolver],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    authChecker: roleChecker,
    authMode: 'error',
    pubSub: new LocalPubSub(),
  });
  // type-graphql has no decorator for the root types; the schema is our reference documentation, so say it here.
  const roots: [ReturnType<GraphQLSchema['getQueryType']>, string][] = [
    [schema.getQueryType(), 'Read the fleet: hosts, images, disk usage, jobs.'],
    [schema.getMutationType(), 'Change the fleet: every mutation takes one `input` and answers with a payload carrying `userErrors`.'],
    [schema.getSubscriptionType(), 'Live updates over graphql-ws on /graphql.'],
  ];
  for (const [type, description] of roots) if (type) type.description = description;
  return schema;
}

/** schema.graphql as committed: sorted, so that its diff shows only real changes. */
export async function printHangarSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildHangarSchema()))}\n`;
}
