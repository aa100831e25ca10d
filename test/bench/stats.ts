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
