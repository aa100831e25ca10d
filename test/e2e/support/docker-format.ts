// How the docker CLI prints numbers and times (go-units and Go's time formats), to compare with its output.
// The implementations live in the hangar CLI (apps/cli/src/format), which prints them; tests reuse them.
import { goRfc3339, goTimeString } from '@hangar/cli/docker-format';

export { goFormatG, humanSize, humanSize4, humanDuration, createdSince } from '@hangar/cli/docker-format';

/** Go's default time format in UTC, as `docker image ls` CreatedAt: `2026-11-27 21:25:38 +0000 UTC`. */
export function dockerCreatedAt(date: Date): string {
  return goTimeString(date, 'UTC');
}

/** RFC 3339 to the second, as `docker history --format json` CreatedAt: `2026-11-27T21:25:35Z`. */
export function rfc3339Seconds(date: Date): string {
  return goRfc3339(date, 'UTC');
}
