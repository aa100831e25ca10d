// Go's time formats as the docker CLI prints them.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The zone's abbreviation as Go prints it (`UTC`, `CET`, `EST`), or Go's numeric fallback (`+0530`). */
function zoneName(date: Date, timeZone: string | undefined, offsetMinutes: number): string {
  if (offsetMinutes === 0 && (timeZone === 'UTC' || timeZone === undefined)) return 'UTC';
  const name = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short', ...(timeZone ? { timeZone } : {}) })
    .formatToParts(date)
    .find((part) => part.type === 'timeZoneName')?.value;
  if (name && /^[A-Z]{2,5}$/.test(name)) return name;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.trunc(abs / 60))}${abs % 60 ? pad(abs % 60) : ''}`;
}

/**
 * Go's `time.Time.String()` of a Unix time in the local zone, as `docker image ls` CreatedAt prints it:
 * `2026-11-27 21:25:38 +0000 UTC`. `timeZone: 'UTC'` forces UTC.
 */
export function goTimeString(date: Date, timeZone?: 'UTC'): string {
  const utc = timeZone === 'UTC';
  const offset = utc ? 0 : -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offset * 60_000);
  const y = local.getUTCFullYear();
  const stamp = `${y}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const ms = date.getTime() % 1000;
  const fraction = ms ? `.${pad(ms, 3).replace(/0+$/, '')}` : '';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${stamp}${fraction} ${sign}${pad(Math.trunc(abs / 60))}${pad(abs % 60)} ${zoneName(date, utc ? 'UTC' : process.env.TZ || undefined, offset)}`;
}

/** Go's `time.RFC3339` in the local zone, to the second, as `docker history` CreatedAt: `2026-11-27T21:25:35Z`. */
export function goRfc3339(date: Date, timeZone?: 'UTC'): string {
  const offset = timeZone === 'UTC' ? 0 : -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offset * 60_000);
  const stamp = local.toISOString().slice(0, 19);
  if (offset === 0) return `${stamp}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${stamp}${sign}${pad(Math.trunc(abs / 60))}:${pad(abs % 60)}`;
}
