import { describe, expect, it } from 'vitest';
import { hasUserInfo, redactDeep, redactSecretsIn, redactText, redactUrl, urlNeedsRedaction } from './redact.js';

describe('redactUrl', () => {
  it.each([
    ['http://alice:s3cret@files.example.com/rootfs.tar', 'http://files.example.com/rootfs.tar'],
    ['https://token@files.example.com:8443/a/b.tar?X-Amz-Signature=abc&X-Amz-Credential=def#frag', 'https://files.example.com:8443/a/b.tar?X-Amz-Signature=redacted&X-Amz-Credential=redacted'],
    ['http://127.0.0.1:8080/x.tar', 'http://127.0.0.1:8080/x.tar'],
    ['https://u:p%40ss%3A%22w@h.example/x?a=1&flag&b=', 'https://h.example/x?a=redacted&flag&b=redacted'],
    // an unencoded @ in the password: the last @ of the authority ends the user info
    ['https://bob:p@ss@h.example/x', 'https://h.example/x'],
    // an unencoded / ? or # in the password ends the authority early: nothing of it may be left
    ['https://bob:pa/ss@h.example/x', 'https://h.example/x'],
    ['https://bob:pa?ss@h.example/x?sig=1', 'https://h.example/x?sig=redacted'],
    ['https://bob:pa#ss@h.example/x', 'https://h.example/x'],
    ['http://[::1]:5000/v2/x@sha256:abc', 'http://[::1]:5000/v2/x@sha256:abc'],
    ['git@github.com:org/repo.git', 'git@github.com:org/repo.git'],
    ['deploy:t0k3n@github.com:org/repo.git', 'github.com:org/repo.git'],
    ['https://ghp_tok@github.com/org/repo.git#main:sub', 'https://github.com/org/repo.git'],
  ])('%s', (url, safe) => {
    expect(redactUrl(url)).toBe(safe);
    expect(urlNeedsRedaction(url)).toBe(url !== safe);
  });

  it('never keeps any part of a varied password', () => {
    for (const password of ['p:w', 'ü@"\\x', 'a/b?c#d', 'zz%41zz', '🔑🔑🔑']) {
      const shown = redactUrl(`https://user:${password}@reg.example:5000/v2/?X-Amz-Signature=${encodeURIComponent(password)}`);
      expect(shown).toBe('https://reg.example:5000/v2/?X-Amz-Signature=redacted');
    }
  });
});

describe('redactText', () => {
  it('redacts every URL in a message, keeps punctuation around it', () => {
    expect(redactText('Get "http://bob:pw@h/x?sig=abc": refused; see (https://me@h2/y?t=1).')).toBe('Get "http://h/x?sig=redacted": refused; see (https://h2/y?t=redacted).');
  });

  it('replaces authorization credentials and given secrets, raw, JSON-escaped or URL-encoded', () => {
    expect(redactText('Authorization: Bearer hgr_abcdefghijkl and Basic dXNlcjpwYXNz')).toBe('Authorization: Bearer [redacted] and Basic [redacted]');
    const secret = 'p"a\\s:s@ü';
    const text = `raw ${secret} json ${JSON.stringify(secret)} url ${encodeURIComponent(secret)}`;
    const safe = redactSecretsIn(text, [secret]);
    expect(safe).not.toContain(secret);
    expect(safe).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(safe).not.toContain(encodeURIComponent(secret));
  });

  it('walks values', () => {
    expect(redactDeep({ url: 'https://a:b@h/x?k=v', list: ['Bearer 0123456789'], n: 3 })).toEqual({ url: 'https://h/x?k=redacted', list: ['Bearer [redacted]'], n: 3 });
    // a raw quote or backslash in a password does not end the URL early
    expect(redactDeep({ url: 'https://u:u:rl@p"w\\ä-1@h/x?sig=s/ü' })).toEqual({ url: 'https://h/x?sig=redacted' });
  });
});

describe('hasUserInfo', () => {
  it.each([
    ['https://user:pass@reg.example', true],
    ['https://user@reg.example', true],
    ['https://:pass@reg.example', true],
    ['https://reg.example/x@y', false],
    ['https://reg.example:5000', false],
  ])('%s', (url, expected) => expect(hasUserInfo(url)).toBe(expected));
});

describe('linear time on long input', () => {
  // Quadratic behaviour (what an unbounded scheme pattern had) takes minutes on these and hits the test timeout.
  it('redacts 200 kB of one word, of repeated schemes and of @s (no backtracking blow-up)', () => {
    for (const text of ['x'.repeat(200_000), 'ab+'.repeat(70_000), 'http://'.repeat(30_000), `https://${'@'.repeat(200_000)}`, `a://b${'@c'.repeat(100_000)}`]) {
      expect(redactText(text).length).toBeLessThanOrEqual(text.length);
      expect(redactUrl(text).length).toBeLessThanOrEqual(text.length);
    }
  });
});
