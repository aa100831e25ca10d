import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chunks, fixture } from './tar-test-helpers.js';
import { NotATarError, UploadGate, UploadTooLargeError } from './upload-gate.js';

async function through(parts: Buffer[], options: ConstructorParameters<typeof UploadGate>[0] = {}) {
  const gate = new UploadGate(options);
  const ready = gate.ready.then(
    () => 'ready',
    (error: Error) => error,
  );
  const out: Buffer[] = [];
  let error: unknown;
  try {
    for await (const chunk of Readable.from(parts).pipe(gate)) out.push(chunk as Buffer);
  } catch (e) {
    error = e;
  }
  return { out: Buffer.concat(out), error, ready: await ready, gate };
}

describe('UploadGate', () => {
  it.each([1, 100, 511, 512, 4096])('passes a tar unchanged in %i-byte chunks, ready after its first block', async (size) => {
    const tar = fixture('gnu.tar');
    const { out, error, ready, gate } = await through(chunks(tar, size));
    expect(error).toBeUndefined();
    expect(ready).toBe('ready');
    expect(out.equals(tar)).toBe(true);
    expect(gate.bytes).toBe(tar.length);
  });

  it.each([
    ['JSON', [Buffer.from('{"a":1}'.padEnd(1000))], /no "ustar" magic/],
    ['a short body', [Buffer.from('hello')], /shorter than one tar block \(5 bytes\)/],
    ['an empty body', [], /empty body/],
  ])('refuses %s before passing anything on', async (_name, parts, reason) => {
    const { out, error, ready } = await through(parts);
    expect(out.length).toBe(0);
    expect(ready).toBeInstanceOf(NotATarError);
    expect(error).toBe(ready);
    expect((ready as NotATarError).message).toBe('body is not a tar archive');
    expect((ready as NotATarError).reason).toMatch(reason);
  });

  it('fails past maxBytes (also before the first block is complete), and counts each chunk', async () => {
    let seen = 0;
    const big = await through(chunks(fixture('gnu.tar'), 1000), { maxBytes: 4096, onBytes: (n) => (seen += n) });
    expect(big.error).toBeInstanceOf(UploadTooLargeError);
    expect((big.error as UploadTooLargeError).limit).toBe(4096);
    expect(big.out.length).toBeLessThanOrEqual(4096);
    expect(seen).toBe(5000);
    const early = await through([Buffer.alloc(300), Buffer.alloc(300)], { maxBytes: 500 });
    expect(early.ready).toBeInstanceOf(UploadTooLargeError);
  });

  it('exactly maxBytes is fine', async () => {
    const tar = fixture('gnu.tar');
    expect((await through([tar], { maxBytes: tar.length })).error).toBeUndefined();
  });

  it('a gate destroyed before its first block rejects ready', async () => {
    const gate = new UploadGate();
    gate.on('error', () => undefined);
    gate.write(Buffer.alloc(10));
    gate.destroy(new Error('client went away'));
    await expect(gate.ready).rejects.toThrow('client went away');
  });
});
