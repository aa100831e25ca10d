import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextTar, paxRecord, ustarName } from './context-tar.js';
import { IgnoreMatcher, parseDockerignore } from './dockerignore.js';

async function bytesOf(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

describe('paxRecord', () => {
  it('counts its own length, including when adding the digits adds a digit', () => {
    expect(paxRecord('path', 'a')).toBe('9 path=a\n');
    for (const size of [1, 85, 86, 87, 88, 990, 995, 996, 997]) {
      const record = paxRecord('path', 'x'.repeat(size));
      expect(Buffer.byteLength(record)).toBe(Number(record.split(' ')[0]));
    }
  });
});

describe('ustarName (Go archive/tar: ustar when it fits, split at a slash)', () => {
  it('keeps short names, splits long ones at a slash, gives up on what only PAX holds', () => {
    expect(ustarName('a/b.txt')).toEqual({ name: 'a/b.txt', prefix: '' });
    const long = `${'d'.repeat(60)}/${'f'.repeat(60)}`;
    expect(ustarName(long)).toEqual({ name: 'f'.repeat(60), prefix: 'd'.repeat(60) });
    expect(ustarName('x'.repeat(101))).toBeUndefined();
    expect(ustarName('ünïcode.txt')).toBeUndefined();
  });
});

// Checked with the system's tar (GNU tar on Debian), which reads ustar, its prefix field and PAX headers.
describe('contextTar', () => {
  let dir: string;
  let out: string;
  const deep = `${'p'.repeat(120)}/${'q'.repeat(120)}/${'r'.repeat(40)}.txt`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctx-tar-'));
    out = mkdtempSync(join(tmpdir(), 'ctx-untar-'));
    const files: Record<string, string | Buffer> = {
      Dockerfile: 'FROM scratch\n',
      'empty.txt': '',
      'block.bin': Buffer.alloc(512, 7),
      'big.bin': Buffer.alloc(300_000, 1),
      'ünïcode.txt': 'unicode\n',
      [deep]: 'deep\n',
      'skip/me.log': 'no\n',
      'keep/me.log': 'yes\n',
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    symlinkSync('x'.repeat(150), join(dir, 'long-link'));
    symlinkSync('Dockerfile', join(dir, 'short-link'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('is a tar the system tar extracts to the same files, less what .dockerignore excludes', async () => {
    const ignore = new IgnoreMatcher(parseDockerignore('**/*.log\n!keep/me.log\n'));
    const archive = await bytesOf(contextTar(dir, ignore, [{ name: 'extra.txt', content: Buffer.from('extra\n') }]));
    expect(archive.length % 512).toBe(0);
    const listing = execFileSync('tar', ['-tf', '-'], { input: archive }).toString().trim().split('\n');
    expect(listing).toContain('Dockerfile');
    expect(listing).toContain(deep);
    expect(listing).toContain('keep/me.log');
    expect(listing).toContain('extra.txt');
    expect(listing).not.toContain('skip/me.log');
    // The directory itself stays (an excluded directory's exceptions may need it); its files go.
    expect(listing).toContain('skip/');
    execFileSync('tar', ['-xf', '-', '-C', out], { input: archive });
    for (const name of ['Dockerfile', 'empty.txt', 'block.bin', 'big.bin', 'ünïcode.txt', deep, 'keep/me.log']) {
      expect(readFileSync(join(out, name)).equals(readFileSync(join(dir, name))), name).toBe(true);
    }
    expect(readFileSync(join(out, 'extra.txt'), 'utf8')).toBe('extra\n');
    expect(readlinkSync(join(out, 'long-link'))).toBe('x'.repeat(150));
    expect(readlinkSync(join(out, 'short-link'))).toBe('Dockerfile');
    const verbose = execFileSync('tar', ['-tvf', '-', '--numeric-owner', 'Dockerfile'], { input: archive }).toString();
    expect(verbose).toMatch(/^-rw-r--r-- 0\/0 /);
  });

  it('an excluded directory without exceptions is not walked at all', async () => {
    const archive = await bytesOf(contextTar(dir, new IgnoreMatcher(parseDockerignore('skip\n')), []));
    const listing = execFileSync('tar', ['-tf', '-'], { input: archive }).toString().trim().split('\n');
    expect(listing.filter((name) => name.startsWith('skip'))).toEqual([]);
  });

  it('an extra file named as a context file replaces it', async () => {
    const archive = await bytesOf(contextTar(dir, new IgnoreMatcher([]), [{ name: 'Dockerfile', content: Buffer.from('FROM other\n') }]));
    const listing = execFileSync('tar', ['-tf', '-'], { input: archive }).toString().trim().split('\n');
    expect(listing.filter((name) => name === 'Dockerfile')).toHaveLength(1);
    expect(execFileSync('tar', ['-xOf', '-', 'Dockerfile'], { input: archive }).toString()).toBe('FROM other\n');
  });
});
