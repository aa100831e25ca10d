import { describe, expect, it } from 'vitest';
import { parseDockerTimestamp, parseGoDuration } from './timestamp.js';

const now = new Date('2026-11-27T12:00:00Z');

describe('docker time arguments', () => {
  it.each([
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['-2s', -2000],
    ['0', 0],
  ])('duration %s', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each([
    ['24h', '2026-11-26T12:00:00.000Z'],
    ['2026-11-27T10:00:00Z', '2026-11-27T10:00:00.000Z'],
    ['2026-11-27T10:00:00.5+02:00', '2026-11-27T08:00:00.500Z'],
    ['1732700000', '2024-11-27T09:33:20.000Z'],
    ['1732700000.25', '2024-11-27T09:33:20.250Z'],
  ])('%s', (text, iso) => {
    expect(parseDockerTimestamp(text, now).toISOString()).toBe(iso);
  });

  it.each(['', 'yesterday', '10 minutes', '2026-13-40', 'h'])('rejects %j', (text) => {
    expect(() => parseDockerTimestamp(text, now)).toThrow(/cannot parse/);
  });
});
