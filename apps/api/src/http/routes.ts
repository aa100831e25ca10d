// The REST route table: every HTTP route Hangar serves besides GraphQL's own and the webhook receivers', with the
// role each needs. The routers register their routes from it (the role check sits on each route), the strict-path
// guard below admits only these spellings, and the role-matrix end-to-end test enumerates it.
import type { NextFunction, Request, Response } from 'express';
import { ARCHIVE_ROUTES, type RestRoute } from './archives.js';

/** Under this prefix are the REST endpoints. */
export const API_PREFIX = '/api/v1';

/** Every route, with its full path. `/graphql` takes GraphQL's own roles per field (a valid token to reach it). */
export const REST_ROUTES: readonly RestRoute[] = [
  { method: 'GET', path: '/healthz', role: null, what: 'the health check' },
  { method: 'GET', path: '/metrics', role: 'viewer', what: 'the metrics' },
  { method: 'POST', path: '/graphql', role: 'viewer', what: 'GraphQL' },
  ...ARCHIVE_ROUTES.map(({ method, path, role, what }) => ({ method, path: `${API_PREFIX}${path}`, role, what })),
  { method: 'POST', path: `${API_PREFIX}/build-contexts`, role: 'operator', what: 'uploading a build context' },
];

/** Path prefixes served by routers of their own (the webhook receivers authenticate per source). */
export const ROUTED_PREFIXES = ['/webhooks/'] as const;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A route's path as an exact, case-sensitive pattern: `:name` is one non-empty segment; no trailing slash. */
export function routePattern(path: string): RegExp {
  return new RegExp(`^${path.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : escapeRegExp(segment))).join('/')}$`);
}

/**
 * Strict routing for the whole app: a request whose path (as sent, before any decoding) is not exactly one of the
 * routes, letter case included, with no trailing or doubled slash and no percent-encoded letters, is 404 NOT_FOUND
 * before any router sees it. So no spelling of a path can reach a handler past a check made for another spelling.
 */
export function strictPaths(routes: readonly RestRoute[] = REST_ROUTES, prefixes: readonly string[] = ROUTED_PREFIXES) {
  const patterns = [...new Set(routes.map((route) => route.path))].map(routePattern);
  return (req: Request, res: Response, next: NextFunction): void => {
    const path = req.path;
    if (patterns.some((pattern) => pattern.test(path)) || prefixes.some((prefix) => path.startsWith(prefix) && !path.includes('//'))) return next();
    res.status(404).json({ errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] });
  };
}
