import { HangarUserError, type UserErrorEntry } from './hangar-user-error.js';

/** Any mutation payload: its result fields and `userErrors`. */
export interface PayloadWithUserErrors {
  userErrors: readonly UserErrorEntry[];
}

/**
 * Returns the payload when it has no `userErrors`, else throws them as one HangarUserError:
 * `const { image } = throwOnUserErrors((await hangar.tagImage({ input })).tagImage);`
 */
export function throwOnUserErrors<T extends PayloadWithUserErrors>(payload: T): T {
  if (payload.userErrors.length > 0) throw new HangarUserError(payload.userErrors, payload);
  return payload;
}

function isPayload(value: unknown): value is PayloadWithUserErrors {
  return typeof value === 'object' && value !== null && Array.isArray((value as { userErrors?: unknown }).userErrors);
}

/** Throws the userErrors of every root field of a mutation's data that carries them (each mutation's payload). */
export function throwOnUserErrorsIn(data: unknown): void {
  if (typeof data !== 'object' || data === null) return;
  const found = Object.values(data).filter(isPayload).flatMap((payload) => payload.userErrors);
  if (found.length > 0) throw new HangarUserError(found, data);
}
