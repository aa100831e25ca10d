/** A Relay-style page as the operations select it. */
export interface Page<TNode> {
  nodes: readonly TNode[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null | undefined };
}

/**
 * Every node of a paginated list, fetching page after page: `await allNodes((after) => fetchPage(after))`.
 * Stops at the last page, or after `maxPages` (a server that keeps saying "more" cannot loop us forever).
 */
export async function allNodes<TNode>(fetchPage: (after: string | undefined) => Promise<Page<TNode>>, { maxPages = 10_000 }: { maxPages?: number } = {}): Promise<TNode[]> {
  const nodes: TNode[] = [];
  let after: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const { nodes: pageNodes, pageInfo } = await fetchPage(after);
    nodes.push(...pageNodes);
    if (!pageInfo.hasNextPage || !pageInfo.endCursor || pageInfo.endCursor === after) return nodes;
    after = pageInfo.endCursor;
  }
  return nodes;
}
