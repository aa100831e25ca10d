import { redisConnectionOptions } from '@hangar/jobs';
import { Redis, type RedisOptions } from 'ioredis';

/** A Redis client for the API's own commands: fails fast while disconnected instead of queueing forever. */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis({ ...redisConnectionOptions(url), maxRetriesPerRequest: 3, enableOfflineQueue: true, lazyConnect: false, ...options });
}

/** A URL fit for logs: the password replaced. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
