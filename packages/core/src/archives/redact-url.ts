/**
 * URLs as they may be shown (logs, audit, error messages): no user info, and no query values (pre-signed URLs
 * carry their signature or token there). Pure.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactCredentialsIn(url);
  }
  parsed.username = '';
  parsed.password = '';
  const keys = [...new Set([...parsed.searchParams.keys()])];
  const query = keys.map((key) => `${encodeURIComponent(key)}=redacted`).join('&');
  parsed.search = query ? `?${query}` : '';
  parsed.hash = '';
  return parsed.toString();
}

/** Replaces `scheme://user:password@` (or `scheme://user@`) user info anywhere in a text. */
export function redactCredentialsIn(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']*@/gi, '$1');
}

/** A message with every occurrence of `url` (raw or as the engine may quote it) replaced by its redacted form. */
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
    // not a URL: only the credential pattern below applies
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form) out = out.split(form).join(safe);
  }
  return redactCredentialsIn(out);
}
