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

  it.each([24, 40, 100])('measures fragments that spread the next one twice, %i levels, each fragment once (it used to take 2^levels steps)', (levels) => {
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Node { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const bomb = (leaf: string) => `query { root { ...F0 } }\n${fragments}\nfragment F${levels} on Node { ${leaf} }`;
    expect(validate(schema, parse(bomb('child { name }')), [depthLimit(3)])).toEqual([]);
    expect(validate(schema, parse(bomb('child { child { name } }')), [depthLimit(3)]).map((error) => [error.message, error.extensions.code])).toEqual([
      ['the operation nests fields 4 deep; the limit is 3', 'QUERY_TOO_DEEP'],
    ]);
  });
});
