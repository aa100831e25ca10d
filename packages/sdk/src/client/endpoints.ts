/** Hangar's base URL (no trailing slash, no `/graphql`), from what a user may write: `http://h:4000/`, `http://h:4000/graphql`. */
export function baseUrlOf(url: string): string {
  let base = url.trim().replace(/\/+$/, '');
  if (base.endsWith('/graphql')) base = base.slice(0, -'/graphql'.length);
  if (!/^https?:\/\//i.test(base)) throw new TypeError(`Hangar URL must start with http:// or https://, got ${JSON.stringify(url)}`);
  return base;
}

/** The GraphQL endpoint over HTTP. */
export function graphqlHttpUrl(base: string): string {
  return `${base}/graphql`;
}

/** The same endpoint for subscriptions (graphql-ws): http -> ws, https -> wss. */
export function graphqlWebSocketUrl(base: string): string {
  return `${base.replace(/^http/i, 'ws')}/graphql`;
}
