// `.dockerignore` as docker reads it (moby/patternmatcher and docker/cli's dockerignore.ReadAll): one pattern per
// line, `#` comments, `!` exceptions, Go filepath.Match syntax plus `**` for any number of directories, a leading
// `/` ignored, and a pattern that matches a directory excluding everything beneath it. The last matching pattern
// decides. Pure: callers read the file.

export interface IgnorePattern {
  /** The cleaned pattern text, without `!`. */
  readonly text: string;
  readonly exclusion: boolean;
  readonly regexp: RegExp;
}

/** Go's path.Clean for slash-separated relative paths. */
export function cleanPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts.at(-1) !== '..') parts.pop();
      else if (!path.startsWith('/')) parts.push('..');
      continue;
    }
    parts.push(part);
  }
  return parts.join('/') || '.';
}

/** docker/cli's dockerignore.ReadAll: the patterns of a `.dockerignore` file's text. */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.replace(/\r$/, '');
    if (line.startsWith('#')) continue;
    line = line.trim();
    if (line === '') continue;
    let invert = false;
    if (line.startsWith('!')) {
      invert = true;
      line = line.slice(1).trim();
    }
    if (line.length > 0) {
      line = cleanPath(line.replace(/^\/+/, ''));
      if (line === '') continue;
    }
    patterns.push(invert ? `!${line}` : line);
  }
  return patterns;
}

/** A bad pattern, worded as docker's `syntax error in pattern`. */
export class PatternError extends Error {
  constructor(pattern: string) {
    super(`syntax error in pattern: ${pattern}`);
    this.name = 'PatternError';
  }
}

/** Characters moby escapes; `[`, `]` and `^` pass through as regexp syntax, as in moby. */
const REGEXP_SPECIAL = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/** moby/patternmatcher's regexp for one pattern (slash separators), built the way moby builds it. */
export function patternRegExp(pattern: string): RegExp {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        // `**/` is read as `**`; `**` at the end matches everything, elsewhere any number of directories.
        if (pattern[i + 1] === '/') i++;
        out += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else {
        out += '[^/]*';
      }
    } else if (ch === '?') {
      out += '[^/]';
    } else if (REGEXP_SPECIAL.has(ch)) {
      out += `\\${ch}`;
    } else if (ch === '\\') {
      if (i + 1 < pattern.length) {
        i++;
        const next = pattern[i]!;
        out += /[A-Za-z0-9]/.test(next) ? next : `\\${next}`;
      } else {
        out += '\\';
      }
    } else {
      out += ch;
    }
  }
  try {
    return new RegExp(`${out}$`, 's');
  } catch {
    throw new PatternError(pattern);
  }
}

export class IgnoreMatcher {
  readonly patterns: readonly IgnorePattern[];
  /** True when some pattern is an exception: an excluded directory must still be walked for re-included files. */
  readonly hasExclusions: boolean;

  constructor(patterns: readonly string[]) {
    this.patterns = patterns.map((raw) => {
      const exclusion = raw.startsWith('!');
      const text = exclusion ? raw.slice(1) : raw;
      if (text === '') throw new Error('illegal exclusion pattern: "!"');
      return { text, exclusion, regexp: patternRegExp(text) };
    });
    this.hasExclusions = this.patterns.some((pattern) => pattern.exclusion);
  }

  /** Whether a context-relative path (slash-separated) is left out: the last pattern matching it or a parent decides. */
  excludes(path: string): boolean {
    const cleaned = cleanPath(path);
    const parents = parentPaths(cleaned);
    let matched = false;
    for (const pattern of this.patterns) {
      if (pattern.exclusion !== matched) continue;
      if (pattern.regexp.test(cleaned) || parents.some((parent) => pattern.regexp.test(parent))) matched = !pattern.exclusion;
    }
    return matched;
  }
}

/** `a/b/c` → `a`, `a/b`. */
function parentPaths(path: string): string[] {
  const parts = path.split('/');
  const parents: string[] = [];
  for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join('/'));
  return parents;
}
