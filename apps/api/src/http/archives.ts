import { pipeline } from 'node:stream/promises';
import {
  egressPolicyOf,
  exportImages,
  HangarError,
  importImage,
  loadImages,
  NotATarError,
  redactCredentialsIn,
  redactUrl,
  UploadTooLargeError,
  type HangarConfig,
  type HostRegistry,
} from '@hangar/core';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AuditEntry, AuditLog } from '../audit/audit-log.js';
import { requireRoleHttp } from '../auth/roles.js';
import { lingerThenRespond } from './request-slots.js';
import type { Principal, Role } from '../auth/token-store.js';

/** One REST route: its method, its path (Express syntax) and the role a token needs for it. */
export interface RestRoute {
  method: 'GET' | 'POST';
  path: string;
  /** The role needed; `null`: no token at all (`/healthz`). */
  role: Role | null;
  /** What it does, in the FORBIDDEN message ("loading images needs the operator role; ..."). */
  what: string;
}

/**
 * The archive routes (under `/api/v1`), each with the role it needs: the check sits on the route itself, so whatever
 * path reaches the handler has passed it. An export is a read; load and import change the host.
 */
export const ARCHIVE_ROUTES = [
  { method: 'GET', path: '/hosts/:host/images/export', role: 'viewer', what: 'exporting images', action: 'export' },
  { method: 'POST', path: '/hosts/:host/images/load', role: 'operator', what: 'loading images', action: 'load' },
  { method: 'POST', path: '/hosts/:host/images/import', role: 'operator', what: 'importing an image', action: 'import' },
] as const satisfies readonly (RestRoute & { action: string })[];

export interface ArchiveRouteDeps {
  /** The fleet as the caller's token sees it (its scope): other hosts are HOST_NOT_FOUND, as unknown ones. */
  hostsFor: (principal: Principal) => HostRegistry;
  audit: AuditLog;
  config: HangarConfig;
  log: (line: string) => void;
}

/** HTTP status of each error code; anything unknown is a 500 whose details stay in the log. */
const STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  AMBIGUOUS_REFERENCE: 400,
  HOST_NOT_FOUND: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  ABORTED: 499,
  HOST_UNREACHABLE: 502,
  TLS_ERROR: 502,
  ENGINE_ERROR: 502,
  ENGINE_UNSUPPORTED: 502,
  REGISTRY_UNREACHABLE: 502,
  REGISTRY_AUTH_FAILED: 502,
  REGISTRY_ERROR: 502,
  HOST_TIMEOUT: 504,
  EGRESS_DENIED: 403,
};

/** The code and message a client gets for an error (never a stack). */
function describeError(error: unknown): { status: number; code: string; message: string; host?: string } {
  if (error instanceof UploadTooLargeError) return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: error.message, ...(error.host ? { host: error.host } : {}) };
  if (error instanceof HangarError && STATUS[error.code]) return { status: STATUS[error.code]!, code: error.code, message: error.message, ...(error.host ? { host: error.host } : {}) };
  return { status: 500, code: 'INTERNAL', message: 'internal error; the server log has the details' };
}

const safeText = (text: string) => redactCredentialsIn(text);

class QueryError extends HangarError {
  constructor(message: string) {
    super('BAD_REQUEST', message);
  }
}

/** Every value of a repeatable query parameter (`?ref=a&ref=b`). */
function many(req: Request, ...names: string[]): string[] {
  const query = req.query as Record<string, unknown>;
  return names.flatMap((name) => {
    const value = query[name];
    if (value === undefined) return [];
    const values = Array.isArray(value) ? value : [value];
    if (!values.every((v): v is string => typeof v === 'string')) throw new QueryError(`${name}: give plain values (${name}=a&${name}=b)`);
    return values;
  });
}

/** A query parameter given at most once. */
function one(req: Request, name: string): string | undefined {
  const values = many(req, name);
  if (values.length > 1) throw new QueryError(`${name}: give it once`);
  return values[0];
}

function onlyParams(req: Request, allowed: string[]): void {
  const unknown = Object.keys(req.query as object).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new QueryError(`unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; this endpoint takes ${allowed.join(', ')}`);
}

/** `hangar-test-app-1.0.tar`, or a generic name for many or long references. */
function archiveName(host: string, refs: string[]): string {
  const base = refs.map((ref) => ref.replace(/^sha256:/, '').replace(/[^A-Za-z0-9._-]+/g, '-')).join('_');
  return base.length > 0 && base.length <= 120 ? `${base}.tar` : `${host}-${refs.length}-images.tar`;
}

/** A request body is coming (a length above 0, or chunked). */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && Number(length) > 0) || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Per request: a signal that aborts when the client goes away, the audit call, and how to answer an error (JSON
 * before any byte of an answer; a cut connection after).
 */
function requestScope(req: Request, res: Response, deps: ArchiveRouteDeps, action: string, host: string) {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new HangarError('ABORTED', 'the client went away', { host }));
  });
  const started = Date.now();
  let target: Record<string, unknown> = {};
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  // Awaited before the answer goes out, so a client that has its answer finds the call in the audit trail.
  const record = (outcome: AuditEntry['outcome'], detail: string) =>
    deps.audit
      .record(req.principal!, { action, hosts: [host], target, outcome, detail: safeText(detail) })
      .catch((error: unknown) => deps.log(`audit ${action} on ${host}: ${(error as Error).message}`));
  return {
    signal: controller.signal,
    setTarget(value: Record<string, unknown>) {
      target = value;
    },
    async ok(detail: string): Promise<void> {
      await record('ok', `${detail} in ${seconds()}`);
    },
    async fail(error: unknown): Promise<void> {
      const described = describeError(error);
      if (described.status === 500) deps.log(`${action} on ${host} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      const reason = error instanceof NotATarError ? ` (${error.reason})` : '';
      const detail = `${described.code}: ${described.status === 500 && error instanceof Error ? error.message : described.message}${reason} after ${seconds()}`;
      if (res.headersSent) {
        // Part of an archive went out: cut the connection so the client cannot take it for a whole one.
        res.destroy();
        await record('failed', detail);
        return;
      }
      await record('failed', detail);
      const body = { errors: [{ message: safeText(described.message), extensions: { code: described.code, ...(described.host ? { host: described.host } : {}) } }] };
      const respond = () => {
        if (res.headersSent || res.destroyed) return;
        // An upload not read to its end: close the connection after the answer rather than read on.
        if (!req.complete) res.setHeader('Connection', 'close');
        res.status(described.status).json(body);
      };
      if (req.complete || req.destroyed || controller.signal.aborted) return respond();
      lingerThenRespond(req, respond);
    },
  };
}

/** Tar streams in and out of engines: export (docker save), load (docker load), import (docker import). */
export function archiveRoutes(deps: ArchiveRouteDeps): Router {
  const { hostsFor, config } = deps;
  const { stallTimeoutMs, maxUploadBytes } = config.archives;
  // Case-sensitive and strict (no trailing slash): a path is either the route's own spelling or no route at all.
  const router = Router({ caseSensitive: true, strict: true });

  const tooLarge = (req: Request, host: string) => {
    const length = req.headers['content-length'];
    if (length !== undefined && Number(length) > maxUploadBytes) throw new UploadTooLargeError(maxUploadBytes, host);
  };

  // HEAD would run the whole export for nothing.
  router.head('/hosts/:host/images/export', (_req, res) => {
    res.status(405).set('Allow', 'GET').json({ errors: [{ message: 'use GET', extensions: { code: 'BAD_REQUEST' } }] });
  });

  // docker save: GET /hosts/:host/images/export?ref=a&ref=b -> application/x-tar, streamed.
  const exportRoute = async (req: Request<{ host: string }>, res: Response) => {
    const host = req.params.host;
    const scope = requestScope(req, res, deps, 'exportImages', host);
    try {
      const refs = many(req, 'ref');
      scope.setTarget({ refs });
      onlyParams(req, ['ref']);
      if (refs.length === 0) throw new QueryError('ref: at least one image reference is required (?ref=name:tag&ref=...)');
      const archive = await exportImages(hostsFor(req.principal!).client(host), refs, { signal: scope.signal, stallTimeoutMs });
      res.status(200).set({
        'Content-Type': 'application/x-tar',
        'Content-Disposition': `attachment; filename="${archiveName(host, refs)}"`,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      try {
        await pipeline(archive, res);
      } catch (error) {
        throw scope.signal.aborted ? scope.signal.reason : archive.errored instanceof HangarError ? archive.errored : error;
      }
      await scope.ok(`${archive.bytes} bytes, ${archive.entries} tar entries`);
    } catch (error) {
      await scope.fail(error);
    }
  };

  // docker load: POST /hosts/:host/images/load, body = tar.
  const loadRoute = async (req: Request<{ host: string }>, res: Response) => {
    const host = req.params.host;
    const scope = requestScope(req, res, deps, 'loadImages', host);
    scope.setTarget({ contentLength: req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']) });
    try {
      onlyParams(req, []);
      const client = hostsFor(req.principal!).client(host);
      tooLarge(req, host);
      const result = await loadImages(client, req, { signal: scope.signal, stallTimeoutMs, maxBytes: maxUploadBytes });
      scope.setTarget({ bytes: result.bytes, loaded: result.loaded });
      await scope.ok(`loaded ${result.loaded.map((image) => image.ref ?? image.imageId).join(', ') || 'nothing'} (${result.bytes} bytes)`);
      res.status(200).json({ loaded: result.loaded });
    } catch (error) {
      await scope.fail(error);
    }
  };

  // docker import: POST /hosts/:host/images/import?repo=&tag=&message=&change=... with a rootfs tar body or ?url=.
  const importRoute = async (req: Request<{ host: string }>, res: Response) => {
    const host = req.params.host;
    const scope = requestScope(req, res, deps, 'importImage', host);
    try {
      const url = one(req, 'url');
      const repo = one(req, 'repo');
      const tag = one(req, 'tag');
      const message = one(req, 'message');
      const changes = many(req, 'change', 'changes');
      scope.setTarget({ source: url === undefined ? 'upload' : 'url', ...(url !== undefined ? { url: redactUrl(url) } : {}), repo, tag, message, changes });
      onlyParams(req, ['url', 'repo', 'tag', 'message', 'change', 'changes']);
      const client = hostsFor(req.principal!).client(host);
      if (url !== undefined && hasBody(req)) throw new QueryError('send the root filesystem either as the body or as ?url=, not both');
      if (url === undefined) tooLarge(req, host);
      const result = await importImage(client, { source: url !== undefined ? { url } : req, repo, tag, message, changes }, { signal: scope.signal, stallTimeoutMs, maxBytes: maxUploadBytes, egress: egressPolicyOf(config.egress) });
      await scope.ok(`imported ${result.ref ?? result.imageId} (${result.imageId})${url === undefined ? ` from ${result.bytes} bytes` : ''}`);
      res.status(200).json({ imageId: result.imageId, ...(result.ref ? { ref: result.ref } : {}) });
    } catch (error) {
      await scope.fail(error);
    }
  };

  const handlers: Record<(typeof ARCHIVE_ROUTES)[number]['action'], RequestHandler<{ host: string }>> = { export: exportRoute, load: loadRoute, import: importRoute };
  // Each route checks its own role first (403 FORBIDDEN, nothing read, nothing audited), then runs.
  for (const route of ARCHIVE_ROUTES) {
    const method = route.method === 'GET' ? 'get' : 'post';
    router[method](route.path, requireRoleHttp(route.role, route.what), handlers[route.action]);
  }
  return router;
}
