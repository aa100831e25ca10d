import { HangarError } from '@hangar/core';
import { Field, ObjectType } from 'type-graphql';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

@ObjectType({ description: 'Where a page sits in its list (Relay cursor connections).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'True when items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when items precede this page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of the page.' })
  startCursor?: string;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item; pass it as `after` for the next page.' })
  endCursor?: string;
}

export interface Page<T> {
  items: { node: T; cursor: string }[];
  totalCount: number;
  pageInfo: PageInfo;
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The most parts a sort key of any list has (images and jobs: 2; tags: 1), with room to grow. */
const MAX_CURSOR_PARTS = 8;

function decodeCursor(cursor: string): (string | number)[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    // JSON.parse reads 1e999 as Infinity: a cursor this list gave out holds only finite numbers.
    // Every list's key has 1 to MAX_CURSOR_PARTS parts: checked here too, since an empty list cannot compare arities.
    if (Array.isArray(key) && key.length >= 1 && key.length <= MAX_CURSOR_PARTS && key.every((part) => typeof part === 'string' || (typeof part === 'number' && Number.isFinite(part)))) return key;
  } catch {
    // fall through to the error below
  }
  throw notACursor(cursor);
}

/** The error for a bad `after`, quoting at most the start of it (a cursor may be a megabyte of garbage). */
export function notACursor(cursor: string): HangarError {
  const shown = cursor.length > 64 ? `${cursor.slice(0, 64)}…` : cursor;
  return new HangarError('BAD_REQUEST', `after: ${JSON.stringify(shown)} is not a cursor this list gave out`);
}

const MAX_U64 = 2n ** 64n - 1n;

/**
 * Checks an `after` that is a Redis stream entry ID (`<ms>-<seq>`, as the audit log and webhook deliveries give
 * out): both parts must fit Redis's 64 bits, or Redis refuses the read and the caller would see INTERNAL.
 */
export function checkStreamCursor(after: string | null | undefined): string | undefined {
  if (after === undefined || after === null) return undefined;
  const match = /^(\d{1,20})-(\d{1,20})$/.exec(after);
  if (!match || BigInt(match[1]!) > MAX_U64 || BigInt(match[2]!) > MAX_U64) throw notACursor(after);
  return after;
}

function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export function checkPageSize(first: number | null | undefined): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new HangarError('BAD_REQUEST', `first: must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`);
  }
  return first;
}

/**
 * Keyset pagination over a list already sorted by `sortKey` ascending: `after` names the last item seen by its
 * key, so items added or removed between pages neither repeat nor vanish.
 */
export function paginate<T>(
  sorted: readonly T[],
  sortKey: (item: T) => (string | number)[],
  { first, after }: { first?: number | null; after?: string | null },
): Page<T> {
  const size = checkPageSize(first);
  let start = 0;
  if (after !== undefined && after !== null) {
    const key = decodeCursor(after);
    if (key.length !== (sorted[0] ? sortKey(sorted[0]).length : key.length)) {
      throw notACursor(after);
    }
    start = sorted.findIndex((item) => compareKeys(sortKey(item), key) > 0);
    if (start < 0) start = sorted.length;
  }
  const slice = sorted.slice(start, start + size);
  const items = slice.map((node) => ({ node, cursor: encodeCursor(sortKey(node)) }));
  return {
    items,
    totalCount: sorted.length,
    pageInfo: Object.assign(new PageInfo(), {
      hasNextPage: start + size < sorted.length,
      hasPreviousPage: start > 0,
      startCursor: items[0]?.cursor,
      endCursor: items.at(-1)?.cursor,
    }),
  };
}
