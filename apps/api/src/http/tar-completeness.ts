import { TarFramingCheck, TarFramingError } from '@hangar/core';

/**
 * Follows an uploaded tar's framing chunk by chunk, without holding it: `end()` answers why the archive is cut short
 * (an entry's header announcing more data than came, e.g. one claiming 8 GiB, or a partial header block), or
 * undefined when it is whole. A missing end-of-archive marker is accepted, as the engine's tar reader accepts it.
 */
export function tarCompleteness(): { push(chunk: Buffer): void; end(): Promise<string | undefined> } {
  const framing = new TarFramingCheck();
  let failure: Error | undefined;
  framing.on('error', (error: Error) => (failure ??= error));
  framing.resume();
  const reasonOf = (error: Error | undefined) =>
    error === undefined || (error instanceof TarFramingError && error.reason === 'no end-of-archive marker') ? undefined : error.message;
  return {
    push(chunk) {
      if (!failure && !framing.destroyed) framing.write(chunk);
    },
    end() {
      return new Promise((resolve) => {
        if (failure || framing.destroyed) return resolve(reasonOf(failure));
        framing.once('error', (error: Error) => resolve(reasonOf(error)));
        framing.once('finish', () => resolve(reasonOf(failure)));
        framing.end();
      });
    },
  };
}
