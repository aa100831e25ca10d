import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';

/** `GET /healthz`: 200 when this process serves and reaches Redis, 503 otherwise. No auth, no details of hosts. */
export function healthz(redis: Redis) {
  return async (_req: Request, res: Response): Promise<void> => {
    let redisOk = false;
    try {
      redisOk = (await Promise.race([redis.ping(), new Promise((r) => setTimeout(r, 1000, 'timeout'))])) === 'PONG';
    } catch {
      redisOk = false;
    }
    res.status(redisOk ? 200 : 503).json({ status: redisOk ? 'ok' : 'degraded', redis: redisOk ? 'ok' : 'unreachable' });
  };
}
