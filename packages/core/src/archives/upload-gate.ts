import { Transform, type TransformCallback } from 'node:stream';
import { HangarError } from '../errors/hangar-error.js';
import { checkTarHeader, TAR_BLOCK } from './tar-header.js';

/** An upload over the configured limit (`archives.maxUploadBytes`). The HTTP layer answers 413. */
export class UploadTooLargeError extends HangarError {
  constructor(
    readonly limit: number,
    host?: string,
  ) {
    super('BAD_REQUEST', `the archive is larger than the limit of ${limit} bytes (archives.maxUploadBytes)`, { host });
  }
}

/** A body whose first block is not a tar header. `reason` says why (kept out of the message on purpose). */
export class NotATarError extends HangarError {
  constructor(
    readonly reason: string,
    host?: string,
  ) {
    super('BAD_REQUEST', 'body is not a tar archive', { host });
  }
}

export interface UploadGateOptions {
  /** Fail with UploadTooLargeError past this many bytes. */
  maxBytes?: number | undefined;
  /** Called for every chunk that comes in (the stall watchdog's touch). */
  onBytes?: (bytes: number) => void;
  host?: string;
}

/**
 * The way an uploaded archive goes to an engine: counts bytes against a limit, and holds everything back until
 * its first 512 bytes are a valid tar header, so `ready` settles before any byte needs to reach the engine: start
 * the engine request only once it resolves. Passes data on with backpressure, never buffering more than a block
 * plus one chunk.
 */
export class UploadGate extends Transform {
  /** Resolves when the first block is a tar header; rejects with NotATarError, UploadTooLargeError or the failure. */
  readonly ready: Promise<void>;
  /** Bytes received so far. */
  bytes = 0;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private checked = false;
  private settle!: { resolve: () => void; reject: (error: Error) => void };

  constructor(private readonly options: UploadGateOptions = {}) {
    super();
    this.ready = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.ready.catch(() => undefined);
    this.once('close', () => {
      if (!this.checked) this.settle.reject(this.errored ?? new HangarError('ABORTED', 'the upload ended before its first tar block', { host: options.host }));
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.options.onBytes?.(chunk.length);
    const { maxBytes } = this.options;
    if (maxBytes !== undefined && this.bytes > maxBytes) return this.fail(new UploadTooLargeError(maxBytes, this.options.host), callback);
    if (this.checked) return callback(null, chunk);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes < TAR_BLOCK) return callback();
    const head = Buffer.concat(this.held);
    this.held = [];
    const check = checkTarHeader(head.subarray(0, TAR_BLOCK));
    if (!check.ok) return this.fail(new NotATarError(check.reason, this.options.host), callback);
    this.checked = true;
    this.settle.resolve();
    callback(null, head);
  }

  override _flush(callback: TransformCallback): void {
    if (this.checked) return callback();
    this.fail(new NotATarError(this.heldBytes === 0 ? 'empty body' : `shorter than one tar block (${this.heldBytes} bytes)`, this.options.host), callback);
  }

  private fail(error: Error, callback: TransformCallback): void {
    if (!this.checked) this.settle.reject(error);
    callback(error);
  }
}
