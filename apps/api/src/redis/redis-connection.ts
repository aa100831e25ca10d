import { Redis, type RedisOptions } from 'ioredis';

/** ioredis options for a `redis://`, `rediss://` or `unix:///path` URL. */
export function redisOptions(url: string): RedisOptions & { path?: string } {
  if (url.startsWith('unix://')) return { path: url.slice('unix://'.length) };
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** A Redis client that fails fast while disconnected instead of queueing commands forever. */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis({ ...redisOptions(url), maxRetriesPerRequest: 3, enableOfflineQueue: true, lazyConnect: false, ...options });
}

/** A URL fit for logs: the password replaced. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
