/**
 * Go's path.Match, which docker uses for the `reference` filter: `*` matches any run of characters except `/`,
 * `?` one character except `/`, `[...]` a class (with `^` or `!` negation and ranges), `\\` escapes.
 */
export class GlobSyntaxError extends Error {
  constructor(pattern: string) {
    super(`bad pattern "${pattern}": syntax error in pattern`);
    this.name = this.constructor.name;
  }
}

function globToRegExp(pattern: string): RegExp {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      i++;
      if (i >= pattern.length) throw new GlobSyntaxError(pattern);
      out += escapeRegExp(pattern[i]!);
    } else if (c === '[') {
      let j = i + 1;
      let cls = '';
      if (pattern[j] === '^' || pattern[j] === '!') {
        cls += '^';
        j++;
      }
      let first = true;
      for (; j < pattern.length && (pattern[j] !== ']' || first); j++) {
        first = false;
        let lo = pattern[j]!;
        if (lo === '\\') {
          j++;
          if (j >= pattern.length) throw new GlobSyntaxError(pattern);
          lo = pattern[j]!;
        }
        cls += escapeClassChar(lo);
        if (pattern[j + 1] === '-' && pattern[j + 2] !== undefined && pattern[j + 2] !== ']') {
          let hi = pattern[j + 2]!;
          j += 2;
          if (hi === '\\') {
            j++;
            if (j >= pattern.length) throw new GlobSyntaxError(pattern);
            hi = pattern[j]!;
          }
          if (hi < lo) throw new GlobSyntaxError(pattern);
          cls += `-${escapeClassChar(hi)}`;
        }
      }
      if (j >= pattern.length || cls === '' || cls === '^') throw new GlobSyntaxError(pattern);
      out += cls.startsWith('^') ? `(?![/])[${cls}]` : `[${cls}]`;
      i = j;
    } else out += escapeRegExp(c);
  }
  return new RegExp(`${out}$`, 's');
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClassChar(c: string): string {
  return c.replace(/[\]\\^-]/g, '\\$&');
}

const cache = new Map<string, RegExp>();

/** Compiles (and checks) a pattern; throws GlobSyntaxError for a malformed one. */
export function compileGlob(pattern: string): (text: string) => boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = globToRegExp(pattern);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  const compiled = re;
  return (text) => compiled.test(text);
}

export function globMatch(pattern: string, text: string): boolean {
  return compileGlob(pattern)(text);
}
