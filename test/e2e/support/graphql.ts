/** A bare GraphQL-over-HTTP client for end-to-end tests (the typed SDK replaces it where it covers an operation). */
export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; host?: string } }[];
  extensions?: { engineCalls?: number };
}

export async function graphql<T = Record<string, unknown>>(
  url: string,
  token: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

/** The data of a query that must succeed; throws with the errors otherwise. */
export async function query<T = Record<string, unknown>>(url: string, token: string, text: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await graphql<T>(url, token, text, variables);
  if (result.errors?.length || !result.data) throw new Error(`GraphQL failed (${result.status}): ${JSON.stringify(result.errors)}`);
  return result.data;
}
