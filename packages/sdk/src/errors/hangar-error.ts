/** Codes the server puts in `extensions.code` (see README "API"), and GraphQL's own validation codes. */
export const SERVER_ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'HOST_NOT_FOUND',
  'HOST_UNREACHABLE',
  'HOST_TIMEOUT',
  'TLS_ERROR',
  'ENGINE_UNSUPPORTED',
  'ENGINE_ERROR',
  'NOT_FOUND',
  'AMBIGUOUS_REFERENCE',
  'CONFLICT',
  'REGISTRY_UNREACHABLE',
  'REGISTRY_AUTH_FAILED',
  'REGISTRY_ERROR',
  'PAYLOAD_TOO_LARGE',
  'EGRESS_DENIED',
  'ENGINE_CALL_BUDGET_EXCEEDED',
  /** Query limits (config `limits`): the document was refused before it ran. */
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COMPLEX',
  'TOO_MANY_ALIASES',
  'TOO_MANY_DIRECTIVES',
  'TOO_MANY_TOKENS',
  'INTERNAL',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
] as const;

/** Codes the client gives failures that never produced a server answer with a code. */
export const CLIENT_ERROR_CODES = [
  /** Hangar could not be reached (refused, DNS, TLS, connection reset). */
  'NETWORK_ERROR',
  /** The caller's AbortSignal fired. */
  'ABORTED',
  /** The server answered something that is not a GraphQL response (a proxy's HTML page, truncated JSON). */
  'INVALID_RESPONSE',
  /** An HTTP status without a coded body: 429. */
  'RATE_LIMITED',
  /** An HTTP status without a coded body: 502, 503, 504. */
  'UNAVAILABLE',
] as const;

export type KnownErrorCode = (typeof SERVER_ERROR_CODES)[number] | (typeof CLIENT_ERROR_CODES)[number];
/** A known code, or any other code a newer server sends. */
export type HangarErrorCode = KnownErrorCode | (string & {});

/** One entry of a GraphQL response's `errors`. */
export interface GraphQLErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  locations?: readonly { line: number; column: number }[];
  extensions?: { code?: string; host?: string; [key: string]: unknown };
}

export interface HangarErrorOptions {
  /** HTTP status of the answer, when there was one. */
  status?: number | undefined;
  /** Every GraphQL error of the answer (the first one gives `code` and `message`). */
  errors?: readonly GraphQLErrorEntry[] | undefined;
  /** The host the error concerns (`extensions.host`). */
  host?: string | undefined;
  /** Partial data that came with the errors. */
  data?: unknown;
  cause?: unknown;
}

/**
 * A request to Hangar failed: the code is the server's `extensions.code`, or a client code (NETWORK_ERROR,
 * ABORTED, INVALID_RESPONSE) or the one an HTTP status stands for (401 -> UNAUTHENTICATED).
 */
export class HangarError extends Error {
  readonly code: HangarErrorCode;
  readonly status: number | undefined;
  readonly errors: readonly GraphQLErrorEntry[];
  readonly host: string | undefined;
  readonly data: unknown;

  constructor(code: HangarErrorCode, message: string, options: HangarErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = this.constructor.name;
    this.code = code;
    this.status = options.status;
    this.errors = options.errors ?? [];
    this.host = options.host;
    this.data = options.data;
  }

  /** The error of a GraphQL answer: code, message and host of its first error, every error kept. */
  static fromGraphQLErrors(errors: readonly GraphQLErrorEntry[], options: Omit<HangarErrorOptions, 'errors' | 'host'> = {}): HangarError {
    const first = errors[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : codeForStatus(options.status ?? 200) ?? 'INTERNAL';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
    const host = typeof first?.extensions?.host === 'string' ? first.extensions.host : undefined;
    return new HangarError(code, `${first?.message ?? 'unknown error'}${more}`, { ...options, errors, host });
  }
}

/** The code an HTTP status stands for when the body does not say; undefined for success. */
export function codeForStatus(status: number): HangarErrorCode | undefined {
  if (status >= 200 && status < 300) return undefined;
  switch (status) {
    case 400:
    case 422:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 429:
      return 'RATE_LIMITED';
    case 502:
    case 503:
    case 504:
      return 'UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}

export function isHangarError(error: unknown): error is HangarError {
  return error instanceof HangarError;
}
