import type { Readable } from 'node:stream';
import { JsonLinesDecoder, messageError, type EngineMessage } from '../archives/progress-lines.js';
import { StallWatchdog } from '../archives/stall-watchdog.js';
import type { DockerHostClient, EngineRequest } from '../docker/docker-host-client.js';
import { HangarError } from '../errors/hangar-error.js';
import { classifyEngineFailure, OperationError } from './operation-error.js';

export interface StreamRunOptions {
  signal?: AbortSignal | undefined;
  /** No byte from the engine for this long fails the operation (a slow but living stream never does). */
  stallTimeoutMs: number;
  /** Called for every message, in order. */
  onMessage: (message: EngineMessage) => void;
  /** What is running, for errors: `pull`, `push`, `build`. */
  what: string;
}

/**
 * Sends a request whose answer is a JSON progress stream and reads it to the end, message by message. An
 * `errorDetail` anywhere in the (HTTP 200) stream is a failure; so is a stall, an abort, or a cut stream.
 */
export async function runProgressStream(
  client: DockerHostClient,
  request: EngineRequest & { bodyStream?: Readable; headers?: Record<string, string> },
  options: StreamRunOptions,
): Promise<void> {
  const watchdog = new StallWatchdog({ stallTimeoutMs: options.stallTimeoutMs, host: client.name, what: options.what });
  const signal = options.signal ? AbortSignal.any([options.signal, watchdog.signal]) : watchdog.signal;
  let failure: OperationError | undefined;
  try {
    watchdog.waitingOnEngine(true);
    let stream: Readable;
    try {
      stream = await client.stream({ ...request, signal, timeoutMs: request.timeoutMs ?? 30_000 });
    } catch (error) {
      // The engine can refuse before the stream starts (HTTP 500 "no basic auth credentials", 404 "manifest
      // unknown"): that message is classified like one inside the stream, so a denied credential is permanent.
      if (error instanceof HangarError && error.code === 'ENGINE_ERROR' && !signal.aborted) throw classifyEngineFailure(error.message, client.name);
      throw error;
    }
    watchdog.waitingOnEngine(false);
    const decoder = new JsonLinesDecoder();
    const handle = (lines: ReturnType<JsonLinesDecoder['push']>) => {
      for (const line of lines) {
        if (line.kind !== 'message') continue;
        const error = messageError(line.message);
        if (error !== undefined) failure ??= classifyEngineFailure(error, client.name);
        else options.onMessage(line.message);
      }
    };
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        watchdog.touch();
        handle(decoder.push(chunk));
      }
    } catch (error) {
      if (watchdog.error) throw watchdog.error;
      if (options.signal?.aborted) throw new HangarError('ABORTED', `${options.what} on ${client.name} was cancelled`, { host: client.name, cause: error });
      throw new OperationError('HOST_UNREACHABLE', `${options.what} on ${client.name}: the engine's stream broke off (${(error as Error).message})`, false, { host: client.name, cause: error });
    }
    handle(decoder.end());
  } catch (error) {
    if (watchdog.error) throw new OperationError('HOST_TIMEOUT', watchdog.error.message, false, { host: client.name, cause: error });
    if (options.signal?.aborted && !(error instanceof OperationError)) {
      throw new HangarError('ABORTED', `${options.what} on ${client.name} was cancelled`, { host: client.name, cause: error });
    }
    throw error;
  } finally {
    watchdog.stop();
  }
  if (failure) throw failure;
}
