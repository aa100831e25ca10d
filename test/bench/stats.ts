/** Small statistics for benchmarks: they print figures, they never assert them. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

/** Runs `fn` `warmup` times unmeasured, then `runs` times, and returns the durations in milliseconds. */
export async function measure(fn: () => Promise<unknown>, { runs, warmup = 3 }: { runs: number; warmup?: number }): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples;
}

export function describe(name: string, samples: readonly number[]): string {
  return `${name.padEnd(48)} p50 ${median(samples).toFixed(1).padStart(8)} ms   p90 ${percentile(samples, 90).toFixed(1).padStart(8)} ms`;
}

/** Runs `fn` once and says how long it took (ms) and what it gave. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

/** One result line for runs measured in seconds: median, min and max. */
export function secondsLine(name: string, samples: readonly number[]): string {
  return `${name.padEnd(52)} median ${(median(samples) / 1000).toFixed(2).padStart(6)} s   min ${(Math.min(...samples) / 1000).toFixed(2).padStart(6)} s   max ${(percentile(samples, 100) / 1000).toFixed(2).padStart(6)} s`;
}
