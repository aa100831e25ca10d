import { afterEach, describe, expect, it } from 'vitest';
import { goRfc3339, goTimeString } from './go-time.js';

describe("Go's time formats", () => {
  const saved = process.env.TZ;
  afterEach(() => {
    process.env.TZ = saved;
  });

  it('time.Time.String() of a Unix time in UTC, as docker image ls CreatedAt', () => {
    expect(goTimeString(new Date('2026-11-27T21:25:38Z'), 'UTC')).toBe('2026-11-27 21:25:38 +0000 UTC');
  });

  it('RFC 3339 to the second in UTC, as docker history CreatedAt', () => {
    expect(goRfc3339(new Date('2026-11-27T21:25:35Z'), 'UTC')).toBe('2026-11-27T21:25:35Z');
  });
});
