import { HangarError, registryConfigSchema } from '@hangar/core';
import { Arg, Authorized, Ctx, Field, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { requireRole } from '../auth/roles.js';
import type { HangarContext } from '../context.js';
import { Registry, RegistryKind } from './registry.type.js';
import { UserError } from './user-error.type.js';

@InputType({ description: 'A registry to add. Its password is stored encrypted and never shown again.' })
export class AddRegistryInput {
  @Field(() => String, { description: 'A unique name.' })
  name!: string;

  @Field(() => String, { description: 'Base URL, http(s)://host[:port].' })
  url!: string;

  @Field(() => RegistryKind, { nullable: true, description: 'What API it speaks (default DISTRIBUTION).' })
  kind?: RegistryKind;

  @Field(() => String, { nullable: true, description: 'User to log in as.' })
  username?: string;

  @Field(() => String, { nullable: true, description: 'Password or token; write-only.' })
  password?: string;
}

@ObjectType({ description: 'The result of addRegistry.' })
export class RegistryPayload {
  @Field(() => Registry, { nullable: true, description: 'The registry as stored (never its password).' })
  registry?: Registry;

  @Field(() => [UserError], { description: 'Why nothing was stored, if so.' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of removeRegistry.' })
export class RemoveRegistryPayload {
  @Field(() => Boolean, { description: 'True when a registry was removed.' })
  removed!: boolean;

  @Field(() => [UserError], { description: 'Why nothing was removed, if so.' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of testRegistryLogin.' })
export class RegistryLoginPayload {
  @Field(() => Boolean, { description: 'True when the registry accepted the credentials.' })
  ok!: boolean;

  @Field(() => [UserError], { description: 'Why the login failed (REGISTRY_AUTH_FAILED, REGISTRY_UNREACHABLE, ...).' })
  userErrors!: UserError[];
}

function requireAdmin(context: HangarContext): void {
  requireRole(context.principal, 'admin', 'managing registries');
}

@Resolver()
export class RegistryAdminResolver {
  @Mutation(() => RegistryPayload, { description: 'Adds a registry with credentials (admins). The password is encrypted at rest with HANGAR_SECRET_KEY (or the generated key file) and never returned or logged.' })
  async addRegistry(@Ctx() context: HangarContext, @Arg('input', () => AddRegistryInput, { description: 'The registry.' }) input: AddRegistryInput): Promise<RegistryPayload> {
    requireAdmin(context);
    const payload = Object.assign(new RegistryPayload(), { userErrors: [] as UserError[] });
    const parsed = registryConfigSchema.safeParse({ name: input.name, url: input.url, kind: input.kind ?? 'distribution', ...(input.username ? { username: input.username } : {}) });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      payload.userErrors.push(UserError.of('BAD_REQUEST', `${issue.path.join('.')}: ${issue.message}`, { field: ['input', String(issue.path[0] ?? '')] }));
    } else if ((await context.registries()).has(input.name)) {
      payload.userErrors.push(UserError.of('CONFLICT', `a registry named "${input.name}" exists`, { field: ['input', 'name'] }));
    } else {
      const stored = await context.credentials.add({ ...parsed.data, password: input.password ?? undefined });
      payload.registry = Registry.from({ ...stored, username: stored.username, host: new URL(stored.url).host });
    }
    await context.audit.record(context.principal, { action: 'addRegistry', hosts: [], target: { name: input.name, url: input.url, username: input.username, password: input.password ? 'set' : 'none' }, outcome: payload.userErrors.length ? 'failed' : 'ok', detail: payload.userErrors[0]?.message });
    return payload;
  }

  @Mutation(() => RemoveRegistryPayload, { description: 'Removes a registry added through the API (admins); registries of the configuration stay.' })
  async removeRegistry(@Ctx() context: HangarContext, @Arg('name', () => String, { description: 'The registry’s name.' }) name: string): Promise<RemoveRegistryPayload> {
    requireAdmin(context);
    const payload = Object.assign(new RemoveRegistryPayload(), { removed: false, userErrors: [] as UserError[] });
    if (context.config.registries.some((r) => r.name === name)) payload.userErrors.push(UserError.of('CONFLICT', `"${name}" is defined in the configuration`, { field: ['name'] }));
    else if (!(await context.credentials.remove(name))) payload.userErrors.push(UserError.of('NOT_FOUND', `no registry named "${name}" was added`, { field: ['name'] }));
    else payload.removed = true;
    await context.audit.record(context.principal, { action: 'removeRegistry', hosts: [], target: { name }, outcome: payload.removed ? 'ok' : 'failed', detail: payload.userErrors[0]?.message });
    return payload;
  }

  @Authorized('operator')
  @Mutation(() => RegistryLoginPayload, { description: 'Checks that a registry accepts its credentials (GET /v2/ with them). Operators and admins.' })
  async testRegistryLogin(@Ctx() context: HangarContext, @Arg('name', () => String, { description: 'The registry’s name.' }) name: string): Promise<RegistryLoginPayload> {
    const payload = Object.assign(new RegistryLoginPayload(), { ok: false, userErrors: [] as UserError[] });
    try {
      await (await context.registries()).ping(name);
      payload.ok = true;
    } catch (error) {
      payload.userErrors.push(UserError.from(error, { field: ['name'] }));
    }
    return payload;
  }
}
