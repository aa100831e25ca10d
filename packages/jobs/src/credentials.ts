import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HangarError, type RegistryAuth, type RegistryConfig } from '@hangar/core';
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

/**
 * The secret key registry passwords are encrypted with: HANGAR_SECRET_KEY (any string; hashed to 256 bits), or a
 * random key generated once into `keyFile` (mode 0600).
 */
export function loadSecretKey(envKey: string | undefined, keyFile: string): Buffer {
  if (envKey) return createHash('sha256').update(envKey).digest();
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
}

/** AES-256-GCM with a random IV: `iv.tag.ciphertext`, each base64. For any secret kept at rest (registry passwords, webhook secrets). */
export function encryptSecret(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.');
}

/** Opens what encryptSecret sealed; a damaged value or another key is an INTERNAL error that shows no secret. */
export function decryptSecret(key: Buffer, sealed: string): string {
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64'));
  if (!iv || !tag || !body) throw new HangarError('INTERNAL', 'a stored secret is damaged');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new HangarError('INTERNAL', 'a stored secret cannot be decrypted: was HANGAR_SECRET_KEY changed?');
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
    const match = registryName ? all.find((r) => r.name === registryName) : all.find((r) => new URL(r.url).host === domain);
    if (registryName && !match) throw new HangarError('NOT_FOUND', `no registry named "${registryName}"`);
    if (!match || !match.username) return undefined;
    return { username: match.username, password: match.password, serveraddress: new URL(match.url).host };
  }
}
