import { describe, expect, it } from 'vitest';
import { createdSince, goFormatG, humanDuration, humanSize, humanSize4 } from './go-units.js';

describe('go-units sizes, as docker prints them', () => {
  it.each([
    [0, '0B'],
    [4, '4B'],
    [999, '999B'],
    [1000, '1kB'],
    [4130, '4.13kB'],
    [1_986_717, '1.99MB'],
    [1_982_914, '1.98MB'],
    [123_456_789, '123MB'],
    [999_999_999, '1e+03MB'],
    [1_000_000_000, '1GB'],
    [5.5e15, '5.5PB'],
  ])('HumanSizeWithPrecision(%d, 3) = %s', (bytes, text) => {
    expect(humanSize(bytes)).toBe(text);
  });

  it.each([
    [0, '0B'],
    [1_986_717, '1.987MB'],
    [1_982_914, '1.983MB'],
    [13, '13B'],
    [1_234_567_890, '1.235GB'],
  ])('HumanSize(%d) = %s (system df)', (bytes, text) => {
    expect(humanSize4(bytes)).toBe(text);
  });

  it("formats like Go's %g", () => {
    expect(goFormatG(0.0001234, 3)).toBe('0.000123');
    expect(goFormatG(0.00001234, 3)).toBe('1.23e-05');
    expect(goFormatG(12.5, 3)).toBe('12.5');
    expect(goFormatG(100, 3)).toBe('100');
  });
});

describe('go-units HumanDuration', () => {
  const s = 1000;
  const m = 60 * s;
  const h = 60 * m;
  const d = 24 * h;
  it.each([
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [1 * s, '1 second'],
    [1.9 * s, '1 second'],
    [2 * s, '2 seconds'],
    [59.9 * s, '59 seconds'],
    [60 * s, 'About a minute'],
    [119 * s, 'About a minute'],
    [2 * m, '2 minutes'],
    [59 * m + 59 * s, '59 minutes'],
    [60 * m, 'About an hour'],
    [89 * m, 'About an hour'],
    [90 * m, '2 hours'],
    [47 * h + 29 * m, '47 hours'],
    [47 * h + 30 * m, '2 days'],
    [13 * d, '13 days'],
    [14 * d, '2 weeks'],
    [59 * d, '8 weeks'],
    [60 * d, '2 months'],
    [729 * d, '24 months'],
    [730 * d, '2 years'],
    [5 * 365 * d + 10 * d, '5 years'],
  ])('%d ms is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('CREATED reads "… ago" from now', () => {
    expect(createdSince(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:01:30Z'))).toBe('About a minute ago');
  });
});
