// JSON as Go's encoding/json writes it: map keys sorted, struct fields in order, `<`, `>`, `&` escaped unless
// told not to, U+2028 and U+2029 always escaped.

const STRUCTS = new WeakSet<object>();

/** Marks an object as a Go struct: its fields keep their order in JSON and a missing field is an error in templates. */
export function goStruct<T extends object>(value: T): T {
  STRUCTS.add(value);
  return value;
}

export function isGoStruct(value: unknown): boolean {
  return typeof value === 'object' && value !== null && STRUCTS.has(value);
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function quote(text: string, escapeHtml: boolean): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const short = SHORT_ESCAPES[char];
    if (short) out += short;
    else if (code < 0x20 || code === 0x2028 || code === 0x2029 || (escapeHtml && (char === '<' || char === '>' || char === '&'))) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}

/** Go's json.Marshal of a JSON-able value (objects as maps: sorted keys). */
export function goJson(value: unknown, { escapeHtml = true }: { escapeHtml?: boolean } = {}): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return quote(value, escapeHtml);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => goJson(item, { escapeHtml })).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (!STRUCTS.has(value)) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, v]) => `${quote(key, escapeHtml)}:${goJson(v, { escapeHtml })}`).join(',')}}`;
  }
  return 'null';
}

/** Go's json.MarshalIndent(value, "", indent), with the same rules for maps and structs. */
export function goJsonIndent(value: unknown, indent = '    ', depth = 0, { escapeHtml = true }: { escapeHtml?: boolean } = {}): string {
  const pad = indent.repeat(depth + 1);
  const close = indent.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => pad + goJsonIndent(item, indent, depth + 1, { escapeHtml })).join(',\n')}\n${close}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (!STRUCTS.has(value)) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([key, v]) => `${pad}${quote(key, escapeHtml)}: ${goJsonIndent(v, indent, depth + 1, { escapeHtml })}`).join(',\n')}\n${close}}`;
  }
  return goJson(value, { escapeHtml });
}
