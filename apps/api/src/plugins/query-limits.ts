import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { depthLimit } from './depth-limit.js';

/**
 * What one GraphQL document may ask for (config `limits`). Each is checked before anything runs, on HTTP and
 * WebSocket alike; a document over a limit is refused with the limit's own `extensions.code`.
 */
export interface QueryLimits {
  /** Field nesting (QUERY_TOO_DEEP). */
  maxDepth: number;
  /** Aliased fields, counted through fragments (TOO_MANY_ALIASES). */
  maxAliases: number;
  /** Directives, counted through fragments (TOO_MANY_DIRECTIVES). */
  maxDirectives: number;
  /** Lexical tokens; the parser stops at the first one past it (TOO_MANY_TOKENS). */
  maxTokens: number;
  /** Estimated cost (QUERY_TOO_COMPLEX), see {@link COST_MODEL}. */
  maxCost: number;
}

/** The defaults of the `limits` config keys (kept equal to the config schema's). */
export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxDirectives: 50, maxTokens: 5000, maxCost: 50_000 };

/**
 * graphql-armor's cost model: a leaf field costs 1, a field with a selection 2 plus 1.5 times its children, and a
 * field with a literal `first`/`last` argument that many times over (a page of N images may cost N engine calls).
 * Fragments cost what they contain, once per spread (a fragment spread twice costs twice).
 */
export const COST_MODEL = { scalarCost: 1, objectCost: 2, depthCostFactor: 1.5, flattenFragments: true, ignoreIntrospection: true } as const;

/** The `extensions.code` of each refusal. */
export const QUERY_LIMIT_CODES = ['QUERY_TOO_DEEP', 'QUERY_TOO_COMPLEX', 'TOO_MANY_ALIASES', 'TOO_MANY_DIRECTIVES', 'TOO_MANY_TOKENS'] as const;

/** The number armor's message reports (`... limit of 30 exceeded, found 10000.`). */
function found(error: GraphQLError): string {
  return /found (\S+?)\.?$/.exec(error.message)?.[1] ?? 'more';
}

/**
 * graphql-armor throws its refusal out of `validate` by default (with a "Syntax Error:" message and no code);
 * here each refusal is reported as a validation error of its own, with our code and message.
 */
function refusal(code: string, message: (found: string) => string) {
  return {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(new GraphQLError(message(found(error)), { extensions: { code } }))],
  };
}

/** The validation rules for `limits` (to run with graphql's specifiedRules). Each one is linear in the document. */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [
    depthLimit(limits.maxDepth),
    maxAliasesRule({
      n: limits.maxAliases,
      ...refusal('TOO_MANY_ALIASES', (n) => `the operation has ${n} aliased fields; the limit is ${limits.maxAliases} (limits.maxAliases)`),
    }) as ValidationRule,
    maxDirectivesRule({
      n: limits.maxDirectives,
      ...refusal('TOO_MANY_DIRECTIVES', (n) => `the operation has ${n} directives; the limit is ${limits.maxDirectives} (limits.maxDirectives)`),
    }) as ValidationRule,
    costLimitRule({
      maxCost: limits.maxCost,
      ...COST_MODEL,
      ...refusal('QUERY_TOO_COMPLEX', (n) => `the operation's estimated cost is ${n}; the limit is ${limits.maxCost} (limits.maxCost): ask for fewer fields or smaller pages`),
    }) as ValidationRule,
  ];
}

/** graphql's own parser error for `maxTokens` ("Document contains more that N tokens", sic). */
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more th[ae][nt] (\d+) tokens/;

/** The message (and code) for a document refused by the parser's token limit; undefined for any other error. */
export function tooManyTokens(message: string): GraphQLError | undefined {
  const limit = TOO_MANY_TOKENS.exec(message)?.[1];
  if (limit === undefined) return undefined;
  return new GraphQLError(`the document has more than ${limit} tokens (limits.maxTokens); it was not parsed`, { extensions: { code: 'TOO_MANY_TOKENS' } });
}

/**
 * graphql's own field-merging check (OverlappingFieldsCanBeMerged) gives up on a document that would take it too
 * long (many same-named fields) with a bare "Validation aborted."; it gets the cost limit's code and a message.
 */
export function validationAborted(message: string): GraphQLError | undefined {
  if (message !== 'Validation aborted.') return undefined;
  return new GraphQLError('the operation is too complex to validate (too many fields to merge); ask for fewer fields at once', { extensions: { code: 'QUERY_TOO_COMPLEX' } });
}

/**
 * Parses (stopping at the first token past `maxTokens`, so a huge document is never parsed whole) and validates
 * one document against the schema and the limits: what Apollo does for HTTP, for graphql-ws's `onSubscribe`.
 */
export function parseAndValidate(schema: GraphQLSchema, query: string, limits: QueryLimits): { document: DocumentNode } | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.maxTokens });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { errors: [tooManyTokens(error.message) ?? new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] };
  }
  const errors = validate(schema, document, [...specifiedRules, ...queryLimitRules(limits)]);
  return errors.length ? { errors: errors.map((error) => validationAborted(error.message) ?? error) } : { document };
}

/**
 * graphql-ws's `onSubscribe` answer for one `subscribe` message: the execution arguments of a document that is
 * within the limits, or the errors that refuse it (sent as the subscription's `error` message, the socket stays).
 */
export function operationArgs(
  schema: GraphQLSchema,
  payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  limits: QueryLimits,
): ExecutionArgs | GraphQLError[] {
  const checked = parseAndValidate(schema, payload.query, limits);
  if ('errors' in checked) return checked.errors;
  return { schema, document: checked.document, operationName: payload.operationName, variableValues: payload.variables };
}
