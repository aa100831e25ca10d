import { HangarError } from '@hangar/core';
import { describe, expect, it } from 'vitest';
import { JobQueues } from './queues.js';

describe('JobQueues', () => {
  it('makes no queue (no Redis connection) for a name that is not a configured host', async () => {
    // Nothing listens on port 1: a queue made by mistake would try to connect; none may be made at all.
    const queues = new JobQueues({ host: '127.0.0.1', port: 1, lazyConnect: true, maxRetriesPerRequest: 0 }, ['alpha', 'beta.1']);
    expect([queues.has('alpha'), queues.has('beta.1'), queues.has('ALPHA'), queues.has('zz0'), queues.has('')]).toEqual([true, true, false, false, false]);
    for (const name of ['zz0', 'Alpha', 'alpha ', 'beta', 'x'.repeat(63), 'host.alpha']) {
      expect(queues.find(name)).toBeUndefined();
      const error = (() => {
        try {
          queues.get(name);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(HangarError);
      expect(error).toMatchObject({ code: 'HOST_NOT_FOUND', host: name });
    }
    expect(queues.size).toBe(0);
    await queues.close();
  });
});
