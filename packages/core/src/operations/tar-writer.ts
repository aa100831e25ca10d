// Inline build contexts (a Dockerfile and a few small text files) as a tar, written by tar-stream: ustar headers
// (mode 0644, owner 0:0, mtime now), a PAX header where a name does not fit ustar (over 100 bytes without a slash
// to split at, over 255 bytes, or not ASCII).
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';

/** The files as a tar stream, in the order given. */
export function tarStream(files: Record<string, string>): Readable {
  const archive = pack();
  const mtime = new Date();
  for (const [name, text] of Object.entries(files)) archive.entry({ name, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime }, Buffer.from(text, 'utf8'));
  archive.finalize();
  // A Node stream (tar-stream's is streamx's) for the HTTP client that sends it.
  return Readable.from(archive);
}

/** The files as one tar (the whole archive in memory: for small contexts and tests). */
export async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of tarStream(files)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
