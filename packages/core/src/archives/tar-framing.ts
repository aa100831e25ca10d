import { Transform, type TransformCallback } from 'node:stream';
import { checkTarHeader, isZeroBlock, paxSize, TAR_BLOCK, tarDataLength } from './tar-header.js';

/** A tar stream that is not a whole archive: a bad header, a missing end-of-archive marker, trailing bytes. */
export class TarFramingError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
    /** What the engine wrote instead of tar, when it was a JSON error (`{"errorDetail":{"message":...}}`). */
    readonly engineMessage: string | undefined,
  ) {
    super(engineMessage ? `the engine failed mid-stream at byte ${offset}: ${engineMessage}` : `not a complete tar archive at byte ${offset}: ${reason}`);
    this.name = this.constructor.name;
  }
}

/** The engine's message when `bytes` start a JSON error object (possibly cut short). */
export function engineErrorIn(bytes: Uint8Array): string | undefined {
  const text = Buffer.from(bytes).toString('utf8').replace(/\0+$/, '').trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(text.split(/\r?\n/)[0]!) as { errorDetail?: { message?: unknown }; error?: unknown; message?: unknown };
    const message = parsed.errorDetail?.message ?? parsed.error ?? parsed.message;
    if (typeof message === 'string') return message;
  } catch {
    // cut short: fall back to the first "message" string
  }
  return /"(?:message|error)"\s*:\s*"((?:[^"\\]|\\.)*)(?:"|$)/.exec(text)?.[1] || undefined;
}

const MAX_PAX_BYTES = 1024 * 1024;
const TAIL_BYTES = 4096;

/**
 * Passes a tar stream through unchanged while following its framing: every header must be a valid tar header,
 * data must have the announced length, and the stream must end right after the end-of-archive marker (two zero
 * blocks). Anything else makes the stream fail instead of ending, so a consumer never mistakes a cut or an
 * engine's in-band error (docker 20.10 appends `{"errorDetail":...}` to a save that fails after its first byte)
 * for a whole archive. Header blocks are held until complete (512 bytes); data passes as it comes.
 */
export class TarFramingCheck extends Transform {
  private offset = 0;
  private header = Buffer.alloc(TAR_BLOCK);
  private headerFill = 0;
  /** Data bytes (padding included) still expected for the current entry. */
  private remaining = 0;
  private zeroBlocks = 0;
  private ended = false;
  /** PAX extended header data being collected (`x` entries), to honour its `size` record. */
  private pax: { chunks: Buffer[]; bytes: number; size: number } | undefined;
  private nextSize: number | undefined;
  /** The last bytes passed, to find an engine's error that landed inside an entry's data. */
  private tail: Buffer = Buffer.alloc(0);
  /** Entries seen (headers of files, directories, links; not PAX or GNU meta entries). */
  entries = 0;

  constructor(private readonly options: { onChunk?: (bytes: number) => void; toError?: (error: TarFramingError) => Error } = {}) {
    super();
  }

  /** Bytes passed so far. */
  get bytes(): number {
    return this.offset;
  }

  private failure(error: unknown): Error {
    return error instanceof TarFramingError && this.options.toError ? this.options.toError(error) : (error as Error);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.options.onChunk?.(chunk.length);
    let at = 0;
    try {
      while (at < chunk.length) {
        if (this.ended) {
          const rest = chunk.subarray(at);
          if (!isZeroBlock(rest)) throw new TarFramingError(this.offset + at, 'bytes after the end-of-archive marker', engineErrorIn(rest));
          this.push(rest);
          at = chunk.length;
        } else if (this.remaining > 0) {
          const take = Math.min(this.remaining, chunk.length - at);
          const data = chunk.subarray(at, at + take);
          if (this.pax) this.collectPax(data);
          this.push(data);
          this.remaining -= take;
          at += take;
          if (this.remaining === 0 && this.pax) this.finishPax();
        } else {
          const take = Math.min(TAR_BLOCK - this.headerFill, chunk.length - at);
          chunk.copy(this.header, this.headerFill, at, at + take);
          this.headerFill += take;
          at += take;
          if (this.headerFill === TAR_BLOCK) this.onHeader(this.offset + at - TAR_BLOCK);
        }
      }
      this.offset += chunk.length;
      this.keepTail(chunk);
      callback();
    } catch (error) {
      callback(this.failure(error));
    }
  }

  private onHeader(position: number): void {
    const block = this.header;
    this.headerFill = 0;
    if (isZeroBlock(block)) {
      this.zeroBlocks++;
      this.push(Buffer.from(block));
      if (this.zeroBlocks === 2) this.ended = true;
      return;
    }
    this.zeroBlocks = 0;
    const check = checkTarHeader(block, { requireMagic: false });
    if (!check.ok) throw new TarFramingError(position, check.reason, engineErrorIn(block));
    let size = check.size;
    if (this.nextSize !== undefined && !['x', 'g', 'L', 'K'].includes(check.type)) {
      size = this.nextSize;
      this.nextSize = undefined;
    }
    this.remaining = tarDataLength(check.type, size);
    if (check.type === 'x' && this.remaining > 0) this.pax = { chunks: [], bytes: 0, size };
    if (!['x', 'g', 'L', 'K'].includes(check.type)) this.entries++;
    this.push(Buffer.from(block));
  }

  private collectPax(data: Buffer): void {
    const pax = this.pax!;
    const wanted = Math.min(pax.size - pax.bytes, data.length);
    if (wanted <= 0) return;
    if (pax.bytes + wanted > MAX_PAX_BYTES) throw new TarFramingError(this.offset, 'PAX header larger than 1 MiB', undefined);
    pax.chunks.push(Buffer.from(data.subarray(0, wanted)));
    pax.bytes += wanted;
  }

  private finishPax(): void {
    this.nextSize = paxSize(Buffer.concat(this.pax!.chunks));
    this.pax = undefined;
  }

  private keepTail(chunk: Buffer): void {
    this.tail = chunk.length >= TAIL_BYTES ? Buffer.from(chunk.subarray(chunk.length - TAIL_BYTES)) : Buffer.concat([this.tail, chunk]).subarray(-TAIL_BYTES);
  }

  /** An engine error at the very end of the stream, inside an entry's data (where the failed copy stopped). */
  private trailingEngineError(): string | undefined {
    const at = this.tail.lastIndexOf('{"errorDetail"');
    return at >= 0 ? engineErrorIn(this.tail.subarray(at)) : undefined;
  }

  override _flush(callback: TransformCallback): void {
    if (this.ended) return callback();
    const partial = this.header.subarray(0, this.headerFill);
    const reason =
      this.remaining > 0
        ? `cut inside an entry (${this.remaining} bytes of data missing)`
        : this.headerFill > 0
          ? `cut inside a header block (${this.headerFill} of ${TAR_BLOCK} bytes)`
          : 'no end-of-archive marker';
    const engineMessage = (this.headerFill > 0 ? engineErrorIn(partial) : undefined) ?? this.trailingEngineError();
    callback(this.failure(new TarFramingError(this.offset - this.headerFill, reason, engineMessage)));
  }
}
