import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';

/** How deep a query may nest fields by default (`limits.maxDepth`). The SDK's deepest operation is 6; introspection is not counted. */
export const MAX_QUERY_DEPTH = 12;

/**
 * A validation rule: an operation nesting fields deeper than `max` is refused before it runs, with
 * `extensions.code` QUERY_TOO_DEEP (a deep query can fan out into many engine calls).
 *
 * graphql-armor's max-depth counts each fragment once per document (memoised), so fragments that spread the
 * next one twice, level after level, cost linear time, not exponential. Fragment spreads and inline fragments
 * add no depth of their own; `__schema` (introspection) is not counted.
 */
export function depthLimit(max: number = MAX_QUERY_DEPTH): ValidationRule {
  return maxDepthRule({
    n: max,
    flattenFragments: true,
    ignoreIntrospection: true,
    // armor throws its refusal out of `validate` (message "Syntax Error: ...", no code) unless told otherwise.
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const depth = /found (\d+)\.?$/.exec(error.message)?.[1] ?? `more than ${max}`;
        context?.reportError(new GraphQLError(`the operation nests fields ${depth} deep; the limit is ${max}`, { extensions: { code: 'QUERY_TOO_DEEP' } }));
      },
    ],
  }) as ValidationRule;
}
