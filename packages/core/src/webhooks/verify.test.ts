import { describe, expect, it } from 'vitest';
import {
  authenticateWebhook,
  safeEqual,
  signGithub,
  signStandardWebhook,
  verifyBearer,
  verifyGithubSignature,
  verifyPathToken,
  verifyStandardWebhook,
} from './verify.js';

// Test vectors from the Standard Webhooks specification and GitHub's documentation (reference/webhooks.md).
const STANDARD = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  body: Buffer.from('{"test": 2432232314}'),
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const GITHUB = {
  secret: "It's a Secret to Everybody",
  body: Buffer.from('Hello, World!'),
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

/** The body with one byte changed. */
function flipOneByte(body: Buffer, at = 3): Buffer {
  const copy = Buffer.from(body);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

describe('safeEqual', () => {
  it('compares whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
    expect(safeEqual(Buffer.from('abc'), 'abc')).toBe(true);
  });
});

describe('static bearer token (distribution, harbor)', () => {
  it('accepts "Bearer <secret>" and the bare secret', () => {
    expect(verifyBearer('Bearer s3cret', 's3cret')).toEqual({ ok: true });
    expect(verifyBearer('bearer   s3cret ', 's3cret')).toEqual({ ok: true });
    expect(verifyBearer('s3cret', 's3cret')).toEqual({ ok: true });
  });

  it('refuses a missing or wrong token, and never repeats it', () => {
    expect(verifyBearer(undefined, 's3cret')).toEqual({ ok: false, reason: 'missing Authorization header' });
    const wrong = verifyBearer('Bearer s3cre', 's3cret');
    expect(wrong.ok).toBe(false);
    expect(JSON.stringify(wrong)).not.toContain('s3cre');
    expect(verifyBearer('Basic czNjcmV0', 's3cret').ok).toBe(false);
  });
});

describe('path token (dockerhub)', () => {
  it('accepts only the exact token', () => {
    expect(verifyPathToken('tok-123', 'tok-123')).toEqual({ ok: true });
    expect(verifyPathToken('tok-124', 'tok-123').ok).toBe(false);
    expect(verifyPathToken(undefined, 'tok-123').ok).toBe(false);
  });
});

describe('Standard Webhooks', () => {
  const now = Number(STANDARD.timestamp) + 10;

  it('signs the test vector', () => {
    expect(signStandardWebhook(STANDARD.secret, STANDARD.id, STANDARD.timestamp, STANDARD.body)).toBe(STANDARD.signature);
  });

  it('verifies the test vector', () => {
    expect(verifyStandardWebhook({ ...STANDARD, nowSeconds: now })).toEqual({ ok: true });
  });

  it('accepts any one of several signatures (key rotation), and skips other versions', () => {
    const other = signStandardWebhook('whsec_b2xkIGtleSBiZWZvcmUgcm90YXRpb24=', STANDARD.id, STANDARD.timestamp, STANDARD.body);
    expect(verifyStandardWebhook({ ...STANDARD, signature: `${other} v1a,AAAA ${STANDARD.signature}`, nowSeconds: now })).toEqual({ ok: true });
    expect(verifyStandardWebhook({ ...STANDARD, signature: other, nowSeconds: now })).toEqual({ ok: false, reason: 'no webhook-signature entry matches' });
  });

  it('fails when one byte of the body changes', () => {
    expect(verifyStandardWebhook({ ...STANDARD, body: flipOneByte(STANDARD.body), nowSeconds: now }).ok).toBe(false);
    expect(verifyStandardWebhook({ ...STANDARD, body: Buffer.from('{"test": 2432232314} '), nowSeconds: now }).ok).toBe(false);
  });

  it('fails when the id or timestamp was changed (they are signed too)', () => {
    expect(verifyStandardWebhook({ ...STANDARD, id: 'msg_other', nowSeconds: now }).ok).toBe(false);
    expect(verifyStandardWebhook({ ...STANDARD, timestamp: String(Number(STANDARD.timestamp) + 1), nowSeconds: now }).ok).toBe(false);
  });

  it('fails for a stale timestamp or one too far in the future, even with a right signature', () => {
    const stale = verifyStandardWebhook({ ...STANDARD, nowSeconds: Number(STANDARD.timestamp) + 301 });
    expect(stale).toEqual({ ok: false, reason: 'webhook-timestamp is 301 s old (tolerance 300 s)' });
    expect(verifyStandardWebhook({ ...STANDARD, nowSeconds: Number(STANDARD.timestamp) + 300 }).ok).toBe(true);
    expect(verifyStandardWebhook({ ...STANDARD, nowSeconds: Number(STANDARD.timestamp) - 301 }).ok).toBe(false);
    expect(verifyStandardWebhook({ ...STANDARD, nowSeconds: Number(STANDARD.timestamp) + 60, toleranceSeconds: 30 }).ok).toBe(false);
  });

  it('fails for missing headers and malformed values', () => {
    expect(verifyStandardWebhook({ ...STANDARD, id: undefined, nowSeconds: now })).toEqual({ ok: false, reason: 'missing webhook-id header' });
    expect(verifyStandardWebhook({ ...STANDARD, timestamp: undefined, nowSeconds: now }).ok).toBe(false);
    expect(verifyStandardWebhook({ ...STANDARD, signature: undefined, nowSeconds: now }).ok).toBe(false);
    expect(verifyStandardWebhook({ ...STANDARD, timestamp: '1614265330.5', nowSeconds: now }).ok).toBe(false);
    expect(verifyStandardWebhook({ ...STANDARD, signature: 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', nowSeconds: now })).toEqual({ ok: false, reason: 'webhook-signature has no v1 entry' });
    expect(verifyStandardWebhook({ ...STANDARD, signature: 'v1,not base64!', nowSeconds: now }).ok).toBe(false);
  });

  it('fails with the wrong secret', () => {
    expect(verifyStandardWebhook({ ...STANDARD, secret: 'whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB', nowSeconds: now }).ok).toBe(false);
  });
});

describe('GitHub X-Hub-Signature-256', () => {
  it('signs and verifies the test vector', () => {
    expect(signGithub(GITHUB.secret, GITHUB.body)).toBe(GITHUB.signature);
    expect(verifyGithubSignature(GITHUB.signature, GITHUB.body, GITHUB.secret)).toEqual({ ok: true });
    expect(verifyGithubSignature(GITHUB.signature.toUpperCase().replace('SHA256', 'sha256'), GITHUB.body, GITHUB.secret)).toEqual({ ok: true });
  });

  it('fails when one byte of the body changes, or with the wrong secret', () => {
    expect(verifyGithubSignature(GITHUB.signature, flipOneByte(GITHUB.body), GITHUB.secret)).toEqual({ ok: false, reason: 'X-Hub-Signature-256 does not match the body' });
    expect(verifyGithubSignature(GITHUB.signature, Buffer.from('Hello, World'), GITHUB.secret).ok).toBe(false);
    expect(verifyGithubSignature(GITHUB.signature, GITHUB.body, "It's a secret to everybody").ok).toBe(false);
  });

  it('fails for a missing or malformed header (sha1 included)', () => {
    expect(verifyGithubSignature(undefined, GITHUB.body, GITHUB.secret).ok).toBe(false);
    expect(verifyGithubSignature('sha1=01e0d8b7a5d5c5f6d1e3c1b7e5a8f0c6b2a3d4e5', GITHUB.body, GITHUB.secret).ok).toBe(false);
    expect(verifyGithubSignature('757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17', GITHUB.body, GITHUB.secret).ok).toBe(false);
  });
});

describe('authenticateWebhook', () => {
  const parts = (headers: Record<string, string>, body = Buffer.from('{}'), pathToken?: string) => ({ headers, body, pathToken });
  const now = { nowSeconds: Number(STANDARD.timestamp) };

  it('checks each source its own way', () => {
    expect(authenticateWebhook('distribution', 'tok', parts({ authorization: 'Bearer tok' }), now).ok).toBe(true);
    expect(authenticateWebhook('harbor', 'tok', parts({ authorization: 'tok' }), now).ok).toBe(true);
    expect(authenticateWebhook('dockerhub', 'tok', parts({}, Buffer.from('{}'), 'tok'), now).ok).toBe(true);
    expect(authenticateWebhook('dockerhub', 'tok', parts({ authorization: 'Bearer tok' }), now).ok).toBe(false);
    expect(
      authenticateWebhook('standard', STANDARD.secret, parts({ 'webhook-id': STANDARD.id, 'webhook-timestamp': STANDARD.timestamp, 'webhook-signature': STANDARD.signature }, STANDARD.body), now).ok,
    ).toBe(true);
    expect(authenticateWebhook('github', GITHUB.secret, parts({ 'x-hub-signature-256': GITHUB.signature }, GITHUB.body), now).ok).toBe(true);
    expect(authenticateWebhook('github', GITHUB.secret, parts({ authorization: `Bearer ${GITHUB.secret}` }, GITHUB.body), now).ok).toBe(false);
  });

  it('refuses everything when the receiver has no secret', () => {
    expect(authenticateWebhook('distribution', undefined, parts({ authorization: 'Bearer ' }), now)).toEqual({
      ok: false,
      reason: 'the receiver has no secret configured: every request is refused',
    });
    expect(authenticateWebhook('distribution', '', parts({ authorization: '' }), now).ok).toBe(false);
  });
});
