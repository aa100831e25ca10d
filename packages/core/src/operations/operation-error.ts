import { HangarError, type HangarErrorCode } from '../errors/hangar-error.js';

/**
 * A long operation that failed. `permanent` says that trying again cannot help (bad reference, unknown manifest,
 * denied credentials, a failing build step); the job layer turns it into "do not retry".
 */
export class OperationError extends HangarError {
  constructor(
    code: HangarErrorCode,
    message: string,
    readonly permanent: boolean,
    options: { host?: string; cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

const PERMANENT: [RegExp, HangarErrorCode][] = [
  // A registry's refusal. Not every "denied": a build step's "permission denied" is the build's own failure.
  [/\bunauthorized\b|authentication required|\bdenied:|access (to the resource )?is denied|access denied for|no basic auth credentials|incorrect username or password/i, 'REGISTRY_AUTH_FAILED'],
  [/manifest unknown|not found|does not exist|no such image|repository .* not found/i, 'NOT_FOUND'],
  [/invalid reference format|invalid tag|invalid argument|unsupported|no matching manifest/i, 'BAD_REQUEST'],
];

/** Classifies a failure message from an engine's stream: permanent (with a code) or worth retrying. */
export function classifyEngineFailure(message: string, host: string): OperationError {
  for (const [pattern, code] of PERMANENT) if (pattern.test(message)) return new OperationError(code, message, true, { host });
  return new OperationError('ENGINE_ERROR', message, false, { host });
}
