// A build context as docker's CLI sends it: the context directory as a tar stream (directories, regular files and
// symlinks, owned by 0:0, in lexical walk order), less what `.dockerignore` leaves out. Files are read one at a
// time as the stream is consumed, so a context costs no more memory than a file's chunk.
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { IgnoreMatcher } from './dockerignore.js';

const BLOCK = 512;

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

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

/** A PAX extended header record: `<length> <key>=<value>\n`, its length counting itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bytes = Buffer.byteLength(body);
  let length = bytes + 1;
  while (length !== String(length).length + bytes) length++;
  return `${length}${body}`;
}

function ustarHeader(entry: { name: string; prefix: string; typeflag: string; mode: number; size: number; mtime: number; linkname?: string }): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  const field = (offset: number, length: number, value: string) => block.write(value, offset, length, 'utf8');
  field(0, 100, entry.name);
  field(100, 8, octal(entry.mode & 0o7777, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(entry.size, 12));
  field(136, 12, octal(Math.max(0, Math.floor(entry.mtime)), 12));
  block.fill(' ', 148, 156);
  field(156, 1, entry.typeflag);
  if (entry.linkname) field(157, 100, entry.linkname);
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  if (entry.prefix) field(345, 155, entry.prefix);
  let sum = 0;
  for (const byte of block) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK, 0);
}

/**
 * Where ustar can hold a name as Go's archive/tar does: whole in the 100-byte name field, or split at a slash into
 * a prefix (155 bytes) and a name; undefined when only a PAX header can (too long, or not ASCII).
 */
export function ustarName(name: string): { name: string; prefix: string } | undefined {
  if (!/^[\x00-\x7f]*$/.test(name)) return undefined;
  if (name.length <= 100) return { name, prefix: '' };
  // The prefix must be non-empty and the name that remains must be too.
  for (let slash = Math.min(name.length - 2, 155); slash > 0; slash--) {
    if (name[slash] !== '/') continue;
    const rest = name.slice(slash + 1);
    if (rest.length === 0 || rest.length > 100) return undefined;
    return { name: rest, prefix: name.slice(0, slash) };
  }
  return undefined;
}

/** The header block(s) of one entry: a PAX header first when the name or link target does not fit ustar. */
export function entryHeader(entry: TarEntry): Buffer[] {
  const name = entry.type === 'directory' ? `${entry.name}/` : entry.name;
  const typeflag = entry.type === 'directory' ? '5' : entry.type === 'symlink' ? '2' : '0';
  const mtime = entry.mtime.getTime() / 1000;
  const size = entry.type === 'file' ? entry.size : 0;
  const blocks: Buffer[] = [];
  const fitted = ustarName(name);
  const linkFits = !entry.linkname || (entry.linkname.length <= 100 && /^[\x00-\x7f]*$/.test(entry.linkname));
  const records = [...(fitted ? [] : [paxRecord('path', name)]), ...(linkFits ? [] : [paxRecord('linkpath', entry.linkname!)])].join('');
  if (records) {
    const body = Buffer.from(records, 'utf8');
    blocks.push(ustarHeader({ name: 'PaxHeaders/entry', prefix: '', typeflag: 'x', mode: 0o644, size: body.length, mtime }), body, padding(body.length));
  }
  const stored = fitted ?? { name: truncateUtf8(name, 100), prefix: '' };
  blocks.push(ustarHeader({ ...stored, typeflag, mode: entry.mode, size, mtime, ...(entry.linkname ? { linkname: truncateUtf8(entry.linkname, 100) } : {}) }));
  return blocks;
}

function truncateUtf8(text: string, bytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  return buffer.length <= bytes ? text : buffer.subarray(0, bytes).toString('utf8');
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

/** Every part of the archive in order: headers, contents, padding, the two end blocks. */
async function* tarParts(dir: string, ignore: IgnoreMatcher, extra: readonly ExtraFile[]): AsyncGenerator<Buffer> {
  const replaced = new Set(extra.map((file) => file.name));
  for await (const entry of contextEntries(dir, ignore)) {
    if (replaced.has(entry.name)) continue;
    yield* entryHeader(entry);
    if (entry.type !== 'file') continue;
    yield* fileContent(entry);
    yield padding(entry.size);
  }
  for (const file of extra) {
    yield* entryHeader({ name: file.name, type: 'file', mode: 0o600, size: file.content.length, mtime: new Date() });
    yield file.content;
    yield padding(file.content.length);
  }
  yield Buffer.alloc(2 * BLOCK, 0);
}

/**
 * The context as tar chunks of about 256 KiB (headers, file contents, padding and the two end blocks gathered):
 * small files are read whole, big ones streamed, so memory stays at a chunk and a file of at most 1 MiB.
 */
export async function* contextTar(dir: string, ignore: IgnoreMatcher, extra: readonly ExtraFile[] = []): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let size = 0;
  for await (const part of tarParts(dir, ignore, extra)) {
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
  if (size > 0) yield Buffer.concat(pending, size);
}
