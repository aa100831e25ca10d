import { HangarError } from '../errors/hangar-error.js';

export interface StallWatchdogOptions {
  /** No byte in either direction for this long is a stall. */
  stallTimeoutMs: number;
  /** The host, for the error. */
  host: string;
  /** What is streaming, for the error: `image export`, `image load`. */
  what: string;
  /**
   * Asked when the stream has been quiet for `stallTimeoutMs` while waiting on the engine alone (see
   * `waitingOnEngine`): resolves true when the engine still answers, and the wait goes on. A living engine that
   * stages a large archive before its first byte (docker 20.10 save) or registers layers before it answers
   * (load) is not a stall; a dead one is.
   */
  probe?: (signal: AbortSignal) => Promise<boolean>;
  /** Called once on a stall, before the signal aborts (to fail streams with the stall error first). */
  onStall?: (error: HangarError) => void;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * Watches a stream for stalls. Every byte moved calls `touch()`; when no byte has moved for `stallTimeoutMs`, the
 * watchdog fails with a HOST_TIMEOUT error and aborts its `signal`. A slow stream is never cut: any byte resets it.
 * One timer, re-armed for the remaining time only when it fires, so touching per chunk costs a clock read.
 */
export class StallWatchdog {
  private readonly controller = new AbortController();
  private readonly now: () => number;
  private last: number;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private stopped = false;
  private waiting = false;
  /** Set once the stream stalled. */
  error: HangarError | undefined;

  constructor(private readonly options: StallWatchdogOptions) {
    this.now = options.now ?? Date.now;
    this.last = this.now();
    this.arm(options.stallTimeoutMs);
  }

  /** Aborts when the stream stalls. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Something moved. */
  touch(): void {
    this.last = this.now();
  }

  /** While true, a quiet period only fails if the probe says the engine no longer answers. */
  waitingOnEngine(value: boolean): void {
    this.waiting = value;
    this.touch();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.check(), Math.max(1, delay));
    this.timer.unref();
  }

  private async check(): Promise<void> {
    if (this.stopped) return;
    const { stallTimeoutMs } = this.options;
    const idle = this.now() - this.last;
    if (idle < stallTimeoutMs) return this.arm(stallTimeoutMs - idle);
    if (this.waiting && this.options.probe && !this.probing) {
      this.probing = true;
      let alive = false;
      try {
        alive = await this.options.probe(AbortSignal.any([this.controller.signal, AbortSignal.timeout(Math.min(stallTimeoutMs, 10_000))]));
      } catch {
        alive = false;
      } finally {
        this.probing = false;
      }
      if (this.stopped) return;
      if (alive) {
        this.touch();
        return this.arm(stallTimeoutMs);
      }
      const sinceProbe = this.now() - this.last;
      if (sinceProbe < stallTimeoutMs) return this.arm(stallTimeoutMs - sinceProbe);
      return this.stall(sinceProbe, 'and the engine no longer answers');
    }
    this.stall(idle);
  }

  private stall(idle: number, why?: string): void {
    const { host, what, stallTimeoutMs } = this.options;
    const seconds = Math.round(Math.max(idle, stallTimeoutMs) / 100) / 10;
    this.error = new HangarError(
      'HOST_TIMEOUT',
      `${what} on ${host} stalled: no data moved for ${seconds} s${why ? ` ${why}` : ''} (archives.stallTimeoutMs = ${stallTimeoutMs})`,
      { host },
    );
    this.stop();
    try {
      this.options.onStall?.(this.error);
    } finally {
      this.controller.abort(this.error);
    }
  }
}
