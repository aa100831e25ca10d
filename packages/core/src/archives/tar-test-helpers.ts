// Test helpers: small tar archives built in memory (headers with real checksums), and fixture files.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TAR_BLOCK, tarChecksums } from './tar-header.js';

export const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));

/** One ustar header block. */
export function tarHeader({ name, size = 0, type = '0', magic = 'ustar\u000000' }: { name: string; size?: number; type?: string; magic?: string }): Buffer {
  const block = Buffer.alloc(TAR_BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write('0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write('14000000000\0', 136, 'latin1');
  block.write(type, 156, 'latin1');
  block.write(magic, 257, 'latin1');
  const { unsigned } = tarChecksums(block);
  block.write(`${unsigned.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

const pad = (data: Buffer) => Buffer.concat([data, Buffer.alloc((TAR_BLOCK - (data.length % TAR_BLOCK)) % TAR_BLOCK)]);

/** A whole archive of regular files (with the two end-of-archive zero blocks). */
export function tarOf(files: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    parts.push(tarHeader({ name, size: data.length }), pad(data));
  }
  parts.push(Buffer.alloc(2 * TAR_BLOCK));
  return Buffer.concat(parts);
}

/** A PAX extended header entry whose `size` record overrides the next entry's size field. */
export function paxEntry(records: Record<string, string>): Buffer {
  const lines = Object.entries(records).map(([key, value]) => {
    const body = ` ${key}=${value}\n`;
    let length = body.length + 1;
    while (`${length}${body}`.length !== length) length++;
    return `${length}${body}`;
  });
  const data = Buffer.from(lines.join(''));
  return Buffer.concat([tarHeader({ name: 'PaxHeaders/x', size: data.length, type: 'x' }), pad(data)]);
}

/** Splits a buffer into chunks of `size` bytes. */
export function chunks(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}
