import { signStandardWebhook, verifyStandardWebhook } from '@hangar/core';
import { describe, expect, it } from 'vitest';
import { checkWebhookSecret, generateWebhookSecret } from './receiver-store.js';

describe('webhook receiver secrets', () => {
  it('generates a path-safe token, or a usable whsec_ key for Standard Webhooks', () => {
    const token = generateWebhookSecret('dockerhub');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(checkWebhookSecret('dockerhub', token)).toBeUndefined();
    const key = generateWebhookSecret('standard');
    expect(key).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(checkWebhookSecret('standard', key)).toBeUndefined();
    const signature = signStandardWebhook(key, 'msg_1', 1700000000, '{}');
    expect(verifyStandardWebhook({ id: 'msg_1', timestamp: '1700000000', signature, body: Buffer.from('{}'), secret: key, nowSeconds: 1700000000 })).toEqual({ ok: true });
    expect(generateWebhookSecret('distribution')).not.toBe(generateWebhookSecret('distribution'));
  });

  it('refuses secrets that are short, or do not fit their source', () => {
    expect(checkWebhookSecret('distribution', 'short')).toBe('too short: use at least 16 characters');
    expect(checkWebhookSecret('dockerhub', 'has/a/slash/in/it!')).toBe('a path token may hold only letters, digits and . _ ~ -');
    expect(checkWebhookSecret('standard', 'not-a-whsec-secret!!')).toBe('a Standard Webhooks secret is "whsec_" followed by base64');
    expect(checkWebhookSecret('standard', 'whsec_c2hvcnQ=')).toBe('too short: use at least 16 characters');
    expect(checkWebhookSecret('standard', 'whsec_c2hvcnRzaG9ydA==')).toBe('a Standard Webhooks key must be at least 16 bytes');
    expect(checkWebhookSecret('harbor', 'a harbor secret with spaces')).toBeUndefined();
  });
});
