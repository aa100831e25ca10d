import { describe, expect, it } from 'vitest';
import { encodeEngineJson, registryAuthHeader, registryConfigHeader, scrubSecrets } from './registry-auth.js';

/**
 * Decodes as the engine does: Go's `base64.URLEncoding` (URL-safe alphabet, `=` padding required) read through
 * `base64.NewDecoder` into a JSON decoder. Anything Go would reject throws here, so a header that only a lenient
 * decoder (Node's) accepts fails the test.
 */
function goDecodeUrlEncoding(text: string): unknown {
  if (text.length % 4 !== 0) throw new Error(`not padded: length ${text.length} is not a multiple of 4`);
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new Error('illegal base64 data: not the URL-safe alphabet');
  return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
}

const SPECIAL = [':', '@', '"', '\\', 'é', '日本', '🔑', '+/', '?>~', '\u0000', '\n', ' '];

/** Passwords of every length from 0 to 64, and with every character that needs escaping or encodes to + or /. */
function passwords(): string[] {
  const out: string[] = [];
  for (let length = 0; length <= 64; length++) out.push('p'.repeat(length));
  for (const s of SPECIAL) for (let pad = 0; pad < 3; pad++) out.push(`${'x'.repeat(pad)}${s}tail${s}`);
  // Bytes whose standard base64 holds both + and / at every alignment.
  for (let pad = 0; pad < 3; pad++) out.push(`${'y'.repeat(pad)}???~~~???~~~ÿÿÿ`);
  return out;
}

describe('registryAuthHeader', () => {
  it('decodes with Go padded URL-safe base64 for every password length and awkward character', () => {
    for (const username of ['u', 'us', 'use', 'ü:ser@x']) {
      for (const password of passwords()) {
        const header = registryAuthHeader({ username, password, serveraddress: '127.0.0.1:5000' });
        expect(goDecodeUrlEncoding(header), `${username}/${JSON.stringify(password)}`).toEqual({ username, password, serveraddress: '127.0.0.1:5000' });
      }
    }
  });

  it('covers all three JSON length residues and both + and / (the sweep is not lucky)', () => {
    const residues = new Set<number>();
    let plus = false;
    let slash = false;
    for (const password of passwords()) {
      const json = JSON.stringify({ username: 'u', password, serveraddress: '127.0.0.1:5000' });
      residues.add(Buffer.byteLength(json) % 3);
      const standard = Buffer.from(json).toString('base64');
      plus ||= standard.includes('+');
      slash ||= standard.includes('/');
    }
    expect([...residues].sort()).toEqual([0, 1, 2]);
    expect(plus && slash).toBe(true);
  });

  it('sends {} for anonymous requests', () => {
    expect(goDecodeUrlEncoding(registryAuthHeader(undefined))).toEqual({});
  });

  it('an identity token survives too', () => {
    const header = registryAuthHeader({ identitytoken: 'tok/+=en', serveraddress: 'r.example.com' });
    expect(goDecodeUrlEncoding(header)).toEqual({ identitytoken: 'tok/+=en', serveraddress: 'r.example.com' });
  });
});

describe('registryConfigHeader', () => {
  it('decodes with Go padded URL-safe base64 (builds read it with base64.URLEncoding too)', () => {
    for (const password of passwords()) {
      const header = registryConfigHeader([
        { username: 'a', password, serveraddress: '127.0.0.1:5000' },
        { username: 'b"\\', password: `${password}!`, serveraddress: 'registry.example.com' },
      ]);
      expect(goDecodeUrlEncoding(header)).toEqual({
        '127.0.0.1:5000': { username: 'a', password, serveraddress: '127.0.0.1:5000' },
        'registry.example.com': { username: 'b"\\', password: `${password}!`, serveraddress: 'registry.example.com' },
      });
    }
  });

  it('encodeEngineJson never emits + or / and always pads', () => {
    for (let n = 0; n < 50; n++) {
      const text = encodeEngineJson({ v: '~'.repeat(n) + '?'.repeat(n) });
      expect(text).not.toMatch(/[+/]/);
      expect(text.length % 4).toBe(0);
    }
  });
});

describe('scrubSecrets', () => {
  it('removes passwords and identity tokens from engine text', () => {
    const auth = { username: 'u', password: 's3:cr@t"', identitytoken: 'idtok', serveraddress: 'r' };
    expect(scrubSecrets('denied for s3:cr@t" and idtok', [auth])).toBe('denied for [redacted] and [redacted]');
  });
});
