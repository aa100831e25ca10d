import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { HangarError, redactText } from '@hangar/core';
import { tooManyTokens, validationAborted } from '../plugins/query-limits.js';

/**
 * Every GraphQL error leaves with an `extensions.code`: HangarErrors keep theirs, Apollo's own (validation,
 * bad input) keep theirs, and anything unexpected becomes INTERNAL with its details logged, never sent.
 */
export function makeFormatError(log: (line: string) => void) {
  const format = formatOne(log);
  // Whatever a message quotes (a URL from an engine or a registry, a value the client sent) leaves without user
  // info, query values or Authorization values: the last line of defence behind the redaction at each source.
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const out = format(formatted, error);
    return { ...out, message: redactText(out.message) };
  };
}

function formatOne(log: (line: string) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof HangarError) {
      return {
        message: original.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: original.code, ...(original.host ? { host: original.host } : {}) },
      };
    }
    // A document past limits.maxTokens is a parse failure to Apollo (graphql's parser stops there): it gets its own code.
    const tokens = formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' ? tooManyTokens(formatted.message) : undefined;
    if (tokens) return { message: tokens.message, extensions: { code: 'TOO_MANY_TOKENS' } };
    const aborted = formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' ? validationAborted(formatted.message) : undefined;
    if (aborted) return { message: aborted.message, extensions: { code: 'QUERY_TOO_COMPLEX' } };
    // Apollo gives every validation error GRAPHQL_VALIDATION_FAILED; a rule of ours that names its own code
    // (QUERY_TOO_DEEP, QUERY_TOO_COMPLEX, TOO_MANY_ALIASES, TOO_MANY_DIRECTIVES) keeps it.
    // (Duck-typed: graphql may be loaded twice, as ESM and CommonJS, so instanceof cannot be trusted here.)
    const ruleCode = (error as { originalError?: { extensions?: { code?: unknown } } } | undefined)?.originalError?.extensions?.code;
    if (formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && typeof ruleCode === 'string' && ruleCode !== 'GRAPHQL_VALIDATION_FAILED') {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions: { ...extensions, code: ruleCode } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    log(`internal error: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`);
    return {
      message: 'internal error; the server log has the details',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL' },
    };
  };
}
