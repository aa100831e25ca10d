/**
 * Tar headers (POSIX ustar, GNU and PAX, as Go's archive/tar and GNU tar write them), checked without buffering an
 * archive: a 512-byte header block carries the magic `ustar` at offset 257 and a checksum at offset 148 (octal sum
 * of the block's bytes with the checksum field counted as spaces).
 */
export const TAR_BLOCK = 512;

export type TarHeaderCheck = { ok: true; name: string; type: string; size: number } | { ok: false; reason: string };

/** The unsigned byte sum of a header with its checksum field (148..155) taken as spaces; and the signed one. */
export function tarChecksums(block: Uint8Array): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < TAR_BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return { unsigned, signed };
}

/** An octal number field (NUL or space terminated), or GNU's base-256 form (high bit of the first byte set). */
export function tarNumber(field: Uint8Array): number | undefined {
  if (field.length > 0 && (field[0]! & 0x80) !== 0) {
    if ((field[0]! & 0x40) !== 0) return undefined; // negative
    let value = field[0]! & 0x3f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return Number.isSafeInteger(value) ? value : undefined;
  }
  const text = Buffer.from(field).toString('latin1').replace(/[\0 ]+$/, '').replace(/^[ \0]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  return parseInt(text, 8);
}

const cString = (field: Uint8Array) => {
  const end = field.indexOf(0);
  return Buffer.from(end >= 0 ? field.subarray(0, end) : field).toString('utf8');
};

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/**
 * Checks one 512-byte header block: the `ustar` magic, a valid checksum and a readable size. A non-tar body
 * (JSON, HTML, gzip, an empty file) fails on the magic; a corrupt or shifted stream on the checksum.
 */
export function checkTarHeader(block: Uint8Array, { requireMagic = true }: { requireMagic?: boolean } = {}): TarHeaderCheck {
  if (block.length < TAR_BLOCK) return { ok: false, reason: `shorter than one tar block (${block.length} of ${TAR_BLOCK} bytes)` };
  if (isZeroBlock(block.subarray(0, TAR_BLOCK))) return { ok: false, reason: 'an empty (all-zero) block where a header belongs' };
  if (requireMagic && Buffer.from(block.subarray(257, 262)).toString('latin1') !== 'ustar') {
    if (block[0] === 0x1f && block[1] === 0x8b) return { ok: false, reason: 'gzip data, not a plain tar (no "ustar" magic at offset 257)' };
    return { ok: false, reason: 'no "ustar" magic at offset 257' };
  }
  const recorded = tarNumber(block.subarray(148, 156));
  const { unsigned, signed } = tarChecksums(block);
  if (recorded === undefined) return { ok: false, reason: 'unreadable header checksum' };
  if (recorded !== unsigned && recorded !== signed) return { ok: false, reason: `header checksum mismatch (recorded ${recorded}, computed ${unsigned})` };
  const size = tarNumber(block.subarray(124, 136));
  if (size === undefined) return { ok: false, reason: 'unreadable size field' };
  const typeByte = block[156]!;
  return { ok: true, name: cString(block.subarray(0, 100)), type: typeByte === 0 ? '0' : String.fromCharCode(typeByte), size };
}

/** Entry types whose size field does not announce data blocks (Go's archive/tar `isHeaderOnlyType`). */
const HEADER_ONLY_TYPES = new Set(['1', '2', '3', '4', '5', '6']);

/** How many bytes of data blocks (padded to 512) follow a header. */
export function tarDataLength(type: string, size: number): number {
  if (HEADER_ONLY_TYPES.has(type)) return 0;
  return Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
}

/** The `size` record of PAX extended header data (`"%d size=%d\n"` records), if any. */
export function paxSize(data: Buffer): number | undefined {
  let offset = 0;
  let size: number | undefined;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number(data.subarray(offset, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= 0 || offset + length > data.length) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0 && record.slice(0, eq) === 'size') {
      const value = Number(record.slice(eq + 1));
      if (Number.isSafeInteger(value) && value >= 0) size = value;
    }
    offset += length;
  }
  return size;
}
