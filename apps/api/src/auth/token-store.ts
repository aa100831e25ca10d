import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export type Role = 'viewer' | 'operator' | 'admin';

/** Who a bearer token speaks for. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
}

const TOKEN_KEY = (hash: string) => `hangar:auth:token:${hash}`;
const BOOTSTRAP_KEY = 'hangar:auth:admin-bootstrapped';
const CACHE_MS = 5_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return `hgr_${randomBytes(32).toString('base64url')}`;
}

/**
 * Bearer tokens, stored only as SHA-256 hashes (tokens are 256 random bits, so a slow hash buys nothing).
 * Lookups are cached briefly so a burst of requests costs one Redis round trip.
 */
export class TokenStore {
  private readonly cache = new Map<string, { principal: Principal | undefined; until: number }>();

  constructor(private readonly redis: Redis) {}

  async add(token: string, principal: Omit<Principal, 'tokenId'>): Promise<Principal> {
    const hash = hashToken(token);
    await this.redis.hset(TOKEN_KEY(hash), { name: principal.name, role: principal.role, createdAt: new Date().toISOString() });
    this.cache.delete(hash);
    return { tokenId: hash.slice(0, 12), ...principal };
  }

  async verify(token: string): Promise<Principal | undefined> {
    const hash = hashToken(token);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    const record = await this.redis.hgetall(TOKEN_KEY(hash));
    const role = record.role;
    const principal: Principal | undefined =
      role === 'admin' || role === 'operator' || role === 'viewer'
        ? { tokenId: hash.slice(0, 12), name: record.name ?? 'unnamed', role }
        : undefined;
    this.cache.set(hash, { principal, until: Date.now() + CACHE_MS });
    return principal;
  }

  /**
   * Makes sure an admin can get in: the token from HANGAR_ADMIN_TOKEN is registered when given; otherwise, on
   * the very first start against this Redis, a token is generated and returned (to be printed once).
   */
  async bootstrapAdmin(envToken: string | undefined): Promise<string | undefined> {
    if (envToken) {
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
