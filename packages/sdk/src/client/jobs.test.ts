import { describe, expect, it, vi } from 'vitest';
import { batchHandle, IDLE_POLL_MS, jobHandle, JobFailedError, type Job, type JobsClient } from './jobs.js';

function job(over: Partial<Job> = {}): Job {
  return {
    id: 'alpha@pull-1', kind: 'PULL', host: 'alpha', state: 'QUEUED', batchId: 'b1', subject: 'app:1', attempts: 0, maxAttempts: 3,
    requestedBy: 't', createdAt: '2026-01-01T00:00:00Z', startedAt: null, finishedAt: null, error: null, result: null, progress: null, ...over,
  };
}

async function* feed<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

function fakeClient(updates: Record<string, Job[]>, batch: Job[] = []): JobsClient {
  return {
    jobUpdated: ({ id }) => feed((updates[id] ?? []).map((jobUpdated) => ({ jobUpdated }))),
    batchUpdated: () => feed(batch.map((batchUpdated) => ({ batchUpdated }))),
    job: async ({ id }) => ({ job: updates[id]?.at(-1) ? { ...updates[id]!.at(-1)!, logs: [] } : null }),
  } as Partial<JobsClient> as JobsClient;
}

describe('jobHandle', () => {
  it('follows progress and resolves done() with the COMPLETED job', async () => {
    const a = job();
    const client = fakeClient({ [a.id]: [a, { ...a, state: 'ACTIVE' }, { ...a, state: 'COMPLETED', result: { imageId: 'sha256:i', digest: null, repoTags: null, bytes: null } }] });
    const states: string[] = [];
    for await (const update of jobHandle(client, a).progress()) states.push(update.state);
    expect(states).toEqual(['QUEUED', 'ACTIVE', 'COMPLETED']);
    expect((await jobHandle(client, a.id).done()).result?.imageId).toBe('sha256:i');
    expect(jobHandle(client, 'beta@pull-x').host).toBe('beta');
  });
  it('rejects done() with the job error code when FAILED or CANCELLED', async () => {
    const a = job();
    const failed = { ...a, state: 'FAILED' as const, error: { code: 'REGISTRY_AUTH_FAILED', message: 'denied', field: null, host: 'alpha' } };
    const error = await jobHandle(fakeClient({ [a.id]: [a, failed] }), a).done().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).code).toBe('REGISTRY_AUTH_FAILED');
    expect((error as JobFailedError).host).toBe('alpha');
    const cancelled = await jobHandle(fakeClient({}), { ...a, state: 'CANCELLED' }).done().catch((e: unknown) => e);
    expect((cancelled as JobFailedError).code).toBe('CANCELLED');
  });
});

describe('batchHandle', () => {
  it('follows batchUpdated, then jobs it did not finish', async () => {
    const a = job();
    const b = job({ id: 'beta@pull-2', host: 'beta', batchId: 'other' });
    const client = fakeClient({ [b.id]: [{ ...b, state: 'COMPLETED' }] }, [{ ...a, state: 'ACTIVE' }, { ...a, state: 'COMPLETED' }]);
    const batch = batchHandle(client, { batchId: 'b1', jobs: [a, b], userErrors: [] });
    expect((await batch.done()).map((j) => `${j.host}:${j.state}`)).toEqual(['alpha:COMPLETED', 'beta:COMPLETED']);
  });
  it('rejects done() when one job failed, with every final job', async () => {
    const a = job();
    const b = job({ id: 'beta@pull-2', host: 'beta' });
    const client = fakeClient({}, [{ ...a, state: 'COMPLETED' }, { ...b, state: 'FAILED', error: { code: 'NOT_FOUND', message: 'manifest unknown', field: null, host: 'beta' } }]);
    const error = (await batchHandle(client, { batchId: 'b1', jobs: [a, b], userErrors: [] }).done().catch((e: unknown) => e)) as JobFailedError;
    expect(error.code).toBe('NOT_FOUND');
    expect(error.jobs.map((j) => j.state)).toEqual(['COMPLETED', 'FAILED']);
  });
});

describe('a lost final update', () => {
  it('is found by asking for the job once the feed is idle, and the subscription is ended', async () => {
    vi.useFakeTimers();
    try {
      const a = job({ state: 'ACTIVE' });
      let aborted = false;
      const client = {
        jobUpdated: (_vars: unknown, options?: { signal?: AbortSignal }) => {
          options?.signal?.addEventListener('abort', () => (aborted = true));
          return (async function* () {
            yield { jobUpdated: a };
            await new Promise(() => {}); // the feed never says more
          })();
        },
        job: async () => ({ job: { ...a, state: 'COMPLETED' as const, logs: [] } }),
      } as Partial<JobsClient> as JobsClient;
      const done = jobHandle(client, a).done();
      await vi.advanceTimersByTimeAsync(IDLE_POLL_MS + 10);
      expect((await done).state).toBe('COMPLETED');
      expect(aborted).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
