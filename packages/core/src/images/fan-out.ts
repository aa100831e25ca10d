import { HangarError, type HangarErrorCode } from '../errors/hangar-error.js';

/** Why one host has no part in a fleet answer. */
export interface HostFailure {
  host: string;
  code: HangarErrorCode;
  message: string;
}

export interface FanOutResult<T> {
  /** In the order of the hosts asked. */
  results: { host: string; value: T }[];
  failures: HostFailure[];
}

/**
 * Runs `work` on every host in parallel, each bounded by `timeoutMs` (its signal aborts then), and reports each
 * host's outcome: a slow or dead host costs the bound and a HostFailure, never the whole answer.
 */
export async function fanOut<T>(
  hosts: readonly string[],
  work: (host: string, signal: AbortSignal) => Promise<T>,
  { timeoutMs, signal }: { timeoutMs: number; signal?: AbortSignal },
): Promise<FanOutResult<T>> {
  const outcomes = await Promise.all(
    hosts.map(async (host) => {
      const deadline = AbortSignal.timeout(timeoutMs);
      const hostSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new HangarError('HOST_TIMEOUT', `${host}: no answer within ${timeoutMs} ms`, { host })),
          timeoutMs,
        );
      });
      try {
        return { host, ok: true as const, value: await Promise.race([work(host, hostSignal), timedOut]) };
      } catch (error) {
        const failure = HangarError.from(error, 'ENGINE_ERROR');
        const code: HangarErrorCode = failure.code === 'ABORTED' && deadline.aborted ? 'HOST_TIMEOUT' : failure.code;
        return { host, ok: false as const, failure: { host, code, message: failure.message } };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return {
    results: outcomes.flatMap((o) => (o.ok ? [{ host: o.host, value: o.value }] : [])),
    failures: outcomes.flatMap((o) => (o.ok ? [] : [o.failure])),
  };
}
