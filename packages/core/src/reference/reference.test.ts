import { describe, expect, it } from 'vitest';
import { familiarName, familiarString, fullString, isFullImageId, isImageIdPrefix, parseReference, trimReference, withDefaultTag } from './reference.js';

const D = 'sha256:' + 'a'.repeat(64);

describe('parseReference', () => {
  it.each([
    ['busybox', 'docker.io', 'library/busybox', undefined, undefined],
    ['busybox:1.36', 'docker.io', 'library/busybox', '1.36', undefined],
    ['team/api:v2', 'docker.io', 'team/api', 'v2', undefined],
    ['index.docker.io/library/busybox', 'docker.io', 'library/busybox', undefined, undefined],
    ['localhost/app', 'localhost', 'app', undefined, undefined],
    ['localhost:5000/a/b/c:t', 'localhost:5000', 'a/b/c', 't', undefined],
    ['127.0.0.1:5000/hangar-test/app:1.0', '127.0.0.1:5000', 'hangar-test/app', '1.0', undefined],
    ['Registry.Example.com/x', 'Registry.Example.com', 'x', undefined, undefined],
    [`goharbor/harbor-core@${D}`, 'docker.io', 'goharbor/harbor-core', undefined, D],
    [`a:b@${D}`, 'docker.io', 'library/a', 'b', D],
    ['[::1]:5000/x:y', '[::1]:5000', 'x', 'y', undefined],
    [`x@sha512:${'0'.repeat(128)}`, 'docker.io', 'library/x', undefined, `sha512:${'0'.repeat(128)}`],
    ['a__b_c-d---e/f.g', 'docker.io', 'a__b_c-d---e/f.g', undefined, undefined],
  ])('parses %s', (input, domain, path, tag, digest) => {
    expect(parseReference(input)).toEqual({ domain, path, tag, digest });
  });

  it.each([
    ['', /empty/],
    ['Busybox', /must be lowercase/],
    ['busybox:', /bad tag/],
    ['busybox:-x', /bad tag/],
    ['busybox@sha256:abc', /bad digest/],
    [`busybox@sha256:${'A'.repeat(64)}`, /64 lowercase hex/],
    [`busybox@sha256:${'a'.repeat(65)}`, /64 lowercase hex/],
    [`busybox@sha512:${'a'.repeat(64)}`, /128 lowercase hex/],
    [`busybox@md5:${'a'.repeat(32)}`, /unsupported digest algorithm "md5"/],
    ['a//b', /bad repository name/],
    ['a/b_', /bad repository name/],
    ['-a', /bad repository name/],
    [':tag', /no repository name/],
    ['a'.repeat(64).replace(/a/g, 'f'), /64-byte hexadecimal/],
    [' busybox', /white space/],
    ['reg:port:x/a', /bad registry host|bad tag/],
  ])('rejects %s', (input, why) => {
    expect(() => parseReference(input)).toThrow(why);
  });

  it('writes references back in docker’s familiar and full forms', () => {
    expect(familiarString(parseReference('docker.io/library/busybox:latest'))).toBe('busybox:latest');
    expect(familiarName(parseReference('docker.io/team/api'))).toBe('team/api');
    expect(familiarName(parseReference('docker.io/library/a/b'))).toBe('library/a/b');
    expect(familiarString(parseReference('localhost:5000/a:1'))).toBe('localhost:5000/a:1');
    expect(fullString(withDefaultTag(parseReference('busybox')))).toBe('docker.io/library/busybox:latest');
    expect(withDefaultTag(parseReference(`a@${D}`)).tag).toBeUndefined();
  });

  it('tells image IDs and ID prefixes apart from names', () => {
    expect(isFullImageId(D)).toBe(true);
    expect(isFullImageId('a'.repeat(64))).toBe(true);
    expect(isFullImageId('a'.repeat(63))).toBe(false);
    expect(isImageIdPrefix('3f2a')).toBe(true);
    expect(isImageIdPrefix('sha256:3f2a')).toBe(true);
    expect(isImageIdPrefix('busybox')).toBe(false);
  });
});

describe('trimReference', () => {
  it('drops surrounding ASCII white space only', () => {
    expect(trimReference('\n app:1 \t\r')).toBe('app:1');
    expect(trimReference('a b')).toBe('a b');
  });

  // JavaScript's trim() strips these too, which let "\uFEFFapp:1" find, remove and pull app:1.
  it.each(['\ufeffapp:1', '\u00a0app:1', 'app:1\u2028', '\u3000app:1'])('keeps BOMs and Unicode spaces (%j) for parseReference to refuse', (ref) => {
    expect(trimReference(ref)).toBe(ref);
    expect(() => parseReference(trimReference(ref))).toThrow(/white space/);
  });
});
