import { describe, expect, it } from 'vitest';
import { HIDDEN_HOST, hideHostName, hideSourceHost, type JobView } from './job-view.js';

function copyView(sourceHost: string, overrides: Partial<JobView> = {}): JobView {
  return {
    id: 'west@copy-0123456789abcdef0123',
    kind: 'copy',
    host: 'west',
    state: 'FAILED',
    batchId: undefined,
    requestedBy: 'ops',
    data: { sourceHost, ref: `${sourceHost}/web:1` },
    progress: { phase: 'copying', message: `${sourceHost} -> west`, layers: [] },
    result: undefined,
    error: { code: 'NOT_FOUND', message: `No such image on ${sourceHost}: ${sourceHost}/web:1` },
    attempts: 1,
    maxAttempts: 1,
    createdAt: new Date(0),
    startedAt: undefined,
    finishedAt: undefined,
    ...overrides,
  };
}

describe('hideHostName', () => {
  it('replaces whole names only, whatever characters the name has', () => {
    expect(hideHostName('copying a from east-1 to west', 'east-1')).toBe(`copying a from ${HIDDEN_HOST} to west`);
    expect(hideHostName('east-10 and east-1.', 'east-1')).toBe(`east-10 and ${HIDDEN_HOST}.`);
    expect(hideHostName('east-1.example.com east.1', 'east.1')).toBe(`east-1.example.com ${HIDDEN_HOST}`);
    expect(hideHostName('a_b:x, xa_b, a_b', 'a_b')).toBe(`${HIDDEN_HOST}:x, xa_b, ${HIDDEN_HOST}`);
  });
});

describe('hideSourceHost', () => {
  it('hides a copy’s source host the reader does not see, and keeps the reference and the job’s own host', () => {
    const view = hideSourceHost(copyView('hidden.east'), (host) => host === 'west');
    expect(view.data).toEqual({ sourceHost: HIDDEN_HOST, ref: 'hidden.east/web:1' });
    expect(view.progress?.message).toBe(`${HIDDEN_HOST} -> west`);
    // Free text hides the name wherever it stands, a reference's path included; the data keeps the reference.
    expect(view.error?.message).toBe(`No such image on ${HIDDEN_HOST}: ${HIDDEN_HOST}/web:1`);
    expect(view.host).toBe('west');
  });

  it('leaves a job alone when its source is visible, or when it is no copy', () => {
    const copy = copyView('east');
    expect(hideSourceHost(copy, () => true)).toBe(copy);
    const pull = copyView('east', { kind: 'pull', data: { ref: 'east/web:1' } });
    expect(hideSourceHost(pull, (host) => host === 'west')).toBe(pull);
  });
});
