/**
 * One challenge of a `WWW-Authenticate` header (RFC 7235 §4.1). A registry names how it wants to be
 * authenticated here: `Basic realm="..."` (htpasswd) or `Bearer realm=...,service=...,scope=...` (token auth).
 */
export interface AuthChallenge {
  /** Lower-cased: schemes are case-insensitive, and callers compare with 'basic' / 'bearer'. */
  scheme: string;
  /** Parameter names lower-cased (case-insensitive too); values unquoted and unescaped. First occurrence wins. */
  params: Record<string, string>;
  /** The `token68` form (`Negotiate abc==`), which some schemes use instead of parameters. */
  token68?: string;
}

// tchar of RFC 7230 §3.2.6.
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
// token68 followed by the end of the challenge: `abc==` then optional spaces, then a comma or the end.
const TOKEN68 = /^([A-Za-z0-9\-._~+/]+=*)[ \t]*(?=,|$)/;

/**
 * Parses a `WWW-Authenticate` value into its challenges, in order. Pure and lenient: registries and proxies
 * in the wild send slightly malformed headers (unquoted URLs, missing spaces), and a challenge we can half read
 * is more useful than an exception; characters that fit nowhere are skipped. Several headers can be joined with
 * `, ` before parsing, exactly as HTTP allows.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let pos = 0;

  const skip = (chars: RegExp): void => {
    while (pos < header.length && chars.test(header[pos]!)) pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < header.length && TOKEN_CHAR.test(header[pos]!)) pos++;
    return header.slice(start, pos);
  };
  const readQuoted = (): string => {
    pos++; // opening quote
    let value = '';
    while (pos < header.length) {
      const char = header[pos++]!;
      if (char === '"') return value;
      if (char === '\\' && pos < header.length) value += header[pos++]!;
      else value += char;
    }
    return value; // unterminated: keep what was there
  };

  while (pos < header.length) {
    skip(/[\s,]/);
    if (pos >= header.length) break;
    const scheme = readToken();
    if (!scheme) {
      pos++; // a character that cannot start a challenge
      continue;
    }
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skip(/[ \t]/);

    const token68 = TOKEN68.exec(header.slice(pos));
    if (token68) {
      challenge.token68 = token68[1]!;
      pos += token68[0].length;
      continue;
    }

    // auth-params: name BWS "=" BWS (token / quoted-string), separated by commas. A token NOT followed by "="
    // starts the next challenge.
    for (;;) {
      skip(/[\s,]/);
      const nameStart = pos;
      const name = readToken();
      if (!name) break;
      skip(/[ \t]/);
      if (header[pos] !== '=') {
        pos = nameStart;
        break;
      }
      pos++;
      skip(/[ \t]/);
      let value: string;
      if (header[pos] === '"') value = readQuoted();
      else {
        // Lenient: an unquoted value runs to the next comma or space (tolerates `realm=https://a/b`).
        const start = pos;
        while (pos < header.length && !/[\s,]/.test(header[pos]!)) pos++;
        value = header.slice(start, pos);
      }
      const key = name.toLowerCase();
      // defineProperty, not assignment: a hostile `__proto__=x` must stay a plain key.
      if (!Object.hasOwn(challenge.params, key)) Object.defineProperty(challenge.params, key, { value, enumerable: true, writable: true, configurable: true });
      skip(/[ \t]/);
      if (pos < header.length && header[pos] !== ',') {
        // Garbage after a value (`a="b"c`): skip to the next comma.
        while (pos < header.length && header[pos] !== ',') pos++;
      }
    }
  }
  return challenges;
}
