import type { ImageHistoryQuery } from '@hangar/sdk';
import { ellipsis } from '../format/ellipsis.js';
import { FieldContext } from '../format/go-template.js';
import { goRfc3339 } from '../format/go-time.js';
import { createdSince, humanSize } from '../format/go-units.js';
import { truncateId } from './reference.js';

export type HistoryEntry = NonNullable<NonNullable<ImageHistoryQuery['host']>['image']>['history'][number];

export const HISTORY_HEADERS = {
  Host: 'HOST',
  ID: 'IMAGE',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  CreatedBy: 'CREATED BY',
  Size: 'SIZE',
  Comment: 'COMMENT',
} as const;

const DEFAULT_HISTORY_TABLE = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
const NON_HUMAN_HISTORY_TABLE = 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';

export interface HistoryOptions {
  quiet: boolean;
  noTrunc: boolean;
  human: boolean;
  multiHost: boolean;
}

/** docker's NewHistoryFormat. */
export function historyFormat(format: string | undefined, { quiet, human, multiHost }: HistoryOptions): string {
  const source = format ?? 'table';
  if (source !== 'table') return source;
  if (quiet) return '{{.ID}}';
  const table = human ? DEFAULT_HISTORY_TABLE : NON_HUMAN_HISTORY_TABLE;
  return multiHost ? table.replace(/^table /, 'table {{.Host}}\t') : table;
}

/** Images older than this print no CREATED (docker's history epoch). */
const EPOCH = Date.UTC(2000, 0, 1) / 1000;

/** One `docker history` row (docker/cli historyContext). */
export function historyRow(entry: HistoryEntry, host: string, options: HistoryOptions): FieldContext {
  const created = new Date(entry.created);
  const id = entry.id ?? '<missing>';
  const createdAt = () => goRfc3339(created);
  const fields = {
    Comment: () => entry.comment ?? '',
    CreatedAt: createdAt,
    CreatedBy: () => {
      const createdBy = entry.createdBy.replaceAll('\t', ' ');
      return options.noTrunc ? createdBy : ellipsis(createdBy, 45);
    },
    CreatedSince: () => (!options.human ? createdAt() : created.getTime() / 1000 <= EPOCH ? '' : createdSince(created)),
    ID: () => (options.noTrunc ? id : truncateId(id)),
    Size: () => (options.human ? humanSize(entry.size) : String(entry.size)),
  };
  const withHost = { Host: () => host, ...fields };
  return new FieldContext('*image.historyContext', withHost, options.multiHost ? withHost : fields);
}
