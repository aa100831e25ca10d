/**
 * Every failure Hangar knows how to name. The API turns these into `extensions.code` (unexpected failures)
 * or `userErrors[].code` (expected ones), so the strings are part of the public contract.
 */
export const HANGAR_ERROR_CODES = [
  'BAD_REQUEST',
  'CONFIG_ERROR',
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
  'ABORTED',
  'FORBIDDEN',
  /** One request asked for more engine calls than `limits.maxEngineCallsPerRequest`; the rest were not made. */
  'ENGINE_CALL_BUDGET_EXCEEDED',
  /** A URL leads somewhere the egress policy refuses (`egress` in hangar.yaml). */
  'EGRESS_DENIED',
  'INTERNAL',
] as const;

export type HangarErrorCode = (typeof HANGAR_ERROR_CODES)[number];

export interface HangarErrorOptions {
  cause?: unknown;
  /** The host the failure happened on, when there is one. */
  host?: string;
}

/** The one error class of the domain: a typed code, a message fit for a user, and the host it concerns. */
export class HangarError extends Error {
  readonly code: HangarErrorCode;
  readonly host: string | undefined;

  constructor(code: HangarErrorCode, message: string, options: HangarErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = this.constructor.name;
    this.code = code;
    this.host = options.host;
  }

  /** Wraps anything thrown into a HangarError, keeping HangarErrors as they are. */
  static from(error: unknown, fallback: HangarErrorCode = 'INTERNAL'): HangarError {
    if (error instanceof HangarError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new HangarError(fallback, message, { cause: error });
  }
}
