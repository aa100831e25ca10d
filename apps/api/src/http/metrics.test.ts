import { describe, expect, it } from 'vitest';
import { family, routeOf, series } from './metrics.js';

describe('Prometheus text format', () => {
  it('writes series with escaped label values', () => {
    expect(series('up')).toBe('up');
    expect(series('x', { host: 'a"b\\c\nd' })).toBe('x{host="a\\"b\\\\c\\nd"}');
  });

  it('writes a family: HELP, TYPE, then its samples', () => {
    expect(family('hangar_host_up', 'gauge', 'Up or not.', [{ labels: { host: 'alpha' }, value: 1 }, { labels: { host: 'beta' }, value: Number.NaN }])).toBe(
      '# HELP hangar_host_up Up or not.\n# TYPE hangar_host_up gauge\nhangar_host_up{host="alpha"} 1\nhangar_host_up{host="beta"} NaN\n',
    );
  });

  it('groups routes so that series stay few', () => {
    expect(routeOf('/api/v1/hosts/alpha/images/export')).toBe('/api/v1/hosts/:host/images/export');
    expect(routeOf('/webhooks/registry')).toBe('/webhooks/:receiver');
    expect(routeOf('/graphql')).toBe('/graphql');
    expect(routeOf('/nope/123')).toBe('other');
  });
});
