import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, HangarError, OperationError, registryHostMatches, registryUrlHost, type RegistryAuth, type RegistryConfig } from '@hangar/core';
import type { Redis } from 'ioredis';

const KEY = '{hangar}:registries';

/** A registry added at run time (through the API): its password is kept encrypted, never shown. */
export interface StoredRegistry {
  name: string;
  url: string;
  kind: RegistryConfig['kind'];
  username?: string | undefined;
  hasPassword: boolean;
}

/** The shortest HANGAR_SECRET_KEY accepted: 32 characters (`openssl rand -base64 32` gives 44). */
export const MIN_SECRET_KEY_LENGTH = 32;

export interface LoadSecretKeyOptions {
  /**
   * Make the key file when neither HANGAR_SECRET_KEY nor the file exists. Only the API's first start does; a
   * worker that made its own key could not open what the API sealed (and would seal what the API cannot open).
   */
  create?: boolean;
}

/**
 * The key material secrets at rest are sealed with (registry passwords, webhook secrets, URLs of jobs): from
 * HANGAR_SECRET_KEY (32 characters at least), or from a random 256-bit key generated once into `keyFile` (mode
 * 0600; refused when group or others may read it). The AES key itself is derived from this material with
 * HKDF-SHA256 (see encryptSecret). Errors are ConfigErrors that say what to do.
 */
export function loadSecretKey(envKey: string | undefined, keyFile: string, options: LoadSecretKeyOptions = {}): Buffer {
  if (envKey !== undefined && envKey !== '') {
    if ([...envKey].length < MIN_SECRET_KEY_LENGTH) {
      throw new ConfigError('HANGAR_SECRET_KEY', `is ${[...envKey].length} characters long; at least ${MIN_SECRET_KEY_LENGTH} are needed (make one with: openssl rand -base64 32)`, 'environment');
    }
    // The SHA-256 of the variable is what earlier versions used as the AES key: kept as key material so that
    // secrets sealed before (format without "v2.") still open.
    return createHash('sha256').update(envKey).digest();
  }
  if (!existsSync(keyFile)) {
    if (options.create === false) {
      throw new ConfigError(
        'HANGAR_SECRET_KEY',
        `no secret key: neither HANGAR_SECRET_KEY is set nor ${keyFile} exists. A worker never makes its own key (it could not read the secrets the API sealed): ` +
          `set HANGAR_SECRET_KEY to the API's key, or give this process the API's key file (dataDir/secret.key, mode 0600), or start the API once first with the same dataDir`,
        'environment',
      );
    }
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process made it first: read theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const mode = statSync(keyFile).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new ConfigError(
      keyFile,
      `the secret key file may be read by ${mode & 0o070 ? 'its group' : ''}${mode & 0o070 && mode & 0o007 ? ' and ' : ''}${mode & 0o007 ? 'others' : ''} (mode 0${mode.toString(8)}); Hangar refuses to use it. Fix it with: chmod 600 ${JSON.stringify(keyFile)}`,
      'secret key',
    );
  }
  const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new ConfigError(keyFile, 'the secret key file is damaged: it must hold 32 random bytes in base64', 'secret key');
  return key;
}

/** The version prefix of sealed values whose AES key is derived with HKDF; values without it are the first format. */
const SEALED_V2 = 'v2.';
const derived = new WeakMap<Buffer, Buffer>();

/** The AES-256 key for sealed values of format v2: HKDF-SHA256 of the key material, with Hangar's own salt and info. */
function aesKeyOf(material: Buffer): Buffer {
  let key = derived.get(material);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', material, 'hangar secret key', 'hangar/aes-256-gcm/v2', 32));
    derived.set(material, key);
  }
  return key;
}

/**
 * AES-256-GCM with a random IV, the key derived from the key material with HKDF-SHA256: `v2.iv.tag.ciphertext`,
 * each base64. For any secret kept at rest (registry passwords, webhook secrets, URLs of jobs).
 */
export function encryptSecret(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', aesKeyOf(key), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return SEALED_V2 + [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.');
}

/**
 * Opens what encryptSecret sealed, in either format (`v2.` with the HKDF-derived key, or the first format, sealed
 * with the key material itself); a damaged value or another key is an INTERNAL error that shows no secret.
 */
export function decryptSecret(key: Buffer, sealed: string): string {
  const v2 = sealed.startsWith(SEALED_V2);
  const [iv, tag, body] = (v2 ? sealed.slice(SEALED_V2.length) : sealed).split('.').map((part) => Buffer.from(part, 'base64'));
  if (!iv || !tag || !body) throw new HangarError('INTERNAL', 'a stored secret is damaged');
  try {
    const decipher = createDecipheriv('aes-256-gcm', v2 ? aesKeyOf(key) : key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new HangarError('INTERNAL', 'a stored secret cannot be decrypted: was HANGAR_SECRET_KEY (or dataDir/secret.key) changed?');
  }
}

/**
 * Registry credentials for engines: those of the configuration (passwordEnv) and those added through the API,
 * encrypted at rest (AES-256-GCM). Only workers read passwords, to build X-Registry-Auth.
 */
export class CredentialStore {
  constructor(
    private readonly redis: Redis,
    private readonly key: Buffer,
    private readonly configured: readonly RegistryConfig[],
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Seals a secret with this store's key (encryptSecret), e.g. a job's URL that holds credentials. */
  seal(plain: string): string {
    return encryptSecret(this.key, plain);
  }

  /** Opens what seal sealed (in a worker, with the same key). */
  open(sealed: string): string {
    return decryptSecret(this.key, sealed);
  }

  async add(registry: { name: string; url: string; kind: RegistryConfig['kind']; username?: string | undefined; password?: string | undefined }): Promise<StoredRegistry> {
    if (this.configured.some((r) => r.name === registry.name)) throw new HangarError('CONFLICT', `registry "${registry.name}" is defined in the configuration`);
    const record = { name: registry.name, url: registry.url, kind: registry.kind, username: registry.username, password: registry.password ? encryptSecret(this.key, registry.password) : undefined };
    await this.redis.hset(KEY, registry.name, JSON.stringify(record));
    return { name: registry.name, url: registry.url, kind: registry.kind, username: registry.username, hasPassword: Boolean(registry.password) };
  }

  async remove(name: string): Promise<boolean> {
    return (await this.redis.hdel(KEY, name)) > 0;
  }

  async stored(): Promise<StoredRegistry[]> {
    const all = await this.redis.hgetall(KEY);
    return Object.values(all).map((text) => {
      const record = JSON.parse(text) as { name: string; url: string; kind: RegistryConfig['kind']; username?: string; password?: string };
      return { name: record.name, url: record.url, kind: record.kind, username: record.username, hasPassword: Boolean(record.password) };
    });
  }

  /** The URL of a registry by name (configured or added), without reading any secret. */
  async registryUrl(name: string): Promise<string | undefined> {
    const configured = this.configured.find((r) => r.name === name);
    if (configured) return configured.url;
    const text = await this.redis.hget(KEY, name);
    return text ? (JSON.parse(text) as { url: string }).url : undefined;
  }

  /** Every registry with its password, for the engine's auth headers. Never leaves the process. */
  async withSecrets(): Promise<{ name: string; url: string; kind: RegistryConfig['kind']; username?: string | undefined; password?: string | undefined }[]> {
    const all = await this.redis.hgetall(KEY);
    const stored = Object.values(all).map((text) => {
      const record = JSON.parse(text) as { name: string; url: string; kind: RegistryConfig['kind']; username?: string; password?: string };
      return { ...record, password: record.password ? decryptSecret(this.key, record.password) : undefined };
    });
    const configured = this.configured.map((r) => ({ name: r.name, url: r.url, kind: r.kind, username: r.username, password: r.passwordEnv ? this.env[r.passwordEnv] : undefined }));
    return [...configured, ...stored];
  }

  /**
   * The credentials for a reference: the named registry, or the one whose host is the reference's registry host.
   * Undefined when none matches (anonymous).
   */
  async authFor(domain: string, registryName?: string): Promise<RegistryAuth | undefined> {
    const all = await this.withSecrets();
    const match = registryName ? all.find((r) => r.name === registryName) : all.find((r) => registryHostMatches(domain, r.url));
    if (registryName && !match) throw new HangarError('NOT_FOUND', `no registry named "${registryName}"`);
    // A named registry's credentials go to that registry only, whatever the reference says (checked again here:
    // the registry may have changed since the job was enqueued).
    if (match && registryName && !registryHostMatches(domain, match.url)) throw new OperationError('BAD_REQUEST', registryMismatch(registryName, match.url, domain), true);
    if (!match || !match.username) return undefined;
    return { username: match.username, password: match.password, serveraddress: new URL(match.url).host };
  }
}

/** Why a named registry cannot serve a reference: its credentials would go to another host. */
export function registryMismatch(name: string, url: string, domain: string): string {
  return `registry "${name}" is ${registryUrlHost(url)}, but the reference names ${domain}: its credentials go to its own host only`;
}
