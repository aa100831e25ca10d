import { describe, expect, it } from 'vitest';
import { toDiskUsage, toHistoryEntry, toImageSummary } from './engine-images.js';

describe('engine image shapes', () => {
  it('drops the <none> placeholders old engines write for untagged images, so every engine reads the same', () => {
    const old = toImageSummary('a', { Id: 'sha256:1', Created: 1, Size: 5, RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'], Labels: null, ParentId: '' });
    const modern = toImageSummary('a', { Id: 'sha256:1', Created: 1, Size: 5, RepoTags: [], RepoDigests: [] });
    expect(old).toEqual(modern);
    expect(old).toMatchObject({ repoTags: [], repoDigests: [], dangling: true, parentId: undefined, labels: {} });
  });

  it('an image with only a digest is not dangling', () => {
    expect(toImageSummary('a', { Id: 'x', Created: 1, Size: 1, RepoTags: [], RepoDigests: ['r/a@sha256:' + 'b'.repeat(64)] }).dangling).toBe(false);
  });

  it('marks history steps that are not local as missing', () => {
    expect(toHistoryEntry({ Id: '<missing>', Created: 10, CreatedBy: 'x', Size: 0, Tags: null, Comment: '' })).toEqual({
      id: undefined,
      created: new Date(10_000),
      createdBy: 'x',
      size: 0,
      comment: undefined,
      tags: [],
    });
  });

  it('does `docker system df` arithmetic as the docker CLI', () => {
    const usage = toDiskUsage('h', {
      LayersSize: 1000,
      Images: [
        { Id: 'a', Created: 1, Size: 600, SharedSize: 400, Containers: 2 },
        { Id: 'b', Created: 1, Size: 500, SharedSize: 400, Containers: 0 },
        { Id: 'c', Created: 1, Size: 100, SharedSize: -1, Containers: 1 },
      ],
      Containers: [
        { Id: '1', State: 'running', SizeRw: 10 },
        { Id: '2', State: 'exited', SizeRw: 5 },
      ],
      Volumes: [
        { Name: 'v1', UsageData: { Size: 7, RefCount: 1 } },
        { Name: 'v2', UsageData: { Size: 3, RefCount: 0 } },
        { Name: 'v3', UsageData: { Size: -1, RefCount: 0 } },
      ],
      BuildCache: [
        { ID: 'x', InUse: true, Shared: false, Size: 20 },
        { ID: 'y', InUse: false, Shared: false, Size: 30 },
        { ID: 'z', InUse: false, Shared: true, Size: 50 },
      ],
    });
    expect(usage.images).toEqual({ totalCount: 3, activeCount: 2, size: 1000, reclaimable: 800 });
    expect(usage.containers).toEqual({ totalCount: 2, activeCount: 1, size: 15, reclaimable: 5 });
    expect(usage.volumes).toEqual({ totalCount: 3, activeCount: 1, size: 10, reclaimable: 3 });
    expect(usage.buildCache).toEqual({ totalCount: 3, activeCount: 1, size: 50, reclaimable: 30 });
    expect(usage.imageDetails[0]).toMatchObject({ id: 'a', sharedSize: 400, uniqueSize: 200, containers: 2 });
  });
});
