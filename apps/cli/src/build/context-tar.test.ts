import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extract } from 'tar-stream';
import { contextTar, tarHeader } from './context-tar.js';
import { IgnoreMatcher, parseDockerignore } from './dockerignore.js';

async function bytesOf(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** A member as tar-stream's extractor reads it back. */
interface Extracted {
  name: string;
  type: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkname: string | null;
  content: Buffer;
}

async function extracted(archive: Buffer): Promise<Extracted[]> {
  const members: Extracted[] = [];
  const reader = extract();
  const reading = (async () => {
    for await (const entry of reader) {
      const parts: Buffer[] = [];
      for await (const part of entry) parts.push(part as Buffer);
      const { name, type, size, mode, uid, gid, mtime, linkname } = entry.header;
      members.push({ name, type: type ?? 'file', size: size ?? 0, mode: mode ?? 0, uid: uid ?? -1, gid: gid ?? -1, mtime: mtime!.getTime(), linkname: linkname ?? null, content: Buffer.concat(parts) });
    }
  })();
  reader.end(archive);
  await reading;
  return members;
}

/** `tar -tvf` (GNU tar): type, mode, owner, size, name and link target of each member. */
function listed(archive: Buffer): { type: string; mode: string; owner: string; size: number; name: string; target?: string }[] {
  const text = execFileSync('tar', ['-tvf', '-', '--numeric-owner', '--quoting-style=literal'], { input: archive, env: { ...process.env, LC_ALL: 'C.UTF-8' } }).toString('utf8');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const match = /^(\S)(\S{9}) (\d+\/\d+) +(\d+) \d{4}-\d\d-\d\d \d\d:\d\d (.*)$/.exec(line);
      if (!match) throw new Error(`unexpected tar -tv line: ${line}`);
      const [name, target] = match[1] === 'l' ? match[5]!.split(' -> ') : [match[5]!];
      return { type: match[1]!, mode: match[2]!, owner: match[3]!, size: Number(match[4]), name: name!, ...(target === undefined ? {} : { target }) };
    });
}

/** The typeflag of every header block, PAX headers included, walking the archive's blocks. */
function typeflags(archive: Buffer): string[] {
  const flags: string[] = [];
  for (let offset = 0; offset + 512 <= archive.length; ) {
    const block = archive.subarray(offset, offset + 512);
    if (block.every((byte) => byte === 0)) break;
    flags.push(String.fromCharCode(block[156]!));
    const size = parseInt(block.subarray(124, 136).toString('latin1').replace(/\0.*$/, '').trim() || '0', 8);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return flags;
}

describe('tarHeader (docker CLI headers)', () => {
  it('zeroes the owner, keeps the permission bits, names directories with a slash', () => {
    const mtime = new Date(1_700_000_000_000);
    expect(tarHeader({ name: 'd', type: 'directory', mode: 0o40751, size: 4096, mtime })).toEqual({ name: 'd/', type: 'directory', mode: 0o751, uid: 0, gid: 0, size: 0, mtime });
    expect(tarHeader({ name: 'f', type: 'file', mode: 0o104755, size: 3, mtime })).toMatchObject({ mode: 0o4755, size: 3 });
    expect(tarHeader({ name: 'l', type: 'symlink', mode: 0o120777, size: 9, mtime, linkname: 'target' })).toMatchObject({ size: 0, linkname: 'target' });
    expect(tarHeader({ name: 'l', type: 'symlink', mode: 0o120777, size: 9, mtime, linkname: 'tärget' }).pax).toEqual({});
  });
});

// Checked with the system's tar (GNU tar on Debian), which reads ustar, its prefix field and PAX headers.
describe('contextTar', () => {
  let dir: string;
  let out: string;
  const deep = `${'p'.repeat(120)}/${'q'.repeat(120)}/${'r'.repeat(40)}.txt`;
  // Over 100 bytes with no slash to split at: only PAX holds these.
  const flat = `${'n'.repeat(140)}-flat.txt`;
  const flatUnicode = `${'é'.repeat(70)}“ü”.txt`;
  // Over 100 bytes, split at a slash into ustar's prefix and name: no PAX needed.
  const split = `${'s'.repeat(80)}/${'t'.repeat(80)}.txt`;
  const unicode = 'ünïcode 日本 ‘q’.txt';
  const mtime = new Date('2021-03-04T05:06:07Z');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctx-tar-'));
    out = mkdtempSync(join(tmpdir(), 'ctx-untar-'));
    const files: Record<string, string | Buffer> = {
      Dockerfile: 'FROM scratch\n',
      'empty.txt': '',
      'block.bin': Buffer.alloc(512, 7),
      'big.bin': Buffer.alloc(300_000, 1),
      'ünïcode.txt': 'unicode\n',
      [unicode]: 'ü'.repeat(33),
      [flat]: 'flat\n',
      [flatUnicode]: 'é\n',
      [split]: Buffer.alloc(513, 2),
      'run.sh': '#!/bin/sh\n',
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
    symlinkSync('keep', join(dir, 'dir-link'));
    symlinkSync(unicode, join(dir, 'uni-link'));
    symlinkSync(`${'../'.repeat(40)}${'w'.repeat(200)}/${flat}`, join(dir, `${'m'.repeat(120)}-link`));
    chmodSync(join(dir, 'run.sh'), 0o750);
    chmodSync(join(dir, 'keep'), 0o711);
    utimesSync(join(dir, 'run.sh'), mtime, mtime);
  });

  it('round-trips through tar-stream and GNU tar: names, sizes, types, modes, owners, link targets', async () => {
    const archive = await bytesOf(contextTar(dir, new IgnoreMatcher(parseDockerignore('big.bin\n'))));
    const members = await extracted(archive);
    const byName = new Map(members.map((member) => [member.name, member]));
    // Nothing twice; symlinks not followed (no dir-link/me.log).
    expect(new Set(members.map((member) => member.name)).size).toBe(members.length);
    expect(members.map((member) => member.name).filter((name) => name.startsWith('dir-link'))).toEqual(['dir-link']);
    for (const name of ['Dockerfile', 'empty.txt', 'block.bin', 'ünïcode.txt', unicode, flat, flatUnicode, split, deep, 'run.sh', 'keep/me.log']) {
      const member = byName.get(name);
      expect(member, name).toBeDefined();
      const stat = lstatSync(join(dir, name));
      expect(member!.type, name).toBe('file');
      expect(member!.size, name).toBe(stat.size);
      expect(member!.content.equals(readFileSync(join(dir, name))), name).toBe(true);
      expect(member!.mode, name).toBe(stat.mode & 0o7777);
      expect([member!.uid, member!.gid], name).toEqual([0, 0]);
      expect(member!.mtime, name).toBe(Math.floor(stat.mtimeMs / 1000) * 1000);
    }
    expect(byName.get('run.sh')).toMatchObject({ mode: 0o750, mtime: mtime.getTime() });
    expect(byName.get('empty.txt')!.size).toBe(0);
    expect(byName.get('block.bin')!.size).toBe(512);
    expect(byName.get('keep/')).toMatchObject({ type: 'directory', size: 0, mode: 0o711 });
    expect(byName.has('big.bin')).toBe(false);
    for (const [name, target] of [['long-link', 'x'.repeat(150)], ['short-link', 'Dockerfile'], ['dir-link', 'keep'], ['uni-link', unicode], [`${'m'.repeat(120)}-link`, readlinkSync(join(dir, `${'m'.repeat(120)}-link`))]] as const) {
      expect(byName.get(name), name).toMatchObject({ type: 'symlink', size: 0, linkname: target });
    }

    const gnu = listed(archive);
    expect(gnu.map((member) => member.name)).toEqual(members.map((member) => member.name));
    for (const member of gnu) {
      const ours = byName.get(member.name)!;
      expect(member.owner, member.name).toBe('0/0');
      expect(member.type, member.name).toBe({ file: '-', directory: 'd', symlink: 'l' }[ours.type]);
      expect(member.size, member.name).toBe(ours.size);
      expect(member.target ?? null, member.name).toBe(ours.linkname);
    }
    expect(gnu.find((member) => member.name === 'run.sh')!.mode).toBe('rwxr-x---');

    // PAX exactly where ustar cannot hold the name or target (as Go's archive/tar writes): one 'x' block before
    // each of ten members (five names, two link targets, one both, and deep's two directories: 121 and 242 bytes
    // with only their trailing slash or a 121-byte rest to split at), no GNU long-name ('L'/'K') headers.
    const flags = typeflags(archive);
    const paxed = flags.flatMap((flag, index) => (flag === 'x' ? [index - flags.slice(0, index).filter((other) => other === 'x').length] : [])).map((index) => members[index]!.name);
    expect(paxed.sort()).toEqual(['ünïcode.txt', unicode, flat, flatUnicode, deep, `${'p'.repeat(120)}/`, `${'p'.repeat(120)}/${'q'.repeat(120)}/`, 'long-link', 'uni-link', `${'m'.repeat(120)}-link`].sort());
    expect(flags.filter((flag) => flag === 'L' || flag === 'K')).toEqual([]);
    expect(flags.length).toBe(members.length + paxed.length);
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

  it('a consumer that stops after the first chunk stops the walk (no hang, no stray error)', async () => {
    const chunks = contextTar(dir, new IgnoreMatcher([]));
    for await (const chunk of chunks) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    await expect(chunks.next()).resolves.toEqual({ done: true, value: undefined });
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
