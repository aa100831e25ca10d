import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';

/** How deep a query may nest fields. The SDK's deepest operation is 6; introspection (`__` fields) is not counted. */
export const MAX_QUERY_DEPTH = 12;

/** The deepest field nesting of a selection set, following fragments (each once per path). */
export function selectionDepth(set: SelectionSetNode | undefined, fragments: ReadonlyMap<string, FragmentDefinitionNode>, depth = 0, seen: ReadonlySet<string> = new Set()): number {
  if (!set) return depth;
  let deepest = depth;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, depth + 1, seen));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, depth, seen));
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && !seen.has(fragment.name.value)) deepest = Math.max(deepest, selectionDepth(fragment.selectionSet, fragments, depth, new Set([...seen, fragment.name.value])));
    }
  }
  return deepest;
}

/**
 * A validation rule: an operation nesting fields deeper than `max` is refused before it runs, with
 * `extensions.code` QUERY_TOO_DEEP (a deep query can fan out into many engine calls).
 */
export function depthLimit(max: number = MAX_QUERY_DEPTH) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map(
      context
        .getDocument()
        .definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
        .map((definition) => [definition.name.value, definition]),
    );
    return {
      OperationDefinition(node) {
        const depth = selectionDepth(node.selectionSet, fragments);
        if (depth > max) {
          context.reportError(new GraphQLError(`the operation nests fields ${depth} deep; the limit is ${max}`, { nodes: [node], extensions: { code: 'QUERY_TOO_DEEP' } }));
        }
      },
    };
  };
}
