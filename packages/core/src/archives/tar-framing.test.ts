import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { engineErrorIn, TarFramingCheck, TarFramingError } from './tar-framing.js';
import { chunks, fixture, paxEntry, tarHeader, tarOf } from './tar-test-helpers.js';

async function run(parts: Buffer[], options: ConstructorParameters<typeof TarFramingCheck>[0] = {}): Promise<{ out: Buffer; check: TarFramingCheck; error?: Error }> {
  const check = new TarFramingCheck(options);
  const received: Buffer[] = [];
  try {
    for await (const chunk of Readable.from(parts).pipe(check)) received.push(chunk as Buffer);
    return { out: Buffer.concat(received), check };
  } catch (error) {
    return { out: Buffer.concat(received), check, error: error as Error };
  }
}

const ENGINE_ERROR = '{"errorDetail":{"message":"open /var/lib/docker/overlay2/abc/diff: no such file or directory"},"error":"open /var/lib/docker/overlay2/abc/diff: no such file or directory"}\r\n';

describe('TarFramingCheck', () => {
  it.each([1, 7, 511, 512, 513, 4096, 1 << 20])('passes whole archives through unchanged in chunks of %i bytes', async (size) => {
    for (const name of ['gnu.tar', 'pax-long-name.tar']) {
      const tar = fixture(name);
      const { out, check, error } = await run(chunks(tar, size));
      expect(error).toBeUndefined();
      expect(out.equals(tar)).toBe(true);
      expect(check.bytes).toBe(tar.length);
    }
  }, 60_000);

  it('counts entries, not PAX meta entries', async () => {
    expect((await run([fixture('gnu.tar')])).check.entries).toBe(4);
    expect((await run([fixture('pax-long-name.tar')])).check.entries).toBe(2);
  });

  it('fails when the engine wrote an error instead of the rest of the archive (docker 20.10 after its first byte)', async () => {
    const tar = tarOf({ 'a/layer.tar': Buffer.alloc(3000, 7), 'manifest.json': '[]' });
    const cut = tar.subarray(0, 512 + 3072); // first entry only
    const { out, error } = await run(chunks(Buffer.concat([cut, Buffer.from(ENGINE_ERROR)]), 1000));
    expect(error).toBeInstanceOf(TarFramingError);
    expect((error as TarFramingError).engineMessage).toBe('open /var/lib/docker/overlay2/abc/diff: no such file or directory');
    expect(error!.message).toMatch(/the engine failed mid-stream at byte 3584: open \/var\/lib/);
    // The JSON never reached the consumer: it sat where a header belongs, and headers are held until checked.
    expect(out.includes(Buffer.from('errorDetail'))).toBe(false);
  });

  it('finds the engine’s error when it landed inside an entry’s data (the copy stopped mid-file)', async () => {
    const tar = tarOf({ 'a/layer.tar': Buffer.alloc(30_000, 7) });
    const { error } = await run(chunks(Buffer.concat([tar.subarray(0, 10_000), Buffer.from(ENGINE_ERROR)]), 4096));
    expect(error).toBeInstanceOf(TarFramingError);
    expect((error as TarFramingError).reason).toMatch(/cut inside an entry/);
    expect((error as TarFramingError).engineMessage).toBe('open /var/lib/docker/overlay2/abc/diff: no such file or directory');
  });

  it('an error longer than a block is recognised too', async () => {
    const long = `{"errorDetail":{"message":"${'x'.repeat(700)}"},"error":"${'x'.repeat(700)}"}\r\n`;
    const { error } = await run([tarHeader({ name: 'f', size: 1 }), Buffer.alloc(512), Buffer.from(long)]);
    expect((error as TarFramingError).engineMessage).toMatch(/^x{100}/);
  });

  it.each([
    ['inside an entry', (tar: Buffer) => tar.subarray(0, 700), /cut inside an entry \(836 bytes of data missing\)/],
    ['inside a header', (tar: Buffer) => tar.subarray(0, 1536 + 100), /cut inside a header block \(100 of 512 bytes\)/],
    ['before the end marker', (tar: Buffer) => tar.subarray(0, tar.length - 1024), /no end-of-archive marker/],
    ['after one zero block', (tar: Buffer) => tar.subarray(0, tar.length - 512), /no end-of-archive marker/],
  ])('fails when cut %s', async (_name, cut, why) => {
    const tar = tarOf({ a: 'x'.repeat(600), b: 'y' });
    const { error } = await run([cut(tar)]);
    expect(error).toBeInstanceOf(TarFramingError);
    expect(error!.message).toMatch(why);
  });

  it('fails on a corrupt header and on data after the end-of-archive marker; zero padding after it is fine', async () => {
    const tar = tarOf({ a: 'x' });
    const corrupt = Buffer.from(tar);
    corrupt[10] = 0x41;
    expect((await run([corrupt])).error?.message).toMatch(/checksum mismatch/);
    expect((await run([tar, Buffer.from(ENGINE_ERROR)])).error?.message).toMatch(/mid-stream.*no such file/);
    expect((await run([tar, Buffer.alloc(8192)])).error).toBeUndefined();
  });

  it('follows a PAX size record (entries over 8 GiB carry their size there)', async () => {
    const data = Buffer.alloc(1500, 1);
    const tar = Buffer.concat([paxEntry({ size: String(data.length), path: 'big.bin' }), tarHeader({ name: 'big.bin', size: 0 }), data, Buffer.alloc(36), Buffer.alloc(1024)]);
    const { out, error, check } = await run(chunks(tar, 100));
    expect(error).toBeUndefined();
    expect(out.length).toBe(tar.length);
    expect(check.entries).toBe(1);
  });

  it('maps its errors with toError and reports every chunk to onChunk', async () => {
    let seen = 0;
    const { error } = await run([Buffer.from('not a tar at all'.padEnd(600, '.'))], {
      onChunk: (bytes) => (seen += bytes),
      toError: (e) => new Error(`mapped: ${e.reason}`),
    });
    expect(error?.message).toMatch(/^mapped: (no "ustar"|.*checksum)/);
    expect(seen).toBe(600);
  });
});

describe('engineErrorIn', () => {
  it('reads the message of a whole or cut JSON error, and nothing else', () => {
    expect(engineErrorIn(Buffer.from(ENGINE_ERROR))).toMatch(/^open \/var/);
    expect(engineErrorIn(Buffer.from(ENGINE_ERROR.slice(0, 60)))).toBe('open /var/lib/docker/overlay2/abc');
    expect(engineErrorIn(Buffer.from('{"errorDetail":{"mess'))).toBeUndefined();
    expect(engineErrorIn(Buffer.from('{"errorDetail":{"message":"disk full"},"err'))).toBe('disk full');
    expect(engineErrorIn(Buffer.from('{"message":"boom"}'))).toBe('boom');
    expect(engineErrorIn(Buffer.alloc(512))).toBeUndefined();
  });
});
