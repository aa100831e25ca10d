import { afterEach, describe, expect, it, vi } from 'vitest';
import { StallWatchdog } from './stall-watchdog.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('StallWatchdog', () => {
  it('fails with HOST_TIMEOUT and aborts its signal when nothing moved for stallTimeoutMs', () => {
    vi.useFakeTimers();
    const onStall = vi.fn();
    const watchdog = new StallWatchdog({ stallTimeoutMs: 1000, host: 'alpha', what: 'image export', onStall });
    vi.advanceTimersByTime(999);
    expect(watchdog.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(watchdog.signal.aborted).toBe(true);
    expect(watchdog.error?.code).toBe('HOST_TIMEOUT');
    expect(watchdog.error?.host).toBe('alpha');
    expect(watchdog.error?.message).toBe('image export on alpha stalled: no data moved for 1 s (archives.stallTimeoutMs = 1000)');
    expect(watchdog.signal.reason).toBe(watchdog.error);
    expect(onStall).toHaveBeenCalledWith(watchdog.error);
  });

  it('never cuts a slow stream: any byte resets the wait, however long the whole takes', () => {
    vi.useFakeTimers();
    const watchdog = new StallWatchdog({ stallTimeoutMs: 1000, host: 'h', what: 'w' });
    for (let i = 0; i < 600; i++) {
      vi.advanceTimersByTime(900);
      watchdog.touch();
    }
    expect(watchdog.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(watchdog.signal.aborted).toBe(true);
  });

  it('arms one timer, not one per touch', () => {
    vi.useFakeTimers();
    const watchdog = new StallWatchdog({ stallTimeoutMs: 1000, host: 'h', what: 'w' });
    for (let i = 0; i < 10_000; i++) watchdog.touch();
    expect(vi.getTimerCount()).toBe(1);
    watchdog.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after stop, never fires', () => {
    vi.useFakeTimers();
    const watchdog = new StallWatchdog({ stallTimeoutMs: 100, host: 'h', what: 'w' });
    watchdog.stop();
    vi.advanceTimersByTime(10_000);
    expect(watchdog.signal.aborted).toBe(false);
  });

  it('while waiting on the engine, a quiet period goes on as long as the probe says the engine answers', async () => {
    vi.useFakeTimers();
    let alive = true;
    const probe = vi.fn(async () => alive);
    const watchdog = new StallWatchdog({ stallTimeoutMs: 1000, host: 'h', what: 'image load', probe });
    watchdog.waitingOnEngine(true);
    await vi.advanceTimersByTimeAsync(5500);
    expect(probe).toHaveBeenCalledTimes(5);
    expect(watchdog.signal.aborted).toBe(false);
    alive = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(watchdog.signal.aborted).toBe(true);
    expect(watchdog.error?.message).toMatch(/and the engine no longer answers/);
  });

  it('a failing probe counts as a dead engine; without waitingOnEngine the probe is not asked', async () => {
    vi.useFakeTimers();
    const probe = vi.fn(async () => {
      throw new Error('connection refused');
    });
    const waiting = new StallWatchdog({ stallTimeoutMs: 1000, host: 'h', what: 'w', probe });
    waiting.waitingOnEngine(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(waiting.signal.aborted).toBe(true);

    const idle = vi.fn(async () => true);
    const streaming = new StallWatchdog({ stallTimeoutMs: 1000, host: 'h', what: 'w', probe: idle });
    await vi.advanceTimersByTimeAsync(1000);
    expect(idle).not.toHaveBeenCalled();
    expect(streaming.signal.aborted).toBe(true);
  });
});
