import { describe, expect, it } from 'vitest';
import { HangarError } from '../errors/hangar-error.js';
import { prepareImageFilter, validateImageFilter, type ImageFilter } from './image-filter.js';

const now = new Date('2026-11-27T12:34:56.789Z');
const seconds = (iso: string) => String(new Date(iso).getTime() / 1000);

function refusal(filter: ImageFilter): HangarError {
  try {
    validateImageFilter(filter, now);
  } catch (error) {
    if (error instanceof HangarError) return error;
    throw error;
  }
  throw new Error('expected the filter to be refused');
}

describe('validateImageFilter', () => {
  it.each<[string, ImageFilter, string]>([
    ['an empty label', { label: ['tier=web', ''] }, 'filter.label: "" must be key or key=value'],
    ['a label with no key', { label: ['=web'] }, 'filter.label: "=web" must be key or key=value'],
    ['an empty reference pattern', { reference: ['busybox', ''] }, 'filter.reference: empty pattern'],
    ['an unclosed class (Go path.Match ErrBadPattern)', { reference: ['busybox:[0-9'] }, 'filter.reference: bad pattern "busybox:[0-9": syntax error in pattern'],
    ['a trailing escape', { reference: ['app\\'] }, 'filter.reference: bad pattern "app\\": syntax error in pattern'],
    ['a reversed range', { reference: ['app:[9-0]'] }, 'filter.reference: bad pattern "app:[9-0]": syntax error in pattern'],
    ['an empty class', { reference: ['app:[]'] }, 'filter.reference: bad pattern "app:[]": syntax error in pattern'],
    ['a blank before', { before: ' \t' }, 'filter.before: must name an image'],
    ['an empty since', { since: '' }, 'filter.since: must name an image'],
  ])('refuses %s with a BAD_REQUEST naming the field', (_, filter, message) => {
    const error = refusal(filter);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe(message);
  });

  it.each(['', 'yesterday', '10 minutes', '2026-13-40', 'h', '1h 30m', '12:00', '-'])('refuses until %j with docker\'s accepted forms in the message', (until) => {
    const error = refusal({ until });
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe(
      `filter.until: cannot parse "${until}" as a timestamp: use a duration (10m, 2h30m), RFC 3339 (2026-11-27T10:00:00Z) or Unix seconds`,
    );
  });

  it.each<[string, string]>([
    ['10m', '2026-11-27T12:24:56.789Z'],
    ['1h30m', '2026-11-27T11:04:56.789Z'],
    ['1.5h', '2026-11-27T11:04:56.789Z'],
    ['90s', '2026-11-27T12:33:26.789Z'],
    ['0', '2026-11-27T12:34:56.789Z'],
    ['2026-11-01T08:00:00Z', '2026-11-01T08:00:00.000Z'],
    ['2026-11-01T08:00:00.25-03:30', '2026-11-01T11:30:00.250Z'],
    ['1732700000', '2024-11-27T09:33:20.000Z'],
    ['1732700000.5', '2024-11-27T09:33:20.500Z'],
  ])('until %s is a duration back from now, RFC 3339 or Unix seconds', (until, iso) => {
    expect(validateImageFilter({ until }, now).until?.toISOString()).toBe(iso);
  });

  it.each<ImageFilter | null | undefined>([
    null,
    undefined,
    {},
    { dangling: null, label: null, reference: null, before: null, since: null, until: null },
    { label: ['tier', 'tier=', 'ключ=значение', 'a=b=c'], reference: ['*', 'goharbor/*', 'busybox:1.*', 'app:[!0-9]*', 'a\\*b', 'ünï/cödé:?'] },
    { before: 'busybox:latest', since: 'sha256:0123' },
  ])('accepts %j', (filter) => {
    expect(validateImageFilter(filter, now)).toEqual({ until: undefined });
  });
});

describe('prepareImageFilter', () => {
  it('passes everything the engine filters itself as docker would send it (strings in arrays)', () => {
    const filter: ImageFilter = {
      dangling: false,
      label: ['tier=web', 'owner'],
      reference: ['busybox:*', 'registry.example:5000/team/*'],
      before: 'app:2',
      since: 'sha256:abc',
    };
    expect(prepareImageFilter(filter, '1.43', now)).toEqual({
      engineFilters: {
        dangling: ['false'],
        label: ['tier=web', 'owner'],
        reference: ['busybox:*', 'registry.example:5000/team/*'],
        before: ['app:2'],
        since: ['sha256:abc'],
      },
      createdBefore: undefined,
    });
  });

  it.each<[boolean, string]>([
    [true, 'true'],
    [false, 'false'],
  ])('dangling %s is sent as %j', (dangling, sent) => {
    expect(prepareImageFilter({ dangling }, '1.41', now).engineFilters).toEqual({ dangling: [sent] });
  });

  it('sends nothing for an empty or null filter', () => {
    expect(prepareImageFilter(null, '1.47', now)).toEqual({ engineFilters: {}, createdBefore: undefined });
    expect(prepareImageFilter({ label: [], reference: [], dangling: null }, '1.47', now)).toEqual({ engineFilters: {}, createdBefore: undefined });
  });

  it('copies the lists, so later changes to the request do not reach the engine filter', () => {
    const label = ['a=1'];
    const prepared = prepareImageFilter({ label }, '1.44', now);
    label.push('b=2');
    expect(prepared.engineFilters.label).toEqual(['a=1']);
  });

  it.each<[string, string, string]>([
    ['1.44', '2h', '2026-11-27T10:34:56.789Z'],
    ['1.47', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'],
    ['1.45', '1732700000.5', '2024-11-27T09:33:20.500Z'],
  ])('API %s filters by until itself: the absolute time in Unix seconds (until=%s)', (api, until, iso) => {
    expect(prepareImageFilter({ until }, api, now)).toEqual({ engineFilters: { until: [seconds(iso)] }, createdBefore: undefined });
  });

  it.each(['1.43', '1.41', '1.24'])('API %s cannot filter images by until: Hangar does it after the engine', (api) => {
    expect(prepareImageFilter({ until: '30m', dangling: true }, api, now)).toEqual({
      engineFilters: { dangling: ['true'] },
      createdBefore: new Date('2026-11-27T12:04:56.789Z'),
    });
  });

  it('validates before preparing: a bad filter never reaches the engine', () => {
    expect(() => prepareImageFilter({ reference: ['[x'] }, '1.47', now)).toThrow(/^filter\.reference: bad pattern/);
    expect(() => prepareImageFilter({ until: 'soon' }, '1.47', now)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});
