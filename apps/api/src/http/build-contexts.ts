import { randomBytes } from 'node:crypto';
import { checkTarHeader } from '@hangar/core';
import { uploadKey } from '@hangar/jobs';
import { Router, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit-log.js';

/** Build contexts are kept this long for a buildImage to use them. */
const CONTEXT_TTL_SECONDS = 3600;

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/**
 * `POST /api/v1/build-contexts`: a build context tar, kept in Redis for an hour so that a worker on any machine can
 * build from it (`buildImage(input: { contextUpload: key })`). Size-limited: big contexts belong in a remote URL.
 */
export function buildContextRoutes({ redis, audit, maxBytes }: { redis: Redis; audit: AuditLog; maxBytes: number }): Router {
  const router = Router();
  router.post('/build-contexts', async (req: Request, res: Response) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) return fail(res, 413, 'PAYLOAD_TOO_LARGE', `build context is ${declared} bytes; the limit is ${maxBytes}`);
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          req.destroy();
          return fail(res, 413, 'PAYLOAD_TOO_LARGE', `build context is over the limit of ${maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch {
      return fail(res, 400, 'BAD_REQUEST', 'the upload was cut short');
    }
    const body = Buffer.concat(chunks);
    const header = checkTarHeader(body.subarray(0, 512));
    if (!header.ok) return fail(res, 400, 'BAD_REQUEST', `body is not a tar archive: ${header.reason}`);
    const key = `ctx-${randomBytes(12).toString('hex')}`;
    await redis.set(uploadKey(key), body, 'EX', CONTEXT_TTL_SECONDS);
    await audit.record(req.principal!, { action: 'uploadBuildContext', hosts: [], target: { key, bytes }, outcome: 'ok', detail: undefined });
    res.status(201).json({ key, bytes, expiresInSeconds: CONTEXT_TTL_SECONDS });
  });
  return router;
}
