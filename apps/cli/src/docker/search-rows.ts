import type { SearchImagesQuery } from '@hangar/sdk';
import { ellipsis } from '../format/ellipsis.js';
import { FieldContext } from '../format/go-template.js';

export type SearchHit = SearchImagesQuery['searchImages'][number];

export const SEARCH_HEADERS = {
  Name: 'NAME',
  Description: 'DESCRIPTION',
  StarCount: 'STARS',
  IsOfficial: 'OFFICIAL',
  Registry: 'REGISTRY',
} as const;

export const DEFAULT_SEARCH_TABLE = 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}';

/** docker's search format: an empty or `table` format is the default table. */
export function searchFormat(format: string | undefined): string {
  return format === undefined || format === '' || format === 'table' ? DEFAULT_SEARCH_TABLE : format;
}

/** One `docker search` row (docker/cli searchContext): `[OK]` or nothing in text, true/false in `{{json .}}`. */
export function searchRow(hit: SearchHit, { noTrunc }: { noTrunc: boolean }): FieldContext {
  const description = () => {
    const text = (hit.description ?? '').replaceAll('\n', ' ').replaceAll('\r', ' ');
    return noTrunc ? text : ellipsis(text, 45);
  };
  const fields = {
    Description: description,
    IsOfficial: () => (hit.isOfficial ? '[OK]' : ''),
    Name: () => hit.name,
    StarCount: () => String(hit.starCount),
  };
  const json = { ...fields, IsOfficial: () => String(hit.isOfficial) };
  return new FieldContext('*registry.searchContext', { ...fields, Registry: () => hit.registry }, json);
}
