// A build context as docker's CLI sends it: the context directory as a tar stream (directories, regular files and
// symlinks, not followed, owned by 0:0, in lexical walk order), less what `.dockerignore` leaves out, written by
// tar-stream. Files are read one at a time as the stream is consumed, so a context costs no more memory than a
// file's chunk.
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pack, type Headers, type Pack } from 'tar-stream';
import type { IgnoreMatcher } from './dockerignore.js';

/** One member of the archive, before its content. */
export interface TarEntry {
  /** Slash-separated path inside the archive (directories without a trailing slash). */
  name: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  size: number;
  mtime: Date;
  linkname?: string;
}

/** tar-stream's header; `pax` (records to add) makes it write a PAX header even when ustar could hold the entry. */
export type TarHeader = Headers & { pax?: Record<string, string> };

/**
 * The tar header of an entry as docker's CLI writes it: owner 0:0 with no user or group names, the permission
 * bits kept, directories named with a trailing slash. tar-stream writes ustar (a long name split at a slash into
 * prefix and name) and adds a PAX header for a name or link target ustar cannot hold; a non-ASCII link target
 * goes in PAX too, as Go's archive/tar puts it.
 */
export function tarHeader(entry: TarEntry): TarHeader {
  const header: TarHeader = {
    name: entry.type === 'directory' ? `${entry.name}/` : entry.name,
    type: entry.type,
    mode: entry.mode & 0o7777,
    uid: 0,
    gid: 0,
    size: entry.type === 'file' ? entry.size : 0,
    mtime: entry.mtime,
  };
  if (!ustarHolds(header.name)) header.pax = {};
  if (entry.linkname !== undefined) {
    header.linkname = entry.linkname;
    if (!/^[\x00-\x7f]*$/.test(entry.linkname)) header.pax = {};
  }
  return header;
}

/**
 * Whether ustar holds the name as tar-stream splits it (at slashes, into a prefix of at most 155 bytes and a name
 * of at most 100) with a name left: tar-stream would leave it empty for a long directory name cut at its trailing
 * slash, which Go's archive/tar never writes.
 */
function ustarHolds(name: string): boolean {
  if (!/^[\x00-\x7f]*$/.test(name)) return false;
  let rest = name;
  let prefix = '';
  while (rest.length > 100) {
    const slash = rest.indexOf('/');
    if (slash === -1) return false;
    prefix += prefix ? `/${rest.slice(0, slash)}` : rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  return rest.length > 0 && prefix.length <= 155;
}

/** Every entry of `dir` to send, in lexical order, depth first; an excluded directory is walked only when an exception may bring back something inside it. */
export async function* contextEntries(dir: string, ignore: IgnoreMatcher, prefix = ''): AsyncGenerator<TarEntry & { path: string }> {
  const names = (await readdir(join(dir, prefix))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const path = join(dir, rel);
    const stat = await lstat(path);
    const excluded = ignore.excludes(rel);
    if (stat.isDirectory()) {
      if (!excluded) yield { path, name: rel, type: 'directory', mode: stat.mode, size: 0, mtime: stat.mtime };
      if (!excluded || ignore.hasExclusions) yield* contextEntries(dir, ignore, rel);
    } else if (excluded) {
      continue;
    } else if (stat.isFile()) {
      yield { path, name: rel, type: 'file', mode: stat.mode, size: stat.size, mtime: stat.mtime };
    } else if (stat.isSymbolicLink()) {
      yield { path, name: rel, type: 'symlink', mode: stat.mode, size: 0, mtime: stat.mtime, linkname: await readlink(path) };
    }
    // Sockets, FIFOs and devices are left out, as docker's archive leaves them.
  }
}

/** Extra files to put in the archive (a Dockerfile from outside the context or from stdin); one named as a context file replaces it. */
export interface ExtraFile {
  name: string;
  content: Buffer;
}

/** Files up to this size are read whole (one read); bigger ones are streamed. */
const SMALL_FILE = 1024 * 1024;
/** Chunks handed on are gathered up to this size: fewer, larger writes for the upload. */
const CHUNK = 256 * 1024;

async function* fileContent(entry: TarEntry & { path: string }): AsyncGenerator<Buffer> {
  if (entry.size <= SMALL_FILE) {
    const data = await readFile(entry.path);
    if (data.length !== entry.size) throw new Error(`${entry.name}: the file changed size while it was being sent (${data.length} bytes, ${entry.size} expected)`);
    yield data;
    return;
  }
  let sent = 0;
  for await (const chunk of createReadStream(entry.path, { highWaterMark: CHUNK })) {
    const buffer = chunk as Buffer;
    // A file that grew while being read is cut at the size its header declared.
    const part = sent + buffer.length > entry.size ? buffer.subarray(0, entry.size - sent) : buffer;
    sent += part.length;
    if (part.length > 0) yield part;
    if (sent >= entry.size) break;
  }
  if (sent < entry.size) throw new Error(`${entry.name}: the file shrank while it was being sent (${sent} of ${entry.size} bytes)`);
}

/** Writes one entry (its content from `content`, with backpressure) and waits until tar-stream has taken it whole. */
async function writeEntry(archive: Pack, header: TarHeader, content?: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
  let sink!: Writable;
  const done = new Promise<void>((resolve, reject) => {
    sink = archive.entry(header, (error) => (error ? reject(error) : resolve()));
  });
  done.catch(() => undefined);
  // Errors reach us through the callback; an 'error' event without a listener would throw.
  sink.on('error', () => undefined);
  if (content) {
    for await (const chunk of content) {
      if (sink.destroyed) break;
      if (!sink.write(chunk)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            sink.off('drain', go);
            sink.off('close', go);
            resolve();
          };
          sink.on('drain', go);
          sink.on('close', go);
        });
      }
    }
    sink.end();
  }
  await done;
}

/** Writes every entry, then the end of the archive; an error (a file that changed size, an unreadable one) destroys the archive with it. */
async function writeArchive(archive: Pack, dir: string, ignore: IgnoreMatcher, extra: readonly ExtraFile[]): Promise<void> {
  try {
    const replaced = new Set(extra.map((file) => file.name));
    for await (const entry of contextEntries(dir, ignore)) {
      if (archive.destroyed) return;
      if (replaced.has(entry.name)) continue;
      await writeEntry(archive, tarHeader(entry), entry.type === 'file' ? fileContent(entry) : undefined);
    }
    for (const file of extra) {
      await writeEntry(archive, tarHeader({ name: file.name, type: 'file', mode: 0o600, size: file.content.length, mtime: new Date() }), [file.content]);
    }
    archive.finalize();
  } catch (error) {
    archive.destroy(error as Error);
  }
}

/**
 * The context as tar chunks of about 256 KiB (headers, file contents, padding and the two end blocks gathered):
 * small files are read whole, big ones streamed, so memory stays at a chunk and a file of at most 1 MiB.
 */
export async function* contextTar(dir: string, ignore: IgnoreMatcher, extra: readonly ExtraFile[] = []): AsyncGenerator<Buffer> {
  const archive = pack();
  const writing = writeArchive(archive, dir, ignore, extra);
  let pending: Buffer[] = [];
  let size = 0;
  try {
    for await (const part of archive as AsyncIterable<Buffer>) {
      if (part.length >= CHUNK && size === 0) {
        yield part;
        continue;
      }
      pending.push(part);
      size += part.length;
      if (size >= CHUNK) {
        yield Buffer.concat(pending, size);
        pending = [];
        size = 0;
      }
    }
  } finally {
    // A consumer that stops early (a failed upload) stops the walk too.
    if (!archive.destroyed) archive.destroy();
    await writing;
  }
  if (size > 0) yield Buffer.concat(pending, size);
}
