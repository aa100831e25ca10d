import { compareApiVersions } from '../docker/api-version.js';
import { HangarError } from '../errors/hangar-error.js';
import { compileGlob } from '../reference/glob.js';
import { parseDockerTimestamp } from './timestamp.js';

/** docker's `image ls` filters. */
export interface ImageFilter {
  dangling?: boolean | null | undefined;
  /** `key` or `key=value`; every one must match. */
  label?: string[] | null | undefined;
  /** Go path.Match patterns on the familiar reference (`busybox:1.*`, `goharbor/*`); any one may match. */
  reference?: string[] | null | undefined;
  /** Images created before this image (a reference or ID). */
  before?: string | null | undefined;
  /** Images created after this image (a reference or ID). */
  since?: string | null | undefined;
  /** Images created before this time (duration back from now, RFC 3339 or Unix seconds). */
  until?: string | null | undefined;
}

/** A filter made ready for one engine: what the engine applies, and what Hangar applies after it. */
export interface PreparedImageFilter {
  engineFilters: Record<string, string[]>;
  /** Set when the engine cannot filter by `until` itself (API < 1.44). */
  createdBefore: Date | undefined;
}

const UNTIL_API = '1.44';

function bad(field: string, message: string): HangarError {
  return new HangarError('BAD_REQUEST', `filter.${field}: ${message}`);
}

/** Validates a filter before any engine sees it, so every host gets the same clear error. */
export function validateImageFilter(filter: ImageFilter | null | undefined, now: Date = new Date()): { until: Date | undefined } {
  for (const label of filter?.label ?? []) {
    if (label === '' || label.startsWith('=')) throw bad('label', `"${label}" must be key or key=value`);
  }
  for (const pattern of filter?.reference ?? []) {
    if (pattern === '') throw bad('reference', 'empty pattern');
    try {
      compileGlob(pattern);
    } catch (error) {
      throw bad('reference', (error as Error).message);
    }
  }
  for (const key of ['before', 'since'] as const) {
    const value = filter?.[key];
    if (value !== undefined && value !== null && value.trim() === '') throw bad(key, 'must name an image');
  }
  let until: Date | undefined;
  if (filter?.until !== undefined && filter.until !== null) {
    try {
      until = parseDockerTimestamp(filter.until, now);
    } catch (error) {
      throw bad('until', (error as Error).message);
    }
  }
  return { until };
}

/** Splits a validated filter into the engine's `filters` parameter and the part Hangar must apply itself. */
export function prepareImageFilter(filter: ImageFilter | null | undefined, apiVersion: string, now: Date = new Date()): PreparedImageFilter {
  const { until } = validateImageFilter(filter, now);
  const engineFilters: Record<string, string[]> = {};
  if (filter?.dangling !== undefined && filter.dangling !== null) engineFilters.dangling = [String(filter.dangling)];
  if (filter?.label?.length) engineFilters.label = [...filter.label];
  if (filter?.reference?.length) engineFilters.reference = [...filter.reference];
  if (filter?.before) engineFilters.before = [filter.before];
  if (filter?.since) engineFilters.since = [filter.since];
  let createdBefore: Date | undefined;
  if (until) {
    if (compareApiVersions(apiVersion, UNTIL_API) >= 0) engineFilters.until = [String(until.getTime() / 1000)];
    else createdBefore = until;
  }
  return { engineFilters, createdBefore };
}
