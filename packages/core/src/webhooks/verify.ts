import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { WEBHOOK_AUTH, type WebhookSource } from './sources.js';

/** The outcome of checking who sent a webhook: no secret ever appears in a reason. */
export type WebhookVerdict = { ok: true } | { ok: false; reason: string };

const OK: WebhookVerdict = { ok: true };
const fail = (reason: string): WebhookVerdict => ({ ok: false, reason });

/** Default bound on how far a signed timestamp may be from our clock (Standard Webhooks says 5 minutes). */
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300;

/**
 * Compares two secrets in constant time, whatever their lengths: both sides are hashed first, so neither the
 * position of the first difference nor the expected length leaks through timing.
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/** One header's value, from Node's headers object (a repeated header counts as missing: it is ambiguous). */
export function headerValue(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A static token in `Authorization` (registry:2 `headers`, Harbor's `auth_header`): `Bearer <secret>`, or the
 * secret alone (Harbor copies its auth header verbatim, whatever the user typed).
 */
export function verifyBearer(authorization: string | undefined, secret: string): WebhookVerdict {
  if (!authorization || authorization.trim() === '') return fail('missing Authorization header');
  const token = authorization.trim().replace(/^Bearer\s+/i, '');
  return safeEqual(token, secret) ? OK : fail('wrong token in Authorization header');
}

/** A secret token in the URL path (Docker Hub cannot sign or send headers). */
export function verifyPathToken(token: string | undefined, secret: string): WebhookVerdict {
  if (!token) return fail('missing path token: POST to /webhooks/<receiver>/<token>');
  return safeEqual(token, secret) ? OK : fail('wrong path token');
}

/** The HMAC key of a Standard Webhooks secret: base64 after the `whsec_` prefix. */
export function standardWebhookKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  if (key.length === 0) throw new Error('a Standard Webhooks secret must be base64 (optionally after "whsec_")');
  return key;
}

/** The `webhook-signature` entry for a message: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function signStandardWebhook(secret: string, id: string, timestamp: number | string, body: Buffer | string): string {
  const mac = createHmac('sha256', standardWebhookKey(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

export interface StandardWebhookInput {
  id: string | undefined;
  timestamp: string | undefined;
  /** Space-separated `v1,<base64>` entries: any one that matches passes (key rotation). */
  signature: string | undefined;
  /** The raw body, byte for byte as received. */
  body: Buffer;
  secret: string;
  nowSeconds: number;
  toleranceSeconds?: number | undefined;
}

/** Standard Webhooks: id, timestamp within tolerance, and at least one matching v1 signature over the raw body. */
export function verifyStandardWebhook(input: StandardWebhookInput): WebhookVerdict {
  const { id, timestamp, signature, body, secret, nowSeconds } = input;
  const tolerance = input.toleranceSeconds ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS;
  if (!id) return fail('missing webhook-id header');
  if (!timestamp) return fail('missing webhook-timestamp header');
  if (!signature) return fail('missing webhook-signature header');
  if (!/^\d{1,12}$/.test(timestamp)) return fail('webhook-timestamp is not a Unix time in seconds');
  const skew = nowSeconds - Number(timestamp);
  if (skew > tolerance) return fail(`webhook-timestamp is ${Math.round(skew)} s old (tolerance ${tolerance} s)`);
  if (-skew > tolerance) return fail(`webhook-timestamp is ${Math.round(-skew)} s in the future (tolerance ${tolerance} s)`);
  let expected: Buffer;
  try {
    expected = createHmac('sha256', standardWebhookKey(secret)).update(`${id}.${timestamp}.`).update(body).digest();
  } catch {
    return fail('the receiver’s secret is not a valid Standard Webhooks secret');
  }
  let sawV1 = false;
  for (const entry of signature.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    sawV1 = true;
    const given = entry.slice(comma + 1);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(given)) continue;
    if (safeEqual(Buffer.from(given, 'base64'), expected)) return OK;
  }
  return fail(sawV1 ? 'no webhook-signature entry matches' : 'webhook-signature has no v1 entry');
}

/** GitHub's `X-Hub-Signature-256`: `sha256=<hex HMAC-SHA256(secret, raw body)>`. */
export function signGithub(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function verifyGithubSignature(header: string | undefined, body: Buffer, secret: string): WebhookVerdict {
  if (!header) return fail('missing X-Hub-Signature-256 header');
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return fail('X-Hub-Signature-256 is not "sha256=<64 hex digits>"');
  const expected = createHmac('sha256', secret).update(body).digest();
  return safeEqual(Buffer.from(match[1]!, 'hex'), expected) ? OK : fail('X-Hub-Signature-256 does not match the body');
}

export interface WebhookRequestParts {
  /** Node's lower-cased headers. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The path segment after the receiver's name (Docker Hub's secret token), if any. */
  pathToken: string | undefined;
  /** The raw body, as received. */
  body: Buffer;
}

/**
 * Checks a request against its receiver's secret, as its source authenticates: a static bearer token (distribution,
 * harbor), a secret path token (dockerhub), an HMAC over the raw body with a timestamp (standard) or without
 * (github). Runs before the body is parsed.
 */
export function authenticateWebhook(
  source: WebhookSource,
  secret: string | undefined,
  request: WebhookRequestParts,
  options: { nowSeconds: number; toleranceSeconds?: number | undefined },
): WebhookVerdict {
  if (!secret) return fail('the receiver has no secret configured: every request is refused');
  const { headers, body } = request;
  switch (WEBHOOK_AUTH[source]) {
    case 'bearer':
      return verifyBearer(headerValue(headers, 'authorization'), secret);
    case 'path-token':
      return verifyPathToken(request.pathToken, secret);
    case 'standard-hmac':
      return verifyStandardWebhook({
        id: headerValue(headers, 'webhook-id'),
        timestamp: headerValue(headers, 'webhook-timestamp'),
        signature: headerValue(headers, 'webhook-signature'),
        body,
        secret,
        nowSeconds: options.nowSeconds,
        toleranceSeconds: options.toleranceSeconds,
      });
    case 'github-hmac':
      return verifyGithubSignature(headerValue(headers, 'x-hub-signature-256'), body, secret);
  }
}
