import { describe, expect, it } from 'vitest';
import { checkTarHeader, isZeroBlock, paxSize, TAR_BLOCK, tarDataLength, tarNumber } from './tar-header.js';
import { fixture, tarHeader } from './tar-test-helpers.js';

describe('checkTarHeader', () => {
  it('accepts the first header of archives made by GNU tar (gnu and pax formats)', () => {
    expect(checkTarHeader(fixture('gnu.tar'))).toEqual({ ok: true, name: 'hello.txt', type: '0', size: 6 });
    expect(checkTarHeader(fixture('pax-long-name.tar'))).toMatchObject({ ok: true, type: 'x', size: 60 });
  });

  it('accepts a ustar header made here (checksum with the field counted as spaces)', () => {
    expect(checkTarHeader(tarHeader({ name: 'a/b.json', size: 1234 }))).toEqual({ ok: true, name: 'a/b.json', type: '0', size: 1234 });
  });

  it('refuses a block whose checksum does not match (a corrupt or shifted stream)', () => {
    const block = Buffer.from(fixture('gnu.tar').subarray(0, TAR_BLOCK));
    block[0] = block[0]! + 1;
    expect(checkTarHeader(block)).toEqual({ ok: false, reason: expect.stringMatching(/checksum mismatch/) });
    const unreadable = Buffer.from(fixture('gnu.tar').subarray(0, TAR_BLOCK));
    unreadable.write('zzzzzz\0 ', 148, 'latin1');
    expect(checkTarHeader(unreadable)).toEqual({ ok: false, reason: 'unreadable header checksum' });
  });

  it.each([
    ['JSON', Buffer.from(JSON.stringify({ hello: 'world' }).padEnd(600, ' '))],
    ['HTML', Buffer.from('<!doctype html><html>'.padEnd(1024, 'x'))],
    ['random bytes', Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 131 + 7) % 256))],
  ])('refuses %s: no ustar magic', (_name, body) => {
    expect(checkTarHeader(body)).toEqual({ ok: false, reason: 'no "ustar" magic at offset 257' });
  });

  it('names gzip data, an all-zero block and a short body', () => {
    expect(checkTarHeader(Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(600, 1)]))).toEqual({ ok: false, reason: expect.stringMatching(/^gzip data/) });
    expect(checkTarHeader(Buffer.alloc(1024))).toEqual({ ok: false, reason: expect.stringMatching(/all-zero/) });
    expect(checkTarHeader(Buffer.from('short'))).toEqual({ ok: false, reason: 'shorter than one tar block (5 of 512 bytes)' });
  });

  it('without requireMagic, accepts a valid checksum alone (old v7 headers inside an archive)', () => {
    const v7 = tarHeader({ name: 'old', magic: '\0\0\0\0\0\0\0\0' });
    expect(checkTarHeader(v7).ok).toBe(false);
    expect(checkTarHeader(v7, { requireMagic: false }).ok).toBe(true);
  });
});

describe('tar number fields', () => {
  it('reads octal with NUL or space padding, and GNU base-256', () => {
    expect(tarNumber(Buffer.from('00000001750\0'))).toBe(1000);
    expect(tarNumber(Buffer.from(' 1750 \0\0\0\0\0\0'))).toBe(1000);
    expect(tarNumber(Buffer.from('\0\0\0\0'))).toBe(0);
    expect(tarNumber(Buffer.from('12x4'))).toBeUndefined();
    const big = Buffer.alloc(12);
    big[0] = 0x80;
    big.writeUIntBE(20 * 1024 ** 3, 6, 6);
    expect(tarNumber(big)).toBe(20 * 1024 ** 3);
    big[0] = 0xff;
    expect(tarNumber(big)).toBeUndefined();
  });

  it('data length: padded to blocks; none for links, directories and devices', () => {
    expect(tarDataLength('0', 1)).toBe(512);
    expect(tarDataLength('0', 512)).toBe(512);
    expect(tarDataLength('0', 513)).toBe(1024);
    expect(tarDataLength('x', 60)).toBe(512);
    expect(tarDataLength('5', 4096)).toBe(0);
    expect(tarDataLength('1', 100)).toBe(0);
    expect(tarDataLength('2', 0)).toBe(0);
  });

  it('PAX size records', () => {
    expect(paxSize(Buffer.from('30 mtime=1577836800.123456789\n19 size=9000000000\n'))).toBe(9_000_000_000);
    expect(paxSize(Buffer.from('17 path=abc.txt\n'))).toBeUndefined();
    expect(paxSize(Buffer.from('garbage'))).toBeUndefined();
  });

  it('zero blocks', () => {
    expect(isZeroBlock(Buffer.alloc(512))).toBe(true);
    expect(isZeroBlock(Buffer.concat([Buffer.alloc(511), Buffer.from([1])]))).toBe(false);
  });
});
