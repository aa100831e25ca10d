import type { RedisOptions } from 'ioredis';

/** ioredis options for a `redis://`, `rediss://` or `unix:///path` URL, ready for BullMQ (no retry limit per request). */
export function redisConnectionOptions(url: string): RedisOptions {
  if (url.startsWith('unix://')) return { path: url.slice('unix://'.length), maxRetriesPerRequest: null };
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
