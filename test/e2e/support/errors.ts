import { HangarError } from '@hangar/sdk';
import { expect } from 'vitest';

/** The SDK's HangarError a call rejected with; the test fails if it resolved, or rejected with something else. */
export async function sdkFailure(call: Promise<unknown>): Promise<HangarError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HangarError);
  return error as HangarError;
}
