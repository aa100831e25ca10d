/**
 * The one place that decides what a secret-bearing text looks like when it is shown: job subjects, log lines,
 * audit entries, error messages. Pure.
 *
 * - A URL loses its user info (`user:password@`, or a lone token as user) and its fragment, and keeps its query
 *   keys with their values replaced (`?X-Amz-Signature=redacted`): pre-signed URLs carry their signature there.
 * - A text has every URL in it redacted that way, `Authorization`-style credentials (`Bearer x`, `Basic x`)
 *   replaced, and any secret it is given (a password, a token) replaced wherever it occurs.
 */

/** What a secret is replaced with. */
export const REDACTED = 'redacted';

/*
 * Scanning patterns run on any text (log lines, audit details, engine errors), so they must stay linear: a scheme
 * starts only where no scheme character precedes it, and is at most 32 characters long. (Unbounded, a 100 kB word
 * made every start position scan to its end: quadratic time.)
 */
/** `scheme://` followed by an authority holding an `@` (user info). The authority stops at `/ ? #`, space or quote. */
const USERINFO = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#"'<>`@]*(?:@[^\s/?#"'<>`@]*)*@/gi;
/** A URL inside a text: a scheme, `://`, then anything up to a space, a quote or a bracket. */
const URL_IN_TEXT = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}:\/\/[^\s"'<>`]+/gi;
/** `Bearer <x>` / `Basic <x>` / `token <x>` as an Authorization header carries them. */
const AUTH_SCHEME = /\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9._~+/=-]{6,}/g;

/** The query (or fragment) `a=1&b=2` with each value replaced, keys kept as written. */
function redactParams(params: string): string {
  return params
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? pair : `${pair.slice(0, eq)}=${REDACTED}`;
    })
    .join('&');
}

/**
 * A URL fit to show: no user info, no fragment, query values replaced (keys kept). Works on the text as written
 * (no re-encoding), so what is left is exactly what the caller gave; a string that is not a `scheme://` URL has
 * its `user:password@` removed (scp-like `git@host:repo` keeps its lone user, which is not a secret).
 */
export function redactUrl(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#\\]*)([^?#]*)(\?[^#]*)?(#.*)?$/is.exec(url);
  if (!match) {
    // scp-like `user:password@host:path`, or not a URL at all.
    return redactCredentialsIn(url).replace(/^([^\s:@/]+):[^\s@/]*@/, '');
  }
  const [, scheme, authority, path, query] = match as unknown as [string, string, string, string, string | undefined];
  const at = authority.lastIndexOf('@');
  const host = at >= 0 ? authority.slice(at + 1) : authority;
  const rest = url.slice(scheme.length);
  // A password holding an unencoded `/`, `\`, `?` or `#` ends the authority early (`https://u:pa/ss@host`): the
  // "host" is then no host[:port]. Drop everything up to the last `@` rather than show part of the password.
  if (!/^(\[[0-9a-fA-F:.]*\]|[^:[\]"'\s<>^`{|}]*)(:\d*)?$/.test(host) && rest.includes('@')) return redactUrl(scheme + rest.slice(rest.lastIndexOf('@') + 1));
  return `${scheme}${host}${path.replace(USERINFO, '$1')}${query ? `?${redactParams(query.slice(1))}` : ''}`;
}

/** Removes `scheme://user:password@` (or `scheme://user@`) user info anywhere in a text. */
export function redactCredentialsIn(text: string): string {
  return text.replace(USERINFO, '$1');
}

/** Replaces each given secret (3 characters or more) wherever it occurs in the text, raw or JSON-escaped. */
export function redactSecretsIn(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    forms.add(secret);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) forms.add(escaped);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) forms.add(encoded);
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(`[${REDACTED}]`);
  return out;
}

/**
 * A text fit to show: every URL in it redacted (`redactUrl`), Authorization-style credentials replaced, and each
 * of `secrets` replaced. For log lines, error messages and audit details.
 */
export function redactText(text: string, secrets: Iterable<string | undefined> = []): string {
  const known = redactSecretsIn(text, secrets);
  return known
    .replace(URL_IN_TEXT, (url) => {
      // A URL ending a sentence or inside parentheses keeps its closing punctuation outside the redaction.
      const trail = /[),.;:!\]]+$/.exec(url)?.[0] ?? '';
      return redactUrl(url.slice(0, url.length - trail.length)) + trail;
    })
    .replace(USERINFO, '$1')
    .replace(AUTH_SCHEME, `$1$2[${REDACTED}]`);
}

/** A message with every occurrence of `url` (raw or as Go prints it) replaced by its redacted form, then redactText. */
export function redactUrlIn(text: string, url: string): string {
  const safe = redactUrl(url);
  let out = text;
  const forms = new Set([url, url.replace(/\/$/, '')]);
  try {
    const parsed = new URL(url);
    forms.add(parsed.toString());
    // Go's net/http prints URLs with the password replaced by "***" (url.Redacted).
    if (parsed.password) {
      const starred = new URL(url);
      starred.password = '***';
      forms.add(starred.toString().replace('%2A%2A%2A', '***'));
    }
  } catch {
    // not a WHATWG URL: only the general redaction below applies
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form) out = out.split(form).join(safe);
  }
  return redactText(out);
}

/** True when the URL carries user info (`scheme://user[:password]@host`), which Hangar refuses where it keeps URLs. */
export function hasUserInfo(url: string): boolean {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\\]*)/i.exec(url.trim());
  if (match) return match[1]!.includes('@');
  try {
    const parsed = new URL(url);
    return Boolean(parsed.username || parsed.password);
  } catch {
    return false;
  }
}

/** True when redactUrl would change something: the URL holds user info, a query or a fragment. */
export function urlNeedsRedaction(url: string): boolean {
  return redactUrl(url) !== url;
}

/** A whole string that is one URL (a scheme, `://`, no whitespace): redacted as a URL, so a raw `"` in a password cannot end it early. */
const WHOLE_URL = /^[a-z][a-z0-9+.-]{0,31}:\/\/\S*$/i;

/**
 * Every string inside a JSON-like value redacted (keys kept): a string that is one URL with redactUrl, any other
 * with redactText. For audit targets and job views.
 */
export function redactDeep<T>(value: T, secrets: Iterable<string | undefined> = []): T {
  const list = [...secrets];
  const walk = (inner: unknown): unknown => {
    if (typeof inner === 'string') return redactText(WHOLE_URL.test(inner) ? redactUrl(inner) : inner, list);
    if (Array.isArray(inner)) return inner.map(walk);
    if (inner && typeof inner === 'object' && !(inner instanceof Date)) return Object.fromEntries(Object.entries(inner).map(([k, v]) => [k, walk(v)]));
    return inner;
  };
  return walk(value) as T;
}
