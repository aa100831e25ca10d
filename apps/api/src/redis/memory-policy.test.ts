import { describe, expect, it } from 'vitest';
import { parseMemoryPolicy } from './memory-policy.js';

describe('parseMemoryPolicy', () => {
  it('reads maxmemory and the policy from INFO memory', () => {
    const info = '# Memory\r\nused_memory:1065248\r\nmaxmemory:2147483648\r\nmaxmemory_human:2.00G\r\nmaxmemory_policy:noeviction\r\n';
    expect(parseMemoryPolicy(info)).toEqual({ maxMemoryBytes: 2147483648, policy: 'noeviction', usedBytes: 1065248 });
  });

  it('a Redis without a limit and with an evicting policy', () => {
    expect(parseMemoryPolicy('# Memory\nmaxmemory:0\nmaxmemory_policy:allkeys-lru\n')).toEqual({ maxMemoryBytes: 0, policy: 'allkeys-lru', usedBytes: 0 });
  });

  it('an answer without the fields (a managed Redis that hides them) is unknown, not noeviction', () => {
    expect(parseMemoryPolicy('# Memory\nused_memory:1\n')).toEqual({ maxMemoryBytes: 0, policy: 'unknown', usedBytes: 1 });
  });
});
