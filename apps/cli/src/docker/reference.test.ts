import { describe, expect, it } from 'vitest';
import { parseReference, truncateId } from './reference.js';

describe('references as docker image ls prints them', () => {
  it.each([
    ['hangar-test/app:1.0', { familiarName: 'hangar-test/app', tag: '1.0' }],
    ['127.0.0.1:5000/hangar-test/app:1.0', { familiarName: '127.0.0.1:5000/hangar-test/app', tag: '1.0' }],
    ['docker.io/library/busybox:latest', { familiarName: 'busybox', tag: 'latest' }],
    ['docker.io/team/app:2', { familiarName: 'team/app', tag: '2' }],
    ['localhost/app:1', { familiarName: 'localhost/app', tag: '1' }],
    [`busybox@sha256:${'a'.repeat(64)}`, { familiarName: 'busybox', digest: `sha256:${'a'.repeat(64)}` }],
    ['127.0.0.1:5000/app', { familiarName: '127.0.0.1:5000/app' }],
  ])('%s', (ref, parsed) => {
    expect(parseReference(ref)).toEqual(parsed);
  });

  it('rejects what is not a reference', () => {
    expect(parseReference('<none>:<none>')).toBeUndefined();
    expect(parseReference('app@sha256:xyz')).toBeUndefined();
  });

  it('truncates IDs as stringid.TruncateID', () => {
    expect(truncateId(`sha256:${'0123456789ab'}cdef`)).toBe('0123456789ab');
    expect(truncateId('<missing>')).toBe('<missing>');
  });
});
