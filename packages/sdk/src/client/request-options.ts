/** Per-call options of every SDK method (the generic SDK's `options` argument). */
export interface RequestOptions {
  /** Cancels the request; the promise rejects with a HangarError ABORTED. */
  signal?: AbortSignal | undefined;
  /** Extra headers for this call. */
  headers?: Record<string, string> | undefined;
  /** Throw a HangarUserError when a mutation answers with `userErrors` (overrides the client's setting). */
  throwOnUserErrors?: boolean | undefined;
}
