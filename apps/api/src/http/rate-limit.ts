import type { NextFunction, Request, Response } from 'express';

/**
 * At most `max` requests in flight per token (after bearer auth): the engines behind Hangar, not its own CPU, are
 * what a runaway client would exhaust. Past the limit: 429 RATE_LIMITED with Retry-After; a slot is freed when
 * the answer is sent or the client goes away (a long archive stream holds its slot while it flows).
 */
export function concurrencyLimit(max: number) {
  const inFlight = new Map<string, number>();
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = req.principal?.tokenId ?? 'anonymous';
    const current = inFlight.get(key) ?? 0;
    if (current >= max) {
      res
        .status(429)
        .set('Retry-After', '1')
        .json({ errors: [{ message: `this token has ${current} requests in flight, the most allowed (limits.maxConcurrentRequestsPerToken); retry when some finish`, extensions: { code: 'RATE_LIMITED' } }] });
      return;
    }
    inFlight.set(key, current + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left <= 0) inFlight.delete(key);
      else inFlight.set(key, left);
    };
    res.on('finish', release);
    res.on('close', release);
    next();
  };
}
