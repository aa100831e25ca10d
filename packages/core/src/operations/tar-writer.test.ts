import { execFileSync } from 'node:child_process';
import { extract } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { tarOf, tarStream } from './tar-writer.js';

async function extracted(archive: Buffer) {
  const members: { name: string; type: string; size: number; mode: number; uid: number; gid: number; mtime: Date; content: string }[] = [];
  const reader = extract();
  const reading = (async () => {
    for await (const entry of reader) {
      const parts: Buffer[] = [];
      for await (const part of entry) parts.push(part as Buffer);
      const { name, type, size, mode, uid, gid, mtime } = entry.header;
      members.push({ name, type: type!, size: size!, mode: mode!, uid: uid!, gid: gid!, mtime: mtime!, content: Buffer.concat(parts).toString('utf8') });
    }
  })();
  reader.end(archive);
  await reading;
  return members;
}

/** GNU tar's `-tv` lines as type+mode, owner, size and name. */
function listed(archive: Buffer) {
  const text = execFileSync('tar', ['-tvf', '-', '--numeric-owner', '--quoting-style=literal'], { input: archive, env: { ...process.env, LC_ALL: 'C.UTF-8' } }).toString('utf8');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const match = /^(\S{10}) (\d+\/\d+) +(\d+) \d{4}-\d\d-\d\d \d\d:\d\d (.*)$/.exec(line);
      if (!match) throw new Error(`unexpected tar -tv line: ${line}`);
      return { mode: match[1]!, owner: match[2]!, size: Number(match[3]), name: match[4]! };
    });
}

/** The typeflag of each header block, PAX headers included. */
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

describe('tarOf / tarStream (inline build contexts)', () => {
  // Names ustar cannot hold whole: over 100 bytes with no slash (once cut into a bogus prefix), over 255 with
  // slashes, and non-ASCII ones; each gets a PAX header.
  const flat = `${'f'.repeat(101 + (Date.now() % 50))}.txt`;
  const deep = `${'a'.repeat(130)}/${'b'.repeat(90)}/${'c'.repeat(60)}.conf`;
  const unicode = `ünïcode 日本 “${'é'.repeat(5)}”.txt`;
  const split = `${'d'.repeat(90)}/${'e'.repeat(90)}.txt`;
  const files: Record<string, string> = {
    Dockerfile: 'FROM scratch\nCOPY . /\n',
    'empty.txt': '',
    'block.txt': 'z'.repeat(512),
    'block-plus-one.txt': 'y'.repeat(513),
    [flat]: 'flat\n',
    [deep]: 'deep\n',
    [unicode]: 'ü'.repeat(256),
    [split]: 'split\n',
  };

  it('round-trips through tar-stream and GNU tar: names, sizes, contents, 0644 and owner 0:0', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const archive = await tarOf(files);
    expect(archive.length % 512).toBe(0);
    const members = await extracted(archive);
    expect(members.map((member) => member.name)).toEqual(Object.keys(files));
    for (const member of members) {
      const content = files[member.name]!;
      expect(member, member.name).toMatchObject({ type: 'file', size: Buffer.byteLength(content), mode: 0o644, uid: 0, gid: 0, content });
      expect(member.mtime.getTime()).toBeGreaterThanOrEqual(before);
    }
    expect(listed(archive)).toEqual(Object.entries(files).map(([name, content]) => ({ mode: '-rw-r--r--', owner: '0/0', size: Buffer.byteLength(content), name })));
    const flags = typeflags(archive);
    // PAX before the three names ustar cannot hold (the flat, deep and unicode ones); the split one fits ustar.
    expect(flags).toEqual(['0', '0', '0', '0', 'x', '0', 'x', '0', 'x', '0', '0']);
  });

  it('tarStream is the same archive as a Node stream', async () => {
    const parts: Buffer[] = [];
    for await (const part of tarStream(files)) parts.push(part as Buffer);
    const streamed = Buffer.concat(parts);
    expect((await extracted(streamed)).map((member) => [member.name, member.content])).toEqual(Object.entries(files));
    expect(listed(streamed).map((member) => member.name)).toEqual(Object.keys(files));
  });
});
