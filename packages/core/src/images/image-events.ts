import { JsonLinesDecoder } from '../archives/progress-lines.js';
import type { DockerHostClient } from '../docker/docker-host-client.js';

/** One image event from an engine (`docker events --filter type=image`). */
export interface ImageEvent {
  host: string;
  /** pull, push, tag, untag, delete, import, load, save, prune. */
  action: string;
  /** The image ID or reference the engine names. */
  id: string;
  /** The image's name, when the engine gives one. */
  ref: string | undefined;
  time: Date;
}

interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  id?: string;
  timeNano?: number;
  time?: number;
}

/**
 * Follows an engine's image events until the signal aborts. The stream is long and mostly quiet, so no idle
 * timeout applies; the caller's signal ends it. `onOpen` is called once the engine has answered (the stream is
 * open); the iteration ends when the engine closes the stream and throws when it fails.
 */
export async function* watchImageEvents(client: DockerHostClient, signal: AbortSignal, { onOpen }: { onOpen?: () => void } = {}): AsyncGenerator<ImageEvent> {
  const stream = await client.stream({ path: '/events', query: { filters: JSON.stringify({ type: ['image'] }) }, signal });
  onOpen?.();
  const decoder = new JsonLinesDecoder();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (const line of decoder.push(chunk)) {
        if (line.kind !== 'message') continue;
        const raw = line.message as unknown as RawEvent;
        if (raw.Type !== 'image' || !raw.Action) continue;
        yield {
          host: client.name,
          action: raw.Action,
          id: raw.Actor?.ID ?? raw.id ?? '',
          ref: raw.Actor?.Attributes?.name,
          time: raw.timeNano ? new Date(Math.floor(raw.timeNano / 1e6)) : new Date((raw.time ?? 0) * 1000),
        };
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    stream.destroy();
  }
}
