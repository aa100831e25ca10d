/**
 * Tar archives in and out of one engine, streamed both ways and never held whole: `docker save` (export),
 * `docker load` and `docker import`. Every stream is watched for stalls; every failure is a HangarError, and a
 * bad request (a missing image, a non-tar body, a bad change) is refused before any byte moves.
 */
import type { Readable } from 'node:stream';
import type { DockerHostClient } from '../docker/docker-host-client.js';
import { HangarError } from '../errors/hangar-error.js';
import { familiarString, isFullImageId, isImageIdPrefix, parseReference, ReferenceSyntaxError, trimReference, withDefaultTag } from '../reference/reference.js';
import { assertDockerfileChanges } from './dockerfile-changes.js';
import { engineFailure, importedImageIdOf, isArchiveFault, JsonLinesDecoder, loadedImageOf, messageError, type ProgressLine } from './progress-lines.js';
import { redactUrl, redactUrlIn } from './redact-url.js';
import { StallWatchdog } from './stall-watchdog.js';
import { TarFramingCheck } from './tar-framing.js';
import { UploadGate } from './upload-gate.js';
import { checkUrl, egressPolicyOf, parseTarget, type EgressPolicy, type Resolver } from '../egress/policy.js';
import { systemResolver } from '../egress/resolve.js';

/**
 * How long the engine may take to send the headers of an archive stream: no fixed bound (setTimeout's maximum).
 * docker 20.10 stages a whole save on disk before its first byte and answers a load only after registering every
 * layer; the stall watchdog (with its engine probe) bounds these waits instead.
 */
const NO_HEADER_DEADLINE_MS = 2 ** 31 - 1;

/** The default of `archives.stallTimeoutMs`. */
export const DEFAULT_STALL_TIMEOUT_MS = 120_000;

export interface StreamOptions {
  /** Cancels everything (the engine requests included). */
  signal?: AbortSignal | undefined;
  /** A stream with no byte in either direction for this long fails with HOST_TIMEOUT (default 120 s). */
  stallTimeoutMs?: number | undefined;
}

export interface UploadOptions extends StreamOptions {
  /** Uploads larger than this fail with UploadTooLargeError and the engine request is cut. */
  maxBytes?: number | undefined;
}

/** A tar stream from an engine, with what passed so far. Errors (never ends) when the archive is not whole. */
export type ExportStream = Readable & { readonly bytes: number; readonly entries: number };

export interface LoadedImage {
  /** `Loaded image: REF` */
  ref?: string;
  /** The image's ID (from `Loaded image ID:`, else inspected after the load). */
  imageId?: string;
}

export interface LoadResult {
  loaded: LoadedImage[];
  /** Bytes of the archive sent to the engine. */
  bytes: number;
}

export interface ImportInput {
  /** The root filesystem tar (plain or compressed, as the engine accepts), or a URL the engine downloads. */
  source: Readable | { url: string };
  repo?: string | undefined;
  tag?: string | undefined;
  /** Commit message (the image's history comment). */
  message?: string | undefined;
  /** Dockerfile instructions (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR). */
  changes?: readonly string[] | undefined;
}

export interface ImportResult {
  imageId: string;
  /** `repo:tag` as tagged, when a repo was given. */
  ref?: string;
  /** Bytes uploaded (0 for a URL). */
  bytes: number;
}

const combine = (...signals: (AbortSignal | undefined)[]) => AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));

/** `GET /_ping` within the probe's bound: is the engine still answering? */
function enginePing(client: DockerHostClient) {
  return async (signal: AbortSignal): Promise<boolean> => {
    await client.request({ path: '/_ping', signal });
    return true;
  };
}

/**
 * The error to report for a failed stream, most telling first: a stall, a failure of the upload (too large, not a
 * tar, the client went away), a cancellation, then what the engine call said.
 */
function rootCause(error: unknown, context: { host: string; watchdog: StallWatchdog; signal?: AbortSignal | undefined; upload?: UploadGate | undefined }): HangarError {
  if (context.watchdog.error) return context.watchdog.error;
  const uploadError = context.upload?.errored;
  if (uploadError instanceof HangarError) return uploadError;
  if (context.signal?.aborted) {
    const reason: unknown = context.signal.reason;
    return reason instanceof HangarError ? reason : new HangarError('ABORTED', `${context.host}: request cancelled`, { host: context.host });
  }
  if (uploadError) return new HangarError('ABORTED', `the upload failed: ${uploadError.message}`, { host: context.host, cause: uploadError });
  if (error instanceof HangarError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HangarError('HOST_UNREACHABLE', `${context.host}: the engine connection broke mid-stream (${message})`, { host: context.host, cause: error });
}

/** An engine call's error, re-coded BAD_REQUEST when the engine answered with a status but blamed the archive. */
function archiveAware(error: unknown, host: string, what: string): unknown {
  if (error instanceof HangarError && error.code === 'ENGINE_ERROR' && isArchiveFault(error.message)) return engineFailure(host, what, error.message);
  return error;
}

/** Checks a reference the way `docker save` takes it: name[:tag], name@digest, a full ID or an ID prefix. */
export function checkExportRef(ref: string): string {
  const trimmed = typeof ref === 'string' ? trimReference(ref) : '';
  if (trimmed === '') throw new HangarError('BAD_REQUEST', 'ref: an image reference or ID is required');
  if (isFullImageId(trimmed)) return trimmed;
  try {
    parseReference(trimmed);
    return trimmed;
  } catch (error) {
    if (!(error instanceof ReferenceSyntaxError)) throw error;
    if (isImageIdPrefix(trimmed)) return trimmed;
    throw new HangarError('BAD_REQUEST', `ref: ${error.message}`);
  }
}

/**
 * Whether `docker save REF` would find something: inspect resolves name[:tag], digests, IDs and prefixes; a bare
 * repository name (no tag) saves every tag of that repository, so it exists when any tag does.
 */
async function exportable(client: DockerHostClient, ref: string, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await client.request({ path: `/images/${encodeURIComponent(ref)}/json`, signal });
    return true;
  } catch (error) {
    if (!(error instanceof HangarError && error.code === 'NOT_FOUND')) throw error;
  }
  let parsed;
  try {
    parsed = parseReference(ref);
  } catch {
    return false;
  }
  if (parsed.tag || parsed.digest) return false;
  const tagged = await client.request<unknown[]>({ path: '/images/json', query: { filters: JSON.stringify({ reference: [ref] }) }, signal });
  return tagged.length > 0;
}

/**
 * `docker save REF...`: one tar of one or several images (`GET /images/get?names=...`). Every reference is checked
 * (syntax, then existence) before the engine is asked for the archive, so a bad or missing one is a BAD_REQUEST or
 * NOT_FOUND before any byte. The returned stream passes the engine's bytes as they come, with backpressure; it
 * fails (never ends) when the engine stops mid-way or writes an error instead of the rest of the tar.
 */
export async function exportImages(client: DockerHostClient, refs: readonly string[], options: StreamOptions): Promise<ExportStream> {
  const host = client.name;
  if (!Array.isArray(refs) || refs.length === 0) throw new HangarError('BAD_REQUEST', 'ref: at least one image reference is required');
  const names = refs.map(checkExportRef);
  const found = await Promise.all(names.map((name) => exportable(client, name, options.signal)));
  const missing = names.filter((_, i) => !found[i]);
  if (missing.length > 0) throw new HangarError('NOT_FOUND', `no such image on ${host}: ${missing.join(', ')}`, { host });

  const out = new TarFramingCheck({
    onChunk: () => watchdog.touch(),
    toError: (error) =>
      new HangarError('ENGINE_ERROR', error.engineMessage ? `image export failed on ${host} mid-stream: ${error.engineMessage}` : `image export from ${host}: ${error.message}`, {
        host,
        cause: error,
      }),
  });
  let streaming = false;
  const watchdog = new StallWatchdog({
    stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    host,
    what: 'image export',
    probe: enginePing(client),
    // Before the answer, the stall fails the engine call; after, it fails the stream (before the cut it causes).
    onStall: (error) => streaming && out.destroy(error),
  });
  const signal = combine(options.signal, watchdog.signal);
  watchdog.waitingOnEngine(true);
  let response: Readable;
  try {
    response = await client.stream({ path: '/images/get', query: { names }, signal, timeoutMs: NO_HEADER_DEADLINE_MS });
  } catch (error) {
    watchdog.stop();
    throw rootCause(error, { host, watchdog, signal: options.signal });
  }
  // From here on a quiet stream may be a client that stopped reading: only bytes count.
  streaming = true;
  watchdog.waitingOnEngine(false);
  response.on('error', (error) => out.destroy(rootCause(error, { host, watchdog, signal: options.signal })));
  response.pipe(out);
  out.once('close', () => {
    watchdog.stop();
    // The consumer went away (or the archive was bad): close the engine connection so it stops the save.
    if (!response.readableEnded) response.destroy();
  });
  return out as ExportStream;
}

/** Runs a progress stream to its end, line by line; an error anywhere in it (even in a 200 stream) is a failure. */
async function readProgress(response: Readable, watchdog: StallWatchdog, onLine: (line: ProgressLine) => void): Promise<string | undefined> {
  const decoder = new JsonLinesDecoder();
  let failure: string | undefined;
  const handle = (line: ProgressLine) => {
    if (line.kind === 'message') failure ??= messageError(line.message);
    onLine(line);
  };
  for await (const chunk of response as AsyncIterable<Buffer>) {
    watchdog.touch();
    for (const line of decoder.push(chunk)) handle(line);
    if (failure) break;
  }
  if (!failure) for (const line of decoder.end()) handle(line);
  return failure;
}

/**
 * Starts an upload through a gate (tar check, byte limit, watchdog touch). Await `gate.ready` before contacting
 * the engine: it settles once the first block is known to be a tar header, or the upload failed.
 */
function openUpload(source: Readable, options: UploadOptions, watchdog: StallWatchdog, signal: AbortSignal, host: string): UploadGate {
  const gate = new UploadGate({ maxBytes: options.maxBytes, onBytes: () => watchdog.touch(), host });
  // The source is the caller's (an HTTP request): on failure it is unpiped, not destroyed, so the caller can still
  // answer on the same connection.
  const onSourceError = (error: Error) => gate.destroy(new HangarError('ABORTED', `the upload broke off: ${error.message}`, { host, cause: error }));
  const onSourceClose = () => {
    if (!source.readableEnded) gate.destroy(new HangarError('ABORTED', 'the upload broke off before its end', { host }));
  };
  // A stall or a cancellation stops the upload too (also while waiting for its first block).
  const onAbort = () => gate.destroy(signal.reason instanceof Error ? signal.reason : new HangarError('ABORTED', `${host}: request cancelled`, { host }));
  // Failures are read from `gate.ready` and `gate.errored`; this listener keeps them from being "unhandled".
  gate.on('error', () => undefined);
  source.on('error', onSourceError);
  source.on('close', onSourceClose);
  signal.addEventListener('abort', onAbort, { once: true });
  gate.once('close', () => {
    source.off('error', onSourceError);
    source.off('close', onSourceClose);
    signal.removeEventListener('abort', onAbort);
    source.unpipe(gate);
  });
  // Once the last byte went to the engine, the engine works alone: quiet is no longer a stall while it answers.
  gate.once('end', () => watchdog.waitingOnEngine(true));
  if (signal.aborted) onAbort();
  else source.pipe(gate);
  return gate;
}

/** The engine answers at all (bounded like any short call): a down host fails fast, before an upload is read on. */
async function ping(client: DockerHostClient, signal: AbortSignal | undefined): Promise<void> {
  await client.request({ path: '/_ping', signal });
}

async function inspectId(client: DockerHostClient, ref: string, signal: AbortSignal | undefined): Promise<string | undefined> {
  try {
    return (await client.request<{ Id?: string }>({ path: `/images/${encodeURIComponent(ref)}/json`, signal })).Id;
  } catch (error) {
    if (error instanceof HangarError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * `docker load`: streams a tar made by `docker save` to the engine (`POST /images/load?quiet=1`) and returns what
 * it loaded, each with its image ID (inspected for `Loaded image: REF` lines). The body must start with a tar
 * header (NotATarError otherwise, before the engine is contacted) and stay within `maxBytes` (UploadTooLargeError,
 * and the engine request is cut so the engine loads nothing). An error anywhere in the engine's 200 stream fails
 * the call: BAD_REQUEST with the engine's message when the archive is at fault (truncated, not an image archive),
 * ENGINE_ERROR otherwise.
 */
export async function loadImages(client: DockerHostClient, tar: Readable, options: UploadOptions): Promise<LoadResult> {
  const host = client.name;
  let gate: UploadGate | undefined;
  const watchdog = new StallWatchdog({ stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS, host, what: 'image load', probe: enginePing(client) });
  const signal = combine(options.signal, watchdog.signal);
  const loaded: LoadedImage[] = [];
  try {
    gate = openUpload(tar, options, watchdog, signal, host);
    await gate.ready;
    await ping(client, signal);
    const response = await client
      .stream({ method: 'POST', path: '/images/load', query: { quiet: '1' }, bodyStream: gate, headers: { 'Content-Type': 'application/x-tar' }, signal, timeoutMs: NO_HEADER_DEADLINE_MS })
      .catch((error: unknown) => {
        throw archiveAware(error, host, 'image load');
      });
    const failure = await readProgress(response, watchdog, (line) => {
      if (line.kind !== 'message') return;
      const image = loadedImageOf(line.message);
      if (image) loaded.push(image);
    });
    if (failure) {
      const error = engineFailure(host, 'image load', failure);
      if (loaded.length > 0) error.message += ` (after loading ${loaded.map((i) => ('ref' in i ? i.ref : i.imageId)).join(', ')})`;
      throw error;
    }
  } catch (error) {
    throw rootCause(error, { host, watchdog, signal: options.signal, upload: gate });
  } finally {
    watchdog.stop();
  }
  await Promise.all(
    loaded.map(async (image) => {
      if (!image.imageId && image.ref) {
        const id = await inspectId(client, image.ref, options.signal);
        if (id) image.imageId = id;
      }
    }),
  );
  return { loaded, bytes: gate?.bytes ?? 0 };
}

/** Checks an import's repo/tag: the repository (optionally with its tag) and the tag in the reference grammar. */
export function checkImportTarget(repo: string | undefined, tag: string | undefined): string | undefined {
  const r = repo?.trim() || undefined;
  const t = tag?.trim() || undefined;
  if (!r) {
    if (t) throw new HangarError('BAD_REQUEST', 'tag: a tag needs a repo');
    return undefined;
  }
  let parsed;
  try {
    parsed = parseReference(r);
  } catch (error) {
    if (error instanceof ReferenceSyntaxError) throw new HangarError('BAD_REQUEST', `repo: ${error.message}`);
    throw error;
  }
  if (parsed.digest) throw new HangarError('BAD_REQUEST', `repo: cannot import to a digest reference ("${r}")`);
  if (t) {
    if (parsed.tag) throw new HangarError('BAD_REQUEST', `repo "${r}" already has a tag: give the tag in repo or in tag, not both`);
    try {
      parsed = parseReference(`${r}:${t}`);
    } catch (error) {
      if (error instanceof ReferenceSyntaxError) throw new HangarError('BAD_REQUEST', `tag: ${error.message}`);
      throw error;
    }
  }
  return familiarString(withDefaultTag(parsed));
}

/** An import URL the engine can fetch: http or https. */
export function checkImportUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HangarError('BAD_REQUEST', `url: not a URL: ${JSON.stringify(redactUrl(url))}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new HangarError('BAD_REQUEST', `url: only http and https URLs can be imported (got ${parsed.protocol})`);
  // A host written so that parsers disagree (0x7f.1, 2130706433, a\@b) is refused here, before any lookup.
  parseTarget(url, 'download');
  return url;
}

export interface ImportOptions extends UploadOptions {
  /** Where a URL may lead (checked after resolving its host, before the engine is asked); the default policy when left out. */
  egress?: EgressPolicy | undefined;
  /** Name resolution for that check (the system's by default). */
  resolve?: Resolver | undefined;
}

/**
 * `docker import`: creates an image from a root filesystem tar, uploaded (`fromSrc=-`) or downloaded by the engine
 * from a URL (`fromSrc=URL`), with an optional repo:tag, commit message and Dockerfile changes. Everything is
 * checked before the engine is contacted (reference grammar, changes, the URL, the tar header of an upload).
 * Returns the new image's ID, from the `{"status":"sha256:..."}` that ends the engine's progress stream.
 */
export async function importImage(client: DockerHostClient, input: ImportInput, options: ImportOptions): Promise<ImportResult> {
  const host = client.name;
  const ref = checkImportTarget(input.repo, input.tag);
  const changes = assertDockerfileChanges(input.changes ?? []);
  if (input.message !== undefined && typeof input.message !== 'string') throw new HangarError('BAD_REQUEST', 'message: must be a string');
  // A stream may have a `url` property of its own (an HTTP request has): tell the two apart by what streams do.
  const isStream = typeof (input.source as Readable).pipe === 'function';
  const url = isStream ? undefined : checkImportUrl((input.source as { url: string }).url);
  const what = url ? `image import from ${redactUrl(url)}` : 'image import';
  // The engine downloads the URL itself: Hangar resolves the host and refuses a denied destination first (the
  // engine resolves it again and follows redirects on its own; see the egress notes in the README).
  if (url) await checkUrl(url, options.egress ?? egressPolicyOf(undefined), options.resolve ?? systemResolver, { use: 'download', what: 'importImage' });

  let gate: UploadGate | undefined;
  const watchdog = new StallWatchdog({
    stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    host,
    what,
    // A URL import is quiet while the engine's download is stuck: only bytes count. An upload is quiet only while
    // the engine finishes the layer.
    ...(url ? {} : { probe: enginePing(client) }),
  });
  const signal = combine(options.signal, watchdog.signal);
  const redact = (text: string) => (url ? redactUrlIn(text, url) : text);
  let imageId: string | undefined;
  try {
    if (!url) {
      gate = openUpload(input.source as Readable, options, watchdog, signal, host);
      await gate.ready;
    }
    await ping(client, signal);
    const query = {
      fromSrc: url ?? '-',
      repo: input.repo?.trim() || undefined,
      tag: input.tag?.trim() || undefined,
      message: input.message || undefined,
      changes: changes.length ? changes : undefined,
    };
    const response = await client
      .stream({ method: 'POST', path: '/images/create', query, ...(gate ? { bodyStream: gate, headers: { 'Content-Type': 'application/x-tar' } } : {}), signal, timeoutMs: NO_HEADER_DEADLINE_MS })
      .catch((error: unknown) => {
        if (url && error instanceof HangarError) {
          // docker 20.10 checks the download's status itself and answers with it (a 404 from the file server is a
          // 404 from the engine), the server's error page included: keep the status, drop the page.
          const status = /^failed to GET .* with status (\d{3}[^:]*)/.exec(error.message);
          if (status) throw new HangarError('BAD_REQUEST', `${host} could not download ${redactUrl(url)}: the server answered ${status[1]}`, { host });
          if (error.code === 'ENGINE_ERROR' && /^Get "|dial tcp|no such host|connection refused|unsupported protocol|tls:|x509:/i.test(error.message)) {
            // One message for every way of not getting an answer (refused, no route, timeout, TLS, no such host): the
            // engine's own words would map the network behind it.
            throw new HangarError('BAD_REQUEST', `${host} could not download ${redactUrl(url)}: no answer from the server`, { host });
          }
        }
        throw archiveAware(error, host, what);
      });
    const failure = await readProgress(response, watchdog, (line) => {
      if (line.kind === 'message') imageId = importedImageIdOf(line.message) ?? imageId;
    });
    if (failure) throw engineFailure(host, what, redact(failure));
    if (!imageId) throw new HangarError('ENGINE_ERROR', `${what} on ${host}: the engine's answer ended without an image ID`, { host });
  } catch (error) {
    const cause = rootCause(error, { host, watchdog, signal: options.signal, upload: gate });
    if (url && cause.message.includes(url)) cause.message = redact(cause.message);
    throw cause;
  } finally {
    watchdog.stop();
  }
  return { imageId, ...(ref ? { ref } : {}), bytes: gate?.bytes ?? 0 };
}
