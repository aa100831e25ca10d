import { describe, expect, it } from 'vitest';
import { allNodes } from './pagination.js';

describe('allNodes', () => {
  it('follows endCursor until the last page', async () => {
    const pages: Record<string, { nodes: number[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }> = {
      start: { nodes: [1, 2], pageInfo: { hasNextPage: true, endCursor: 'a' } },
      a: { nodes: [3], pageInfo: { hasNextPage: true, endCursor: 'b' } },
      b: { nodes: [4], pageInfo: { hasNextPage: false, endCursor: 'c' } },
    };
    const seen: (string | undefined)[] = [];
    const nodes = await allNodes(async (after) => {
      seen.push(after);
      return pages[after ?? 'start']!;
    });
    expect(nodes).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([undefined, 'a', 'b']);
  });

  it('stops on a cursor that does not move', async () => {
    let calls = 0;
    const nodes = await allNodes(async () => {
      calls++;
      return { nodes: [calls], pageInfo: { hasNextPage: true, endCursor: 'same' } };
    });
    expect(nodes).toEqual([1, 2]);
  });
});
