import type { Job } from '@hangar/sdk';
import { describe, expect, it } from 'vitest';
import { layerLine, PlainProgress, ProgressBoard, progressBar, redraw, tagOf } from './job-progress.js';

function job(over: Partial<Job> = {}): Job {
  return {
    id: 'alpha@pull-1',
    kind: 'PULL',
    host: 'alpha',
    state: 'ACTIVE',
    batchId: 'b1',
    subject: 'reg.example/app:1',
    attempts: 1,
    maxAttempts: 3,
    requestedBy: 'admin',
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: null,
    finishedAt: null,
    error: null,
    result: null,
    progress: null,
    ...over,
  };
}

const layers = (...list: [string, string, number | null, number | null][]) => ({
  phase: 'downloading',
  percent: null,
  bytesDone: null,
  bytesTotal: null,
  message: null,
  layers: list.map(([id, status, current, total]) => ({ id, status, current, total })),
});

describe('progressBar', () => {
  it("draws docker's 50-wide bar with sizes", () => {
    expect(progressBar(1_200_000, 3_400_000)).toBe(`[${'='.repeat(17)}>${' '.repeat(33)}]    1.2MB/3.4MB`);
    expect(progressBar(0, 100)).toBe(`[>${' '.repeat(50)}]       0B/100B`);
    expect(progressBar(100, 100)).toBe(`[${'='.repeat(50)}>]     100B/100B`);
  });
  it('shows bytes alone without a total, nothing without bytes', () => {
    expect(progressBar(2048, null)).toBe(' 2.048kB');
    expect(progressBar(null, 10)).toBe('');
  });
  it('makes layer lines', () => {
    expect(layerLine({ id: 'abc', status: 'Pull complete', current: null, total: null })).toBe('abc: Pull complete');
    expect(layerLine({ id: 'abc', status: 'Downloading', current: 50, total: 100 })).toMatch(/^abc: Downloading \[={25}> {25}\]      50B\/100B$/);
  });
  it('finds tags', () => {
    expect(tagOf('reg:5000/a/b:2')).toBe('2');
    expect(tagOf('reg:5000/a/b')).toBe('latest');
    expect(tagOf('a@sha256:00')).toBe('latest');
  });
});

describe('ProgressBoard', () => {
  it('keeps layer order and prefixes hosts when several', () => {
    const a = job({ progress: layers(['l1', 'Downloading', 10, 100], ['l2', 'Waiting', null, null]) });
    const b = job({ id: 'beta@pull-1', host: 'beta', state: 'QUEUED' });
    const board = new ProgressBoard([a, b], true);
    board.update({ ...a, progress: layers(['l2', 'Downloading', 5, 10], ['l1', 'Download complete', null, null]) });
    board.update({ ...a, state: 'COMPLETED', progress: null, result: { digest: 'sha256:d', imageId: 'sha256:i', repoTags: null, bytes: null } });
    const lines = board.lines();
    expect(lines[0]).toBe('alpha: Pulling from reg.example/app:1');
    expect(lines[1]).toBe('alpha: l1: Download complete');
    expect(lines[2]).toMatch(/^alpha: l2: Downloading \[={25}>/);
    expect(lines.slice(3)).toEqual(['alpha: Digest: sha256:d', 'alpha: Status: Downloaded newer image for reg.example/app:1', 'beta: Waiting (queued): reg.example/app:1']);
  });
  it('redraws in place with cursor moves', () => {
    expect(redraw(0, ['a', 'b'])).toBe('\x1b[2K\ra\n\x1b[2K\rb\n');
    expect(redraw(2, ['a', 'b'])).toBe('\x1b[2A\x1b[2K\ra\n\x1b[2K\rb\n');
    expect(redraw(1, ['abcdef'], 4)).toBe('\x1b[1A\x1b[2K\rabc\n');
  });
});

describe('PlainProgress', () => {
  it('prints a line per layer status change', () => {
    const plain = new PlainProgress(false);
    expect(plain.update(job({ state: 'QUEUED' }))).toEqual([]);
    expect(plain.update(job({ progress: layers(['l1', 'Downloading', 1, 10]) }))).toEqual(['Pulling from reg.example/app:1', 'l1: Downloading']);
    expect(plain.update(job({ progress: layers(['l1', 'Downloading', 5, 10]) }))).toEqual([]);
    expect(plain.update(job({ progress: layers(['l1', 'Pull complete', null, null]) }))).toEqual(['l1: Pull complete']);
    expect(plain.update(job({ state: 'FAILED', error: { code: 'NOT_FOUND', message: 'manifest unknown', field: null, host: 'alpha' } }))).toEqual(['Error: NOT_FOUND: manifest unknown']);
  });
});

describe('copy jobs (bytes, no layers)', () => {
  const copy = (over: Partial<Job>) =>
    job({ id: 'beta@copy-1', kind: 'COPY', host: 'beta', subject: 'alpha:app:1', progress: { phase: 'copying', percent: 50, bytesDone: 1_500_000, bytesTotal: 3_000_000, message: null, layers: [] }, ...over });

  it('draws one bar while it runs, and the finish line when done', () => {
    const board = new ProgressBoard([copy({})], false);
    expect(board.lines()).toEqual(['Copying alpha:app:1 to beta', `copying ${progressBar(1_500_000, 3_000_000)}`]);
    board.update(copy({ state: 'COMPLETED', result: { imageId: 'sha256:abc', repoTags: null, digest: null, bytes: 3_000_000 } }));
    expect(board.lines()).toEqual(['Copying alpha:app:1 to beta', 'copy complete: sha256:abc']);
  });
});
