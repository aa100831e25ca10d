import { createHash, randomBytes } from 'node:crypto';
import { ConfigError } from '@hangar/core';
import type { Redis } from 'ioredis';

export type Role = 'viewer' | 'operator' | 'admin';

/** The hosts a token may see and act on: by name, by labels (`key=value` or `key`; all must match), or both (union). */
export interface TokenScope {
  names: string[];
  labels: string[];
}

/** Who a bearer token speaks for. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  /** Limits the token to some hosts; undefined: the whole fleet. */
  scope?: TokenScope | undefined;
}

function parseScope(raw: string | undefined): TokenScope | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<TokenScope>;
    return { names: Array.isArray(value.names) ? value.names.map(String) : [], labels: Array.isArray(value.labels) ? value.labels.map(String) : [] };
  } catch {
    // A scope that cannot be read must not widen the token: it sees no host.
    return { names: [], labels: [] };
  }
}

const TOKEN_PREFIX = 'hangar:auth:token:';
const TOKEN_KEY = (hash: string) => `${TOKEN_PREFIX}${hash}`;
/** A token's public ID: the first 12 hex digits of its hash (the token itself is never stored). */
const tokenIdOf = (hash: string) => hash.slice(0, 12);

/** A token as admins see it: never the token itself. */
export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: Date | undefined;
  createdBy: string | undefined;
  scope: TokenScope | undefined;
}
const BOOTSTRAP_KEY = 'hangar:auth:admin-bootstrapped';
/** Hashes of revoked tokens: a revoked HANGAR_ADMIN_TOKEN is not registered again at the next start. */
const REVOKED_KEY = 'hangar:auth:revoked';
/** How long a valid token's lookup is reused: the bound on how late another API process sees a revocation. */
const CACHE_MS = 5_000;
/** Valid tokens whose lookups are kept at once (least recently used go first). Invalid ones are never kept. */
export const TOKEN_CACHE_MAX = 10_000;
/** The shortest HANGAR_ADMIN_TOKEN accepted, and the fewest distinct characters it must use. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;
const MIN_ADMIN_TOKEN_DISTINCT = 10;

/**
 * Why a HANGAR_ADMIN_TOKEN is too weak (undefined when it is not): 32 characters at least, of 10 different ones at
 * least, no whitespace. `openssl rand -base64 32` (or Hangar's own `hgr_` tokens) pass.
 */
export function adminTokenWeakness(token: string): string | undefined {
  const chars = [...token];
  if (/\s/.test(token)) return 'it holds whitespace';
  if (chars.length < MIN_ADMIN_TOKEN_LENGTH) return `it is ${chars.length} characters long; at least ${MIN_ADMIN_TOKEN_LENGTH} are needed`;
  if (new Set(chars).size < MIN_ADMIN_TOKEN_DISTINCT) return `it uses ${new Set(chars).size} different characters; at least ${MIN_ADMIN_TOKEN_DISTINCT} are needed`;
  return undefined;
}

/**
 * A least-recently-used map with a size bound (a Map keeps insertion order: a hit is moved to the end, the first
 * entry is the one to drop).
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return `hgr_${randomBytes(32).toString('base64url')}`;
}

/**
 * Bearer tokens, stored only as SHA-256 hashes (tokens are 256 random bits, so a slow hash buys nothing).
 * Lookups of valid tokens are cached for 5 s (at most TOKEN_CACHE_MAX of them, least recently used dropped first)
 * so a burst of requests costs one Redis round trip; an invalid token is never cached, so no stream of made-up
 * tokens can grow this process's memory (each costs one Redis lookup, under the per-token request limits).
 */
export class TokenStore {
  private readonly cache: LruCache<string, { principal: Principal; until: number }>;

  constructor(
    private readonly redis: Redis,
    cacheMax = TOKEN_CACHE_MAX,
  ) {
    this.cache = new LruCache(cacheMax);
  }

  /** How many lookups the cache holds (valid tokens only). */
  get cacheSize(): number {
    return this.cache.size;
  }

  async add(token: string, principal: Omit<Principal, 'tokenId'>, createdBy?: string): Promise<Principal> {
    const hash = hashToken(token);
    await this.redis.hset(TOKEN_KEY(hash), {
      name: principal.name,
      role: principal.role,
      createdAt: new Date().toISOString(),
      ...(createdBy ? { createdBy } : {}),
      ...(principal.scope ? { scope: JSON.stringify(principal.scope) } : {}),
    });
    this.cache.delete(hash);
    return { tokenId: tokenIdOf(hash), ...principal };
  }

  /** A new random token with a name and role; the token is returned once and only its hash is kept. */
  async create(name: string, role: Role, createdBy: string, scope?: TokenScope): Promise<{ token: string; record: TokenRecord }> {
    const token = generateToken();
    const principal = await this.add(token, { name, role, scope }, createdBy);
    return { token, record: { id: principal.tokenId, name, role, createdAt: new Date(), createdBy, scope } };
  }

  /** Every token (IDs, names, roles), oldest first. */
  async list(): Promise<TokenRecord[]> {
    const hashes = (await this.scanKeys(`${TOKEN_PREFIX}*`)).map((key) => key.slice(TOKEN_PREFIX.length));
    const records = await Promise.all(
      hashes.map(async (hash) => {
        const record = await this.redis.hgetall(TOKEN_KEY(hash));
        if (!record.role || !(['viewer', 'operator', 'admin'] as const).includes(record.role as Role)) return undefined;
        return {
          id: tokenIdOf(hash),
          name: record.name ?? 'unnamed',
          role: record.role as Role,
          createdAt: record.createdAt ? new Date(record.createdAt) : undefined,
          createdBy: record.createdBy,
          scope: parseScope(record.scope),
        };
      }),
    );
    return records.filter((record): record is TokenRecord => Boolean(record)).sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || (a.id < b.id ? -1 : 1));
  }

  /**
   * Revokes a token by ID: it stops working at once on this API process and within the lookup cache's 5 s on
   * others. False when no token has that ID.
   */
  async revoke(id: string): Promise<boolean> {
    if (!/^[0-9a-f]{12}$/.test(id)) return false;
    const keys = await this.scanKeys(`${TOKEN_PREFIX}${id}*`);
    for (const key of keys) {
      const hash = key.slice(TOKEN_PREFIX.length);
      // Remembered first: a HANGAR_ADMIN_TOKEN revoked stays revoked across restarts (bootstrapAdmin).
      await this.redis.multi().sadd(REVOKED_KEY, hash).del(key).exec();
      this.cache.delete(hash);
    }
    return keys.length > 0;
  }

  private async scanKeys(pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    return [...new Set(found)];
  }

  async verify(token: string): Promise<Principal | undefined> {
    const hash = hashToken(token);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    if (cached) this.cache.delete(hash);
    const record = await this.redis.hgetall(TOKEN_KEY(hash));
    const role = record.role;
    const principal: Principal | undefined =
      role === 'admin' || role === 'operator' || role === 'viewer'
        ? { tokenId: tokenIdOf(hash), name: record.name ?? 'unnamed', role, scope: parseScope(record.scope) }
        : undefined;
    if (principal) this.cache.set(hash, { principal, until: Date.now() + CACHE_MS });
    return principal;
  }

  /**
   * Makes sure an admin can get in: the token from HANGAR_ADMIN_TOKEN is registered when given (a weak one stops
   * start-up; one that was revoked is not registered again, and the log says so); otherwise, on the very first
   * start against this Redis, a token is generated and returned (to be printed once).
   */
  async bootstrapAdmin(envToken: string | undefined, log: (line: string) => void = () => {}): Promise<string | undefined> {
    if (envToken) {
      const weakness = adminTokenWeakness(envToken);
      if (weakness) throw new ConfigError('HANGAR_ADMIN_TOKEN', `too weak: ${weakness} (make one with: openssl rand -base64 32)`, 'environment');
      const hash = hashToken(envToken);
      if (await this.redis.sismember(REVOKED_KEY, hash)) {
        log(
          `HANGAR_ADMIN_TOKEN (token ${tokenIdOf(hash)}) was revoked: it was NOT registered again and does not work. ` +
            'Use another admin token, or set HANGAR_ADMIN_TOKEN to a new value.',
        );
        await this.redis.set(BOOTSTRAP_KEY, new Date().toISOString());
        return undefined;
      }
      await this.add(envToken, { name: 'admin (HANGAR_ADMIN_TOKEN)', role: 'admin' });
      await this.redis.set(BOOTSTRAP_KEY, new Date().toISOString());
      return undefined;
    }
    const first = await this.redis.set(BOOTSTRAP_KEY, new Date().toISOString(), 'NX');
    if (first !== 'OK') return undefined;
    const token = generateToken();
    await this.add(token, { name: 'admin (generated at first start)', role: 'admin' });
    return token;
  }
}
