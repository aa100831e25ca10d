import { HangarError, parseLabelSelector, selectHosts, type HostRegistry } from '@hangar/core';
import type { NextFunction, Request, Response } from 'express';
import type { GraphQLResolveInfo } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import type { HangarContext } from '../context.js';
import type { Principal, Role } from './token-store.js';

/**
 * What each role may do, each including the one before: a viewer reads (queries, subscriptions, exports); an
 * operator also changes images and runs jobs (tag, rm, prune, commit, pull, push, build, import, load, copy,
 * cancel, retry); an admin also manages registries, webhooks, tokens and reads the audit log.
 */
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function hasRole(principal: Pick<Principal, 'role'>, needed: Role): boolean {
  return ROLES.indexOf(principal.role) >= ROLES.indexOf(needed);
}

/** The FORBIDDEN error: what was asked, the role it needs, and the role the token has. */
export function forbidden(principal: Pick<Principal, 'name' | 'role'>, needed: Role, what: string): HangarError {
  return new HangarError('FORBIDDEN', `${what} needs the ${needed} role; this token ("${principal.name}") has the ${principal.role} role`);
}

/** Throws FORBIDDEN unless the caller has the role. */
export function requireRole(principal: Principal, needed: Role, what: string): void {
  if (!hasRole(principal, needed)) throw forbidden(principal, needed, what);
}

/** type-graphql's check for `@Authorized('operator')` and `@Authorized('admin')`: FORBIDDEN, naming the field. */
export const roleChecker: AuthChecker<HangarContext> = ({ context, info }, roles) => {
  const needed = roles.find(isRole) ?? 'admin';
  requireRole(context.principal, needed, fieldName(info));
  return true;
};

function fieldName(info: GraphQLResolveInfo): string {
  return `${info.parentType.name === 'Mutation' || info.parentType.name === 'Query' || info.parentType.name === 'Subscription' ? '' : `${info.parentType.name}.`}${info.fieldName}`;
}

/** Express middleware for the REST endpoints: 403 FORBIDDEN unless the (authenticated) caller has the role. */
export function requireRoleHttp(needed: Role, what: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const principal = req.principal;
    if (principal && hasRole(principal, needed)) return next();
    const error = forbidden(principal ?? { name: 'unknown', role: 'viewer' }, needed, what);
    res.status(403).json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
  };
}

/** The fleet as a principal sees it: every host, or only those its token's scope selects. */
export function hostsFor(hosts: HostRegistry, principal: Principal): HostRegistry {
  if (!principal.scope) return hosts;
  const { hosts: names } = selectHosts(hosts.fleet(), { names: principal.scope.names, labels: principal.scope.labels.map(parseLabelSelector) });
  return hosts.scoped(names);
}
