import type { Redis } from 'ioredis';

/** The `maxmemory` and `maxmemory-policy` a Redis reports in `INFO memory`. */
export interface RedisMemoryPolicy {
  /** 0: no limit. */
  maxMemoryBytes: number;
  policy: string;
  usedBytes: number;
}

/** Reads `maxmemory` and `maxmemory_policy` from an `INFO memory` answer (`key:value` lines). */
export function parseMemoryPolicy(info: string): RedisMemoryPolicy {
  const fields = new Map(
    info
      .split(/\r?\n/)
      .filter((line) => line.includes(':') && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as const),
  );
  return { maxMemoryBytes: Number(fields.get('maxmemory') ?? 0) || 0, policy: fields.get('maxmemory_policy') ?? 'unknown', usedBytes: Number(fields.get('used_memory') ?? 0) || 0 };
}

/**
 * Logs a warning when Redis may evict keys: BullMQ keeps queued jobs, locks and logs in Redis, and any policy but
 * `noeviction` can drop them under memory pressure (BullMQ itself only prints "IMPORTANT! Eviction policy is ...").
 */
export async function checkMemoryPolicy(redis: Redis, log: (line: string) => void): Promise<RedisMemoryPolicy | undefined> {
  const info = await redis.info('memory').catch(() => undefined);
  if (info === undefined) return undefined;
  const policy = parseMemoryPolicy(info);
  if (policy.policy !== 'noeviction') {
    log(`WARNING: Redis maxmemory-policy is ${policy.policy}; set it to noeviction, or Redis may evict queued jobs and their locks under memory pressure`);
  }
  return policy;
}
