import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { depthLimit } from './depth-limit.js';

const schema = buildSchema(`
  type Node { name: String, child: Node }
  type Query { root: Node }
`);

const nested = (levels: number) => `{ root ${'{ child '.repeat(levels - 2)}{ name }${' }'.repeat(levels - 2)} }`;

describe('depthLimit', () => {
  it('lets an operation at the limit through and refuses one past it, with QUERY_TOO_DEEP', () => {
    expect(validate(schema, parse(nested(4)), [...specifiedRules, depthLimit(4)])).toEqual([]);
    const errors = validate(schema, parse(nested(5)), [...specifiedRules, depthLimit(4)]);
    expect(errors.map((error) => [error.message, error.extensions.code])).toEqual([['the operation nests fields 5 deep; the limit is 4', 'QUERY_TOO_DEEP']]);
  });

  it('counts fields inside fragments and inline fragments, and survives fragment cycles', () => {
    const viaFragments = `query { root { ...A } } fragment A on Node { child { ... on Node { child { ...B } } } } fragment B on Node { child { name } }`;
    expect(validate(schema, parse(viaFragments), [depthLimit(4)]).map((error) => error.extensions.code)).toEqual(['QUERY_TOO_DEEP']);
    expect(validate(schema, parse(viaFragments), [depthLimit(5)])).toEqual([]);
    const cyclic = `query { root { ...A } } fragment A on Node { child { ...A } }`;
    expect(() => validate(schema, parse(cyclic), [depthLimit(4)])).not.toThrow();
  });

  it('does not count introspection', () => {
    const introspection = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }`;
    expect(validate(schema, parse(introspection), [depthLimit(2)])).toEqual([]);
  });
});
