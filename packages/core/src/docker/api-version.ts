/** The Engine API versions Hangar speaks: the oldest it supports and the newest it knows the fields of. */
export const MIN_API_VERSION = '1.41';
export const MAX_API_VERSION = '1.51';

export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

export type Negotiation = { ok: true; version: string } | { ok: false; reason: string };

/**
 * The version to talk to an engine in: the highest both sides know. Engines report the newest version they
 * serve (`ApiVersion`) and the oldest they still accept (`MinAPIVersion`).
 */
export function negotiateApiVersion(engineMax: string, engineMin: string | undefined): Negotiation {
  if (!/^\d+\.\d+$/.test(engineMax)) return { ok: false, reason: `engine reported an unreadable API version "${engineMax}"` };
  const version = compareApiVersions(engineMax, MAX_API_VERSION) < 0 ? engineMax : MAX_API_VERSION;
  if (compareApiVersions(version, MIN_API_VERSION) < 0) {
    return { ok: false, reason: `engine API ${engineMax} is older than the oldest Hangar supports (${MIN_API_VERSION})` };
  }
  if (engineMin && compareApiVersions(version, engineMin) < 0) {
    return { ok: false, reason: `engine requires API ${engineMin} or newer; Hangar speaks up to ${MAX_API_VERSION}` };
  }
  return { ok: true, version };
}
