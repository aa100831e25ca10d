import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, loadSecretKey, MIN_SECRET_KEY_LENGTH } from './credentials.js';

const dir = () => mkdtempSync(join(tmpdir(), 'hangar-key-'));

/** A value sealed as the first format did: AES-256-GCM with the key material itself, `iv.tag.body`. */
function sealFirstFormat(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.');
}

describe('loadSecretKey', () => {
  it('refuses a short HANGAR_SECRET_KEY, naming the minimum', () => {
    expect(() => loadSecretKey('x'.repeat(MIN_SECRET_KEY_LENGTH - 1), join(dir(), 'secret.key'))).toThrow(/HANGAR_SECRET_KEY: is 31 characters long; at least 32/);
    expect(loadSecretKey('ü'.repeat(MIN_SECRET_KEY_LENGTH), join(dir(), 'secret.key'))).toHaveLength(32);
  });

  it('makes the key file (0600) when asked to, and a worker (create: false) refuses instead of making its own', () => {
    const file = join(dir(), 'data', 'secret.key');
    expect(() => loadSecretKey(undefined, file, { create: false })).toThrow(/no secret key: neither HANGAR_SECRET_KEY is set nor .*secret\.key exists/);
    expect(existsSync(file)).toBe(false);
    const made = loadSecretKey(undefined, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecretKey(undefined, file, { create: false }).equals(made)).toBe(true);
  });

  it.each([0o640, 0o604, 0o644])('refuses a key file of mode %o with the chmod to run', (mode) => {
    const file = join(dir(), 'secret key');
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    chmodSync(file, mode);
    expect(() => loadSecretKey(undefined, file)).toThrow(`chmod 600 ${JSON.stringify(file)}`);
  });

  it('refuses a damaged key file', () => {
    const file = join(dir(), 'secret.key');
    writeFileSync(file, 'too short', { mode: 0o600 });
    expect(() => loadSecretKey(undefined, file)).toThrow(/damaged/);
  });
});

describe('encryptSecret', () => {
  const material = loadSecretKey(`k-${randomBytes(24).toString('base64')}`, '/nonexistent');

  it.each(['p:a@s"s\\w', 'ünïcødé 🔑', '"', 'https://u:p@h/x?X-Amz-Signature=s'])('seals and opens %s, with an HKDF-derived key (v2)', (plain) => {
    const sealed = encryptSecret(material, plain);
    expect(sealed.startsWith('v2.')).toBe(true);
    expect(sealed).not.toContain(plain);
    expect(decryptSecret(material, sealed)).toBe(plain);
    // the key material itself is not the AES key: a first-format reader cannot open it
    expect(() => decryptSecret(material, sealed.slice(3))).toThrow(/cannot be decrypted/);
  });

  it('still opens values sealed in the first format (the SHA-256 of HANGAR_SECRET_KEY as the AES key)', () => {
    const env = `legacy-${randomBytes(20).toString('hex')}`;
    const old = sealFirstFormat(createHash('sha256').update(env).digest(), 'old p@ss"word');
    expect(decryptSecret(loadSecretKey(env, '/nonexistent'), old)).toBe('old p@ss"word');
  });

  it('says nothing of the secret when the key is another', () => {
    const sealed = encryptSecret(material, 'hunter2-secret');
    const other = loadSecretKey(`o-${randomBytes(24).toString('base64')}`, '/nonexistent');
    expect(() => decryptSecret(other, sealed)).toThrow(/^a stored secret cannot be decrypted/);
  });
});
