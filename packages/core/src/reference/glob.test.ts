import { describe, expect, it } from 'vitest';
import { compileGlob, globMatch } from './glob.js';

// Cases from Go's path.Match tests, the matcher docker uses for `--filter reference=`.
describe('globMatch (Go path.Match)', () => {
  it.each([
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*', 'ab/c', false],
    ['a*/b', 'abc/b', true],
    ['a*/b', 'a/c/b', false],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[c]', 'abc', true],
    ['ab[b-d]', 'abc', true],
    ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false],
    ['ab[^b-d]', 'abc', false],
    ['ab[^e-g]', 'abc', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a[^a]b', 'a☺b', true],
    ['[\\-]', '-', true],
    ['[x\\-]', 'z', false],
    ['goharbor/*', 'goharbor/harbor-core', true],
    ['goharbor/*', 'goharbor/a/b', false],
    ['hangar-test/app:1.*', 'hangar-test/app:1.0', true],
  ])('%s ~ %s = %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it.each(['[', '[^', '[^bc', 'a[', 'ab[', '*x\\', '[a-', '[z-a]'])('rejects the malformed pattern %s', (pattern) => {
    expect(() => compileGlob(pattern)).toThrow(/syntax error in pattern/);
  });
});
