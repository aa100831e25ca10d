import type { NextFunction, Request, Response } from 'express';
import { InFlightSlots } from './request-slots.js';

/**
 * At most `max` requests in flight per token (after bearer auth): the engines behind Hangar, not its own CPU, are
 * what a runaway client would exhaust. Past the limit: 429 RATE_LIMITED with Retry-After; a slot is freed when
 * the answer is sent or the client goes away (a long archive stream holds its slot while it flows).
 */
export function concurrencyLimit(max: number) {
  const slots = new InFlightSlots();
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = req.principal?.tokenId ?? 'anonymous';
    if (!slots.acquire(key, max, res)) {
      res
        .status(429)
        .set('Retry-After', '1')
        .json({ errors: [{ message: `this token has ${slots.held(key)} requests in flight, the most allowed (limits.maxConcurrentRequestsPerToken); retry when some finish`, extensions: { code: 'RATE_LIMITED' } }] });
      return;
    }
    next();
  };
}
