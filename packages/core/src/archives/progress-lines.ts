/**
 * The engine's progress streams (load, import, pull, push, build): newline-delimited JSON, `\r\n` after each
 * message. A failure arrives INSIDE an HTTP 200 stream as `{"errorDetail":{"message"},"error"}`. Parsed here line
 * by line, whatever the chunking (a line may be split across chunks, a chunk may hold many lines, a UTF-8
 * character may be split), and a malformed line is reported, never thrown.
 */
import { StringDecoder } from 'node:string_decoder';
import { HangarError } from '../errors/hangar-error.js';

/** One message of a progress stream, as the engine writes it (jsonmessage.JSONMessage). */
export interface EngineMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  errorDetail?: { code?: number; message?: string };
  error?: string;
  aux?: unknown;
}

export type ProgressLine = { kind: 'message'; message: EngineMessage } | { kind: 'malformed'; text: string };

/** A line longer than this is cut off and reported malformed: a misbehaving engine cannot make us buffer without end. */
export const MAX_LINE_CHARS = 1024 * 1024;

/** Splits a byte stream into JSON lines. Feed chunks with `push`, then call `end` once. */
export class JsonLinesDecoder {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private overflowing = false;
  /** Lines that were not JSON objects. */
  malformed = 0;

  push(chunk: Buffer | string): ProgressLine[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    return this.split(text, false);
  }

  end(): ProgressLine[] {
    return this.split(this.decoder.end(), true);
  }

  private split(text: string, final: boolean): ProgressLine[] {
    const out: ProgressLine[] = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      this.line(this.pending + text.slice(start, newline), out);
      this.pending = '';
      start = newline + 1;
    }
    this.pending += text.slice(start);
    if (this.pending.length > MAX_LINE_CHARS) {
      if (!this.overflowing) this.line(this.pending.slice(0, 200), out, true);
      this.overflowing = true;
      this.pending = '';
    }
    if (final && this.pending !== '') {
      this.line(this.pending, out);
      this.pending = '';
    }
    return out;
  }

  private line(raw: string, out: ProgressLine[], tooLong = false): void {
    if (this.overflowing && !tooLong) {
      // The tail of an over-long line: already reported.
      this.overflowing = false;
      return;
    }
    const text = raw.replace(/\r$/, '').trim();
    if (text === '') return;
    if (!tooLong) {
      try {
        const value: unknown = JSON.parse(text);
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          out.push({ kind: 'message', message: value as EngineMessage });
          return;
        }
      } catch {
        // reported below
      }
    }
    this.malformed++;
    out.push({ kind: 'malformed', text: text.length > 200 ? `${text.slice(0, 200)}…` : text });
  }
}

/** The failure a message reports (`errorDetail.message`, else `error`), if it reports one. */
export function messageError(message: EngineMessage): string | undefined {
  if (message.errorDetail && typeof message.errorDetail === 'object') {
    const text = message.errorDetail.message;
    if (typeof text === 'string' && text !== '') return text;
  }
  if (typeof message.error === 'string' && message.error !== '') return message.error;
  if (message.errorDetail || message.error !== undefined) return 'the engine reported an error without a message';
  return undefined;
}

/** What `docker load` reports for one image: `Loaded image: REF` or `Loaded image ID: sha256:...`. */
export function loadedImageOf(message: EngineMessage): { ref: string } | { imageId: string } | undefined {
  if (typeof message.stream !== 'string') return undefined;
  const id = /^Loaded image ID: (sha256:[0-9a-f]{64})\s*$/.exec(message.stream);
  if (id) return { imageId: id[1]! };
  const ref = /^Loaded image: (\S+)\s*$/.exec(message.stream);
  if (ref) return { ref: ref[1]! };
  return undefined;
}

/** The image ID that ends an import stream: `{"status":"sha256:..."}`. */
export function importedImageIdOf(message: EngineMessage): string | undefined {
  return typeof message.status === 'string' && /^sha256:[0-9a-f]{64}$/.test(message.status.trim()) ? message.status.trim() : undefined;
}

/** Messages that mean the archive (or the downloaded file) is at fault, not the engine. */
const ARCHIVE_FAULTS: RegExp[] = [
  /unexpected EOF/i,
  /invalid tar header/i,
  /archive\/tar/i,
  /Error processing tar file/i,
  /tar: /i,
  /gzip: invalid header|flate: corrupt input|xz: |bzip2 data invalid/i,
  /docker-import-\d+\/(?:repositories|manifest\.json)|(?:manifest\.json|repositories): no such file or directory/i,
  // A file the archive's manifest names but does not hold (config.json, a layer), anywhere in the load's temp dir.
  /docker-import-\d+\/\S*: no such file or directory/i,
  // Go's JSON decoder on a manifest that is not JSON.
  /invalid character '.{1,6}' (?:looking for|after|in )/i,
  // An entry that would land outside the extraction directory (moby's archive breakout checks).
  /is outside of|escapes from parent|invalid (?:hardlink|symlink)/i,
  /\/json: no such file or directory|layer\.tar: no such file or directory/i,
  /invalid (?:manifest|diffID|layer)|json: cannot unmarshal|unexpected end of JSON input/i,
  /invalid reference format/i,
];

/** True when an engine message blames the archive (truncated, not a tar, not an image archive). */
export function isArchiveFault(message: string): boolean {
  return ARCHIVE_FAULTS.some((re) => re.test(message));
}

/**
 * A HangarError for a failure the engine reported: BAD_REQUEST when it is about the archive (with the engine's
 * message), ENGINE_ERROR otherwise.
 */
export function engineFailure(host: string, what: string, message: string): HangarError {
  if (isArchiveFault(message)) {
    const hint = /repositories|manifest\.json/i.test(message) ? 'not an image archive (no manifest.json or repositories): ' : '';
    return new HangarError('BAD_REQUEST', `${what}: invalid archive: ${hint}${message}`, { host });
  }
  return new HangarError('ENGINE_ERROR', `${what} failed on ${host}: ${message}`, { host });
}
