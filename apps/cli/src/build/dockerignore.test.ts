import { describe, expect, it } from 'vitest';
import { cleanPath, IgnoreMatcher, parseDockerignore, patternRegExp } from './dockerignore.js';

describe('parseDockerignore (docker/cli dockerignore.ReadAll)', () => {
  it('drops comments and blank lines, trims, strips a leading slash and cleans paths', () => {
    expect(parseDockerignore('# a comment\n\n  *.log  \n/docs/\n!./keep//me.txt\r\nsub/../other\n')).toEqual(['*.log', 'docs', '!keep/me.txt', 'other']);
  });
});

describe('cleanPath (Go path.Clean)', () => {
  it('removes dots, doubled slashes and resolvable ..', () => {
    expect(cleanPath('a//b/./c/..')).toBe('a/b');
    expect(cleanPath('./')).toBe('.');
    expect(cleanPath('../x')).toBe('../x');
  });
});

describe('IgnoreMatcher (moby/patternmatcher semantics)', () => {
  // Cases from moby's patternmatcher tests (TestMatches, TestMatchesOrParentMatches).
  const cases: [pattern: string, path: string, matches: boolean][] = [
    ['**', 'file', true],
    ['**', 'file/', true],
    ['**/', 'file', true],
    ['**/', 'dir/file', true],
    ['**/file', 'file', true],
    ['**/file', 'dir/file', true],
    ['**/file', 'dir/dir/file', true],
    ['dir/**', 'dir/file', true],
    ['dir/**', 'dir/dir2/file', true],
    ['dir/**/', 'dir/file', true],
    ['**/dir', 'dir', true],
    ['**/dir2/*', 'dir/dir2/file', true],
    ['**/dir2/*', 'dir/dir2/dir3/file', true],
    ['**file', 'file', true],
    ['**file', 'dir/file', true],
    ['**/file*', 'dir/dir/file', true],
    ['**/file*', 'dir/dir/file.txt', true],
    ['**/file*txt', 'dir/dir/file.txt', true],
    ['**/file*.txt', 'dir/dir/file.txt', true],
    ['**/**/*.txt', 'dir/dir/file.txt', true],
    ['**/**/*.txt2', 'dir/dir/file.txt', false],
    ['**/*.txt', 'file.txt', true],
    ['**/**/*.txt', 'file.txt', true],
    ['a**/*.txt', 'a/file.txt', true],
    ['a**/*.txt', 'a/dir/file.txt', true],
    ['a**/*.txt', 'a/dir/dir/file.txt', true],
    ['a/*.txt', 'a/dir/file.txt', false],
    ['a/*.txt', 'a/file.txt', true],
    ['a/*.txt**', 'a/file.txt', true],
    ['a[b-d]e', 'ae', false],
    ['a[b-d]e', 'ace', true],
    ['a[b-d]e', 'aae', false],
    ['a[^b-d]e', 'aze', true],
    ['.*', '.foo', true],
    ['.*', 'foo', false],
    ['abc.def', 'abcdef', false],
    ['abc.def', 'abc.def', true],
    ['abc.def', 'abcZdef', false],
    ['abc?def', 'abcZdef', true],
    ['abc?def', 'abcdef', false],
    ['a\\\\', 'a\\', true],
    ['**/foo/bar', 'foo/bar', true],
    ['**/foo/bar', 'dir/foo/bar', true],
    ['**/foo/bar', 'dir/dir2/foo/bar', true],
    ['abc/**', 'abc', false],
    ['abc/**', 'abc/def', true],
    ['abc/**', 'abc/def/ghi', true],
    ['**/.foo', '.foo', true],
    ['**/.foo', 'bar.foo', false],
    ['a(b)c/def', 'a(b)c/def', true],
    ['a(b)c/def', 'a(b)c/xyz', false],
    ['a.|)$(}+{bc', 'a.|)$(}+{bc', true],
    // A pattern that matches a directory excludes what is under it.
    ['dir', 'dir/file', true],
    ['dir/', 'dir/sub/file', true],
    ['*.log', 'logs/a.log', false],
  ];
  for (const [pattern, path, matches] of cases) {
    it(`${pattern} ${matches ? 'matches' : 'does not match'} ${path}`, () => {
      expect(new IgnoreMatcher(parseDockerignore(pattern)).excludes(path)).toBe(matches);
    });
  }

  it('the last matching pattern decides; exceptions bring files back', () => {
    const matcher = new IgnoreMatcher(parseDockerignore('secret\n!secret/keep.txt\n**/*.tmp\n!important.tmp\n'));
    expect(matcher.hasExclusions).toBe(true);
    expect(matcher.excludes('secret/key.pem')).toBe(true);
    expect(matcher.excludes('secret/keep.txt')).toBe(false);
    expect(matcher.excludes('a/b.tmp')).toBe(true);
    expect(matcher.excludes('important.tmp')).toBe(false);
    expect(matcher.excludes('src/main.ts')).toBe(false);
  });

  it('a lone ! is an error; a bad class is docker’s syntax error', () => {
    expect(() => new IgnoreMatcher(['!'])).toThrow(/illegal exclusion pattern/);
    expect(() => patternRegExp('[z-a]')).toThrow(/syntax error in pattern: \[z-a\]/);
  });
});
