import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

function toBytes(value: unknown): number {
  const number = typeof value === 'bigint' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
    throw new GraphQLError(`Bytes must be a non-negative integer up to 2^53, got ${String(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return number;
}

/** A byte count: a non-negative integer up to 2^53 (JSON numbers are exact that far). */
export const BytesScalar = new GraphQLScalarType({
  name: 'Bytes',
  description: 'A number of bytes: a non-negative integer up to 2^53.',
  serialize: toBytes,
  parseValue: toBytes,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw new GraphQLError('Bytes must be an integer literal', { extensions: { code: 'BAD_USER_INPUT' } });
    return toBytes(Number(ast.value));
  },
});

/** ISO 8601 date-time with offset, e.g. 2026-11-27T20:51:01.083Z. */
export const DateTimeScalar = DateTimeResolver;
