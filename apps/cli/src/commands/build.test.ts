import { describe, expect, it } from 'vitest';
import { buildArgs, buildLabels, exitCodeOf, isRemoteContext } from './build.js';

describe('build flags', () => {
  it('--build-arg KEY=VALUE, or KEY from the environment (left out when unset)', () => {
    expect(buildArgs(['A=1', 'B=', 'FROM_ENV', 'UNSET', 'C=x=y'], { FROM_ENV: 'env' })).toEqual([
      { key: 'A', value: '1' },
      { key: 'B', value: '' },
      { key: 'FROM_ENV', value: 'env' },
      { key: 'C', value: 'x=y' },
    ]);
    expect(() => buildArgs(['=1'], {})).toThrow(/empty key/);
  });

  it('--label KEY=VALUE or KEY', () => {
    expect(buildLabels(['a=1', 'b'])).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '' },
    ]);
  });

  it('remote contexts are URLs and git addresses, as docker reads them', () => {
    for (const remote of ['https://example.com/ctx.tar', 'http://h/x', 'git://h/repo', 'git@github.com:o/r.git', 'github.com/o/r']) expect(isRemoteContext(remote), remote).toBe(true);
    for (const local of ['.', './ctx', '/abs/dir', 'githubx/dir', '-']) expect(isRemoteContext(local), local).toBe(false);
  });

  it('a failed RUN exits with its own status, anything else with 1', () => {
    expect(exitCodeOf({ error: { code: 'BAD_REQUEST', message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3", field: null, host: null } })).toBe(3);
    expect(exitCodeOf({ error: { code: 'HOST_UNREACHABLE', message: 'connect ECONNREFUSED', field: null, host: null } })).toBe(1);
    expect(exitCodeOf({ error: null })).toBe(1);
  });
});
