/**
 * docker's time arguments (`until`, `since` of events): a Go duration back from now (`10m`, `1h30m`), an RFC 3339
 * date-time or date (`2026-11-27`, `2026-11-27T10:00:00Z`), or Unix seconds (`1732700000.5`).
 */
export class TimestampSyntaxError extends Error {
  constructor(value: string) {
    super(`cannot parse "${value}" as a timestamp: use a duration (10m, 2h30m), RFC 3339 (2026-11-27T10:00:00Z) or Unix seconds`);
    this.name = this.constructor.name;
  }
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds; undefined when the text is not a duration. */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (!match) return text === '0' ? 0 : undefined;
  const sign = match[1] === '-' ? -1 : 1;
  let total = 0;
  for (const part of text.slice(match[1]!.length).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNIT_MS[part[2]!]!;
  }
  return sign * total;
}

/** The instant a docker time argument names, relative to `now` for durations. */
export function parseDockerTimestamp(value: string, now: Date = new Date()): Date {
  const text = value.trim();
  if (text === '') throw new TimestampSyntaxError(value);
  const duration = parseGoDuration(text);
  if (duration !== undefined) return new Date(now.getTime() - duration);
  if (/^\d+(\.\d{1,9})?$/.test(text)) return new Date(Number(text) * 1000);
  // RFC 3339 and the shorter forms docker accepts; without a zone they are local time, as in docker.
  const dateTime = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  if (dateTime) {
    const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = dateTime;
    const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${zone ?? ''}`;
    const date = new Date(iso);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new TimestampSyntaxError(value);
}
