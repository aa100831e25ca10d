import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminTokenWeakness, generateToken, LruCache } from './token-store.js';

describe('LruCache', () => {
  it('keeps at most max entries, dropping the least recently used', () => {
    const cache = new LruCache<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c'].entries()) cache.set(key, i);
    expect(cache.get('a')).toBe(0); // a is now the most recent
    cache.set('d', 3);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([0, 2, 3]);
    for (let i = 0; i < 10_000; i++) cache.set(randomBytes(8).toString('hex'), i);
    expect(cache.size).toBe(3);
    cache.delete('nothing');
    expect(cache.size).toBe(3);
  });
});

describe('adminTokenWeakness', () => {
  it.each([
    ['short', /5 characters long; at least 32/],
    ['a'.repeat(64), /uses 1 different characters; at least 10/],
    ['0123456789'.repeat(3) + '0', /31 characters long/],
    [`${'x'.repeat(20)} ${'abcdefghijklm'}`, /whitespace/],
  ])('refuses %s', (token, why) => {
    expect(adminTokenWeakness(token)).toMatch(why);
  });

  it('accepts generated tokens and 32 random characters, unicode counted as characters', () => {
    expect(adminTokenWeakness(generateToken())).toBeUndefined();
    expect(adminTokenWeakness(randomBytes(24).toString('base64'))).toBeUndefined();
    expect(adminTokenWeakness('ü€🔑'.repeat(8) + 'abcdefghij')).toBeUndefined();
  });
});
