import { describe, expect, it } from 'vitest';
import { hostFilter, hostMatches, imageFilter, parseFilterBool, pruneFilter, searchFilter, splitRepoTag } from './filters.js';

describe('--filter parsing', () => {
  it('image ls filters, repeatable ones accumulated, the positional REPOSITORY as a reference filter', () => {
    expect(imageFilter(['dangling=true', 'label=a', 'label=b=c', 'reference=x/*', 'before=app:1', 'since=base', 'until=24h'], 'y')).toEqual({
      dangling: true,
      label: ['a', 'b=c'],
      reference: ['x/*', 'y'],
      before: 'app:1',
      since: 'base',
      until: '24h',
    });
    expect(imageFilter(undefined)).toBeUndefined();
    expect(imageFilter(['dangling=0'])).toEqual({ dangling: false });
  });

  it('refuses what docker refuses', () => {
    expect(() => imageFilter(['bogus=1'])).toThrow("Invalid filter 'bogus'");
    expect(() => imageFilter(['dangling=maybe'])).toThrow("Invalid filter 'dangling=maybe'");
    expect(() => imageFilter(['dangling'])).toThrow('bad format of filter (expected name=value)');
    expect(() => imageFilter(['before=a', 'before=b'])).toThrow(/only once/);
    expect(() => parseFilterBool('x', 'yes')).toThrow();
  });

  it('prune filters: until, label and label!=', () => {
    expect(pruneFilter(['until=24h', 'label=a=b', 'label!=keep', 'label!=k=v'])).toEqual({ until: '24h', label: ['a=b'], labelNot: ['keep', 'k=v'] });
    expect(() => pruneFilter(['dangling=true'])).toThrow("Invalid filter 'dangling'");
  });

  it('search filters', () => {
    expect(searchFilter(['stars=3', 'is-official=true', 'is-automated=false'])).toEqual({ stars: 3, isOfficial: true, isAutomated: false });
    expect(() => searchFilter(['stars=abc'])).toThrow("Invalid filter 'stars=abc'");
  });

  it('host filters', () => {
    const filter = hostFilter(['label=role=web', 'status=up']);
    const host = (name: string, status: string, role: string) => ({ name, status, labels: [{ key: 'role', value: role }] });
    expect(hostMatches(host('alpha', 'UP', 'web'), filter)).toBe(true);
    expect(hostMatches(host('beta', 'UP', 'api'), filter)).toBe(false);
    expect(hostMatches(host('gamma', 'DOWN', 'web'), filter)).toBe(false);
    expect(hostMatches(host('beta', 'UP', 'api'), hostFilter(['label=role']))).toBe(true);
  });

  it('REPOSITORY[:TAG] splits at a tag, not at a registry port', () => {
    expect(splitRepoTag('team/app:v1')).toEqual({ repo: 'team/app', tag: 'v1' });
    expect(splitRepoTag('127.0.0.1:5000/team/app')).toEqual({ repo: '127.0.0.1:5000/team/app' });
    expect(splitRepoTag('127.0.0.1:5000/team/app:2')).toEqual({ repo: '127.0.0.1:5000/team/app', tag: '2' });
  });
});
