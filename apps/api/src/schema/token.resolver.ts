import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import type { TokenRecord, TokenScope } from '../auth/token-store.js';
import { HostSelectorInput } from './job-inputs.js';
import type { HangarContext } from '../context.js';
import { DateTimeScalar } from './scalars.js';
import { UserError } from './user-error.type.js';

export enum TokenRole {
  VIEWER = 'viewer',
  OPERATOR = 'operator',
  ADMIN = 'admin',
}

registerEnumType(TokenRole, {
  name: 'TokenRole',
  description: 'What a token may do; each role includes the one before.',
  valuesConfig: {
    VIEWER: { description: 'Read: every query and subscription, and image exports.' },
    OPERATOR: { description: 'Also change images and run jobs: tag, remove, prune, commit, pull, push, build, import, load, copy, cancel, retry.' },
    ADMIN: { description: 'Also manage registries, webhooks and tokens, and read the audit log.' },
  },
});

@ObjectType({ description: 'The hosts a token is limited to: those named, and those carrying all the labels (union).' })
export class TokenScopeType {
  @Field(() => [String], { description: 'Host names.' })
  names!: string[];

  @Field(() => [String], { description: '`key=value` (or `key`) labels a host must all carry.' })
  labels!: string[];
}

@ObjectType({ description: 'An API token as admins see it: never the token itself (only its hash is stored).' })
export class ApiToken {
  @Field(() => ID, { description: 'The token’s ID: the first 12 hex digits of its SHA-256 hash (what the audit log names).' })
  id!: string;

  @Field(() => String, { description: 'Who or what it is for.' })
  name!: string;

  @Field(() => TokenRole, { description: 'What it may do.' })
  role!: TokenRole;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was made.' })
  createdAt?: Date;

  @Field(() => String, { nullable: true, description: 'The name of the token that made it; null for the bootstrap admin token.' })
  createdBy?: string;

  @Field(() => TokenScopeType, { nullable: true, description: 'The hosts it is limited to; null: the whole fleet. Other hosts, and their jobs, do not exist for it.' })
  scope?: TokenScopeType;

  static from(record: TokenRecord): ApiToken {
    return Object.assign(new ApiToken(), {
      ...record,
      role: record.role as TokenRole,
      scope: record.scope ? Object.assign(new TokenScopeType(), record.scope) : undefined,
    });
  }
}

@InputType({ description: 'A token to make.' })
export class CreateTokenInput {
  @Field(() => String, { description: 'Who or what it is for (1 to 100 characters), e.g. `ci-deploy` or `grafana`.' })
  name!: string;

  @Field(() => TokenRole, { description: 'What it may do.' })
  role!: TokenRole;

  @Field(() => HostSelectorInput, { nullable: true, description: 'Limit it to these hosts (names, and labels a host must all carry); the whole fleet when left out. Not for admin tokens.' })
  hosts?: HostSelectorInput;
}

@ObjectType({ description: 'The result of createToken.' })
export class CreateTokenPayload {
  @Field(() => String, { nullable: true, description: 'The token, shown this once: Hangar keeps only its hash. Send it as `Authorization: Bearer <token>`.' })
  token?: string;

  @Field(() => ApiToken, { nullable: true, description: 'The token as `tokens` lists it.' })
  apiToken?: ApiToken;

  @Field(() => [UserError], { description: 'Why no token was made, if so.' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of revokeToken.' })
export class RevokeTokenPayload {
  @Field(() => ApiToken, { nullable: true, description: 'The token revoked.' })
  revoked?: ApiToken;

  @Field(() => [UserError], { description: 'Why nothing was revoked, if so (NOT_FOUND, CONFLICT for the last admin token).' })
  userErrors!: UserError[];
}

@Resolver()
export class TokenResolver {
  @Authorized('admin')
  @Query(() => [ApiToken], { description: 'Every API token (IDs, names, roles; never the tokens), oldest first. Admins only.' })
  async tokens(@Ctx() context: HangarContext): Promise<ApiToken[]> {
    return (await context.tokens.list()).map((record) => ApiToken.from(record));
  }

  @Authorized('admin')
  @Mutation(() => CreateTokenPayload, { description: 'Makes an API token with a role; the token is in the answer once and never again. Admins only.' })
  async createToken(@Ctx() context: HangarContext, @Arg('input', () => CreateTokenInput, { description: 'Name and role.' }) input: CreateTokenInput): Promise<CreateTokenPayload> {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 100) {
      return Object.assign(new CreateTokenPayload(), { userErrors: [UserError.of('BAD_REQUEST', 'name: 1 to 100 characters', { field: ['input', 'name'] })] });
    }
    let scope: TokenScope | undefined;
    if (input.hosts) {
      scope = { names: [...new Set(input.hosts.names ?? [])], labels: [...new Set(input.hosts.labels ?? [])] };
      const fail = (code: string, message: string, field: string) => Object.assign(new CreateTokenPayload(), { userErrors: [UserError.of(code, message, { field: ['input', 'hosts', field] })] });
      if (input.role === TokenRole.ADMIN) return fail('BAD_REQUEST', 'admin tokens are for the whole fleet: leave hosts out, or choose another role', 'names');
      if (scope.names.length === 0 && scope.labels.length === 0) return fail('BAD_REQUEST', 'name hosts or labels, or leave hosts out for the whole fleet', 'names');
      const unknown = scope.names.find((host) => !context.hosts.has(host));
      if (unknown) return fail('HOST_NOT_FOUND', `no host named "${unknown}"`, 'names');
      const badLabel = scope.labels.find((label) => label.startsWith('=') || label.trim() === '');
      if (badLabel !== undefined) return fail('BAD_REQUEST', `label "${badLabel}": use key=value or key`, 'labels');
    }
    const { token, record } = await context.tokens.create(name, input.role, context.principal.name, scope);
    await context.audit.record(context.principal, { action: 'createToken', hosts: scope?.names ?? [], target: { id: record.id, name, role: input.role, scope }, outcome: 'ok', detail: undefined });
    return Object.assign(new CreateTokenPayload(), { token, apiToken: ApiToken.from(record), userErrors: [] });
  }

  @Authorized('admin')
  @Mutation(() => RevokeTokenPayload, {
    description: 'Revokes an API token by ID: refused at once by this API process, within 5 s by the others. The last admin token cannot be revoked. Admins only.',
  })
  async revokeToken(@Ctx() context: HangarContext, @Arg('id', () => ID, { description: 'The token’s ID (from `tokens`).' }) id: string): Promise<RevokeTokenPayload> {
    const all = await context.tokens.list();
    const target = all.find((record) => record.id === id);
    let userErrors: UserError[] = [];
    let revoked: ApiToken | undefined;
    if (!target) userErrors = [UserError.of('NOT_FOUND', `no token with ID ${id}`, { field: ['id'] })];
    else if (target.role === 'admin' && all.filter((record) => record.role === 'admin').length === 1) {
      userErrors = [UserError.of('CONFLICT', 'this is the last admin token: make another admin token first', { field: ['id'] })];
    } else {
      if (await context.tokens.revoke(id)) revoked = ApiToken.from(target);
      else userErrors = [UserError.of('NOT_FOUND', `no token with ID ${id}`, { field: ['id'] })];
    }
    await context.audit.record(context.principal, { action: 'revokeToken', hosts: [], target: { id, name: target?.name }, outcome: revoked ? 'ok' : 'failed', detail: userErrors[0]?.message });
    return Object.assign(new RevokeTokenPayload(), { revoked, userErrors });
  }
}
