import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '@hangar/core';
import { getIntrospectionQuery, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildHangarSchema } from '../schema/build-schema.js';
import { makeFormatError } from '../schema/format-error.js';
import { DEFAULT_QUERY_LIMITS, operationArgs, parseAndValidate, queryLimitRules, tooManyTokens, type QueryLimits } from './query-limits.js';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildHangarSchema();
});

const limits = (overrides: Partial<QueryLimits> = {}): QueryLimits => ({ ...DEFAULT_QUERY_LIMITS, ...overrides });
const codes = (query: string, l = limits()) => {
  const result = parseAndValidate(schema, query, l);
  return 'errors' in result ? result.errors.map((error) => error.extensions.code) : [];
};
const refusal = (query: string, code: string, l = limits()) => {
  const result = parseAndValidate(schema, query, l);
  return 'errors' in result ? result.errors.find((error) => error.extensions.code === code)?.message : undefined;
};

/** `fragment F0 on Query { ...F1 ...F1 }` ... `levels` deep: 2^levels fields once expanded, about 40 bytes a level. */
function fragmentBomb(levels: number, leaf = 'hosts { name }'): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `query Bomb { ...F0 }\n${fragments.join('\n')}\nfragment F${levels} on Query { ${leaf} }`;
}

/** Every SDK operation, with the shared fragments it may spread. */
function sdkOperations(): [string, string][] {
  const dir = join(import.meta.dirname, '../../../../packages/sdk/src/operations');
  const files = readdirSync(dir).filter((file) => file.endsWith('.graphql'));
  const fragments = files.filter((file) => file.startsWith('fragments')).map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
  return files.filter((file) => !file.startsWith('fragments')).map((file) => [file, `${readFileSync(join(dir, file), 'utf8')}\n${fragments}`]);
}

describe('query limits', () => {
  it.each([24, 40, 100])('answers a fragment bomb of %i levels at once: refused as QUERY_TOO_COMPLEX, not expanded', (levels) => {
    const bomb = fragmentBomb(levels);
    expect(bomb.length).toBeLessThan(50 * (levels + 2));
    expect(codes(bomb)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(refusal(bomb, 'QUERY_TOO_COMPLEX')).toMatch(/^the operation's estimated cost is \S+; the limit is 50000 \(limits\.maxCost\)/);
    // Each rule alone is linear too: with every other limit out of the way, the aliases and directives the
    // expanded document would have are counted (2^levels of them), and refused.
    const aliased = fragmentBomb(levels, 'a: hosts { name @include(if: true) }');
    const unbounded = limits({ maxCost: Number.MAX_VALUE, maxTokens: 1_000_000 });
    expect(codes(aliased, unbounded).sort()).toEqual(['TOO_MANY_ALIASES', 'TOO_MANY_DIRECTIVES']);
  });

  it('does not count a fragment bomb as deep: spreads add no depth, and each fragment is measured once', () => {
    const bomb = parse(fragmentBomb(100, 'hosts { images { nodes { details { config { labels { key } } } } } }'));
    expect(validate(schema, bomb, queryLimitRules(limits({ maxDepth: 7, maxCost: Number.MAX_VALUE })))).toEqual([]);
    const errors = validate(schema, bomb, queryLimitRules(limits({ maxDepth: 6, maxCost: Number.MAX_VALUE })));
    expect(errors.map((error) => [error.message, error.extensions.code])).toEqual([['the operation nests fields 7 deep; the limit is 6', 'QUERY_TOO_DEEP']]);
  });

  it('refuses 10,000 aliased fields before parsing them (token limit), and 300 within the token limit by the alias limit', () => {
    const query = `{ ${Array.from({ length: 10_000 }, (_, i) => `i${i}: images(filter: { reference: ["r${i}*"] }) { totalCount }`).join(' ')} }`;
    expect(codes(query)).toEqual(['TOO_MANY_TOKENS']);
    expect(refusal(query, 'TOO_MANY_TOKENS')).toBe('the document has more than 5000 tokens (limits.maxTokens); it was not parsed');
    const within = `{ ${Array.from({ length: 300 }, (_, i) => `h${i}: host(name: "h${i}") { name }`).join(' ')} }`;
    expect(codes(within)).toEqual(['TOO_MANY_ALIASES']);
    expect(refusal(within, 'TOO_MANY_ALIASES')).toBe('the operation has 300 aliased fields; the limit is 30 (limits.maxAliases)');
  });

  it('lets exactly maxAliases aliases through and refuses one more, counting aliases inside fragments', () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `h${i}: host(name: "n-${i}") { name }`);
    expect(codes(`{ ${aliases(30).join(' ')} }`)).toEqual([]);
    expect(codes(`{ ${aliases(31).join(' ')} }`)).toEqual(['TOO_MANY_ALIASES']);
    const viaFragment = `{ ${aliases(20).join(' ')} ...More } fragment More on Query { ${aliases(11).join(' ')} }`;
    expect(codes(viaFragment)).toEqual(['TOO_MANY_ALIASES']);
    expect(codes(`{ ${aliases(3).join(' ')} }`, limits({ maxAliases: 2 }))).toEqual(['TOO_MANY_ALIASES']);
  });

  it('lets exactly maxDirectives directives through and refuses one more', () => {
    const directives = (n: number) => `{ ${'hosts { name @include(if: true) } '.repeat(n)} }`;
    expect(codes(directives(50))).toEqual([]);
    expect(codes(directives(51))).toEqual(['TOO_MANY_DIRECTIVES']);
    expect(refusal(directives(51), 'TOO_MANY_DIRECTIVES')).toBe('the operation has 51 directives; the limit is 50 (limits.maxDirectives)');
  });

  it('stops the parser at the token limit, and only there', () => {
    // { images ( filter : { reference : [ ...n strings ] } ) { totalCount } }: 16 + n tokens.
    const references = (n: number) => `{ images(filter: { reference: [${Array.from({ length: n }, (_, i) => `"r-${i}-\\u00e9ü"`).join(', ')}] }) { totalCount } }`;
    expect(codes(references(4984))).toEqual([]);
    expect(codes(references(4985))).toEqual(['TOO_MANY_TOKENS']);
    expect(codes(references(85), limits({ maxTokens: 100 }))).toEqual(['TOO_MANY_TOKENS']);
    expect(codes(references(84), limits({ maxTokens: 100 }))).toEqual([]);
    // A plain syntax error is still one, with its own code.
    expect(codes('{ hosts { name }')).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('prices pages by their literal size: a full page of images with per-image fields fits, a deeper one does not', () => {
    const page = '{ host(name: "gamma") { images(first: 1000) { nodes { imageId containers sharedSize history { id } } } diskUsage { layersSize } } }';
    expect(codes(page)).toEqual([]);
    const deeper = '{ images(first: 1000) { nodes { imageId details { config { env labels { key value } exposedPorts } rootFS { layers } } history { id createdBy size tags } layers { diffId sharedWith { imageId } } } } }';
    expect(codes(deeper)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(codes(deeper.replace('first: 1000', 'first: 10'))).toEqual([]);
  });

  it('leaves introspection (as GraphiQL and codegen send it) and every SDK operation within the defaults', () => {
    const introspection = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true });
    expect(codes(introspection)).toEqual([]);
    const operations = sdkOperations();
    expect(operations.length).toBeGreaterThan(40);
    for (const [file, text] of operations) expect(validate(schema, parse(text, { maxTokens: DEFAULT_QUERY_LIMITS.maxTokens }), queryLimitRules(limits())), file).toEqual([]);
  });

  it('gives graphql-ws the execution arguments of an accepted document and the errors of a refused one', () => {
    const accepted = operationArgs(schema, { query: 'subscription S { imageEvents { action } }', operationName: 'S', variables: { x: 1 } }, limits());
    expect(Array.isArray(accepted)).toBe(false);
    expect(accepted).toMatchObject({ schema, operationName: 'S', variableValues: { x: 1 } });
    const refused = operationArgs(schema, { query: fragmentBomb(40) }, limits());
    expect(Array.isArray(refused) && refused.map((error) => error.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    const invalid = operationArgs(schema, { query: '{ nope }' }, limits());
    expect(Array.isArray(invalid) && invalid.map((error) => error.message)).toEqual(['Cannot query field "nope" on type "Query".']);
  });

  it('keeps the defaults equal to the config schema’s', () => {
    const parsed = configSchema.parse({ hosts: [{ name: 'a', endpoint: 'unix:///var/run/docker.sock' }] });
    const { maxDepth, maxAliases, maxDirectives, maxTokens, maxCost } = parsed.limits;
    expect({ maxDepth, maxAliases, maxDirectives, maxTokens, maxCost }).toEqual(DEFAULT_QUERY_LIMITS);
    expect(parsed.limits.maxEngineCallsPerRequest).toBe(5000);
  });

  it('formats a parse failure past the token limit as TOO_MANY_TOKENS, and other syntax errors as they are', () => {
    expect(tooManyTokens('Syntax Error: Document contains more that 5000 tokens. Parsing aborted.')?.message).toBe(
      'the document has more than 5000 tokens (limits.maxTokens); it was not parsed',
    );
    expect(tooManyTokens('Syntax Error: Expected Name, found <EOF>.')).toBeUndefined();
    const logged: string[] = [];
    const format = makeFormatError((line) => logged.push(line));
    expect(format({ message: 'Syntax Error: Document contains more that 77 tokens. Parsing aborted.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, undefined)).toEqual({
      message: 'the document has more than 77 tokens (limits.maxTokens); it was not parsed',
      extensions: { code: 'TOO_MANY_TOKENS' },
    });
    expect(format({ message: 'Syntax Error: Expected Name, found <EOF>.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, undefined).extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(logged).toEqual([]);
  });

  it('gives graphql’s own "Validation aborted." (too many same-named fields to merge) the cost limit’s code', () => {
    const result = parseAndValidate(schema, `{ hosts { ${'name '.repeat(4000)}} }`, limits());
    expect('errors' in result && result.errors.map((error) => [error.message, error.extensions.code])).toEqual([
      ['the operation is too complex to validate (too many fields to merge); ask for fewer fields at once', 'QUERY_TOO_COMPLEX'],
    ]);
    const format = makeFormatError(() => {});
    expect(format({ message: 'Validation aborted.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, undefined).extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('runs with graphql’s own rules in one pass without them blowing up on the same documents', () => {
    for (const levels of [24, 40, 100]) {
      const errors = validate(schema, parse(fragmentBomb(levels)), [...specifiedRules, ...queryLimitRules(limits())]);
      expect(errors.map((error) => error.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    }
  });
});
