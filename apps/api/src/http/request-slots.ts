import type { Request, Response } from 'express';

/** How much of a refused upload is read (and dropped) so the client can finish sending and read the answer. */
const LINGER_MS = 3_000;
const LINGER_BYTES = 64 * 1024 ** 2;

/**
 * Answers a refused upload once the client has sent the rest of its body (read and dropped), within LINGER_MS and
 * LINGER_BYTES; past those, answers and closes. Many clients (fetch among them) only read the answer once their
 * body is sent: closing at once would show them a broken pipe instead of the 413 or 400.
 */
export function lingerThenRespond(req: Request, respond: () => void): void {
  if (req.complete || req.destroyed) return respond();
  let dropped = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.off('data', onData);
    req.off('end', finish);
    req.off('error', finish);
    req.off('close', finish);
    respond();
  };
  const onData = (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) finish();
  };
  const timer = setTimeout(finish, LINGER_MS);
  req.unpipe();
  req.on('data', onData);
  req.once('end', finish);
  req.once('error', finish);
  req.once('close', finish);
  req.resume();
}

/**
 * Counts what each key (a token) has in flight in this process. `acquire` takes a slot unless `max` are taken; the
 * slot comes back once, when the answer is sent or the client goes away, whichever is first.
 */
export class InFlightSlots {
  readonly #inFlight = new Map<string, number>();

  /** How many slots `key` holds now. */
  held(key: string): number {
    return this.#inFlight.get(key) ?? 0;
  }

  /** Takes a slot for the life of `res`; false (nothing taken) when `key` already holds `max`. */
  acquire(key: string, max: number, res: Response): boolean {
    const current = this.held(key);
    if (current >= max) return false;
    this.#inFlight.set(key, current + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = this.held(key) - 1;
      if (left <= 0) this.#inFlight.delete(key);
      else this.#inFlight.set(key, left);
    };
    res.on('finish', release);
    res.on('close', release);
    return true;
  }
}
