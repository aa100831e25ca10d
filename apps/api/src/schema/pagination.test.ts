import { describe, expect, it } from 'vitest';
import { checkStreamCursor, encodeCursor, paginate } from './pagination.js';

const items = [
  { t: -3, id: 'c' },
  { t: -2, id: 'b' },
  { t: -1, id: 'a' },
];
const key = (item: { t: number; id: string }) => [item.t, item.id];
const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('paginate', () => {
  it('continues after a cursor it gave out', () => {
    const first = paginate(items, key, { first: 1 });
    expect(paginate(items, key, { first: 2, after: first.pageInfo.endCursor }).items.map((i) => i.node.id)).toEqual(['b', 'a']);
    expect(encodeCursor([-3, 'c'])).toBe(first.pageInfo.endCursor);
  });

  it.each([
    ['garbage', 'garbage!!'],
    ['an object', b64('{}')],
    ['null parts', b64('[null,"x"]')],
    // JSON.parse reads 1e999 as Infinity, which no list gives out: it used to be taken as a position past the end.
    ['an infinite number', b64('[1e999,"x"]')],
    ['a key of another length', b64('[1]')],
  ])('refuses %s with BAD_REQUEST', (_what, cursor) => {
    expect(() => paginate(items, key, { after: cursor })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  // With no items there is no key to compare a cursor's arity with: an empty or 10,000-part array was taken.
  it.each([
    ['an empty array', b64('[]')],
    ['10,000 parts', b64(JSON.stringify(Array.from({ length: 10_000 }, (_, i) => i)))],
  ])('refuses %s even on an empty list', (_what, cursor) => {
    expect(() => paginate([], key, { after: cursor })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  it('quotes only the start of a huge cursor', () => {
    const error = (() => {
      try {
        paginate(items, key, { after: 'A'.repeat(900_000) });
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    })();
    expect(error.message.length).toBeLessThan(200);
  });
});

describe('checkStreamCursor', () => {
  it('takes stream entry IDs and nothing', () => {
    expect(checkStreamCursor('1733150000000-0')).toBe('1733150000000-0');
    expect(checkStreamCursor(`${2n ** 64n - 1n}-${2n ** 64n - 1n}`)).toBe(`${2n ** 64n - 1n}-${2n ** 64n - 1n}`);
    expect(checkStreamCursor(undefined)).toBeUndefined();
    expect(checkStreamCursor(null)).toBeUndefined();
  });

  // These passed /^\d+-\d+$/ and reached Redis, whose "Invalid stream ID" became an INTERNAL error.
  it.each(['99999999999999999999-1', '1-99999999999999999999', `${2n ** 64n}-0`, '-1-0', '1', 'x-1', '1-2-3', ''])('refuses %j with BAD_REQUEST', (cursor) => {
    expect(() => checkStreamCursor(cursor)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});
