import { describe, expect, it } from 'vitest';
import { tarCompleteness } from './tar-completeness.js';

/** A ustar header for `name` claiming `size` bytes (checksum filled in). */
function header(name: string, size: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0);
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write('00000000000\0', 136);
  block.write('        ', 148);
  block.write('0', 156);
  block.write('ustar\0', 257);
  block.write('00', 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}
const data = (text: string) => Buffer.concat([Buffer.from(text), Buffer.alloc(512 - text.length)]);
const END = Buffer.alloc(1024);

async function follow(chunks: Buffer[]): Promise<string | undefined> {
  const check = tarCompleteness();
  for (const chunk of chunks) check.push(chunk);
  return check.end();
}

describe('tarCompleteness', () => {
  it('passes a whole archive, in any chunking', async () => {
    const tar = Buffer.concat([header('Dockerfile', 5), data('FROM '), END]);
    expect(await follow([tar])).toBeUndefined();
    expect(await follow([tar.subarray(0, 100), tar.subarray(100, 700), tar.subarray(700)])).toBeUndefined();
  });

  it('passes an archive without its end-of-archive marker, as the engine does', async () => {
    expect(await follow([header('Dockerfile', 5), data('FROM ')])).toBeUndefined();
  });

  it('names an entry that claims more data than came (a header claiming 8 GiB)', async () => {
    expect(await follow([header('big', 8 * 1024 ** 3), Buffer.alloc(1024)])).toMatch(/cut inside an entry/);
  });

  it('names a partial header block', async () => {
    expect(await follow([header('Dockerfile', 5), data('FROM '), header('b', 1).subarray(0, 200)])).toMatch(/cut inside a header block/);
  });

  it('names a bad header after the first', async () => {
    expect(await follow([header('Dockerfile', 5), data('FROM '), Buffer.alloc(512, 0x41)])).toMatch(/not a complete tar archive/);
  });
});
