import { describe, expect, it } from 'vitest';
import { labelSelectorOf, parseLabelSelector, selectHosts } from './select-hosts.js';

const fleet = [
  { name: 'alpha', labels: { role: 'web', env: 'test' } },
  { name: 'beta', labels: { role: 'api', env: 'test' } },
  { name: 'gamma', labels: { role: 'web', env: 'edge' } },
];

describe('selectHosts', () => {
  it('selects every host when nothing is asked', () => {
    expect(selectHosts(fleet, undefined)).toEqual({ hosts: ['alpha', 'beta', 'gamma'], unknown: [] });
  });

  it('selects by labels: all must match; a key alone needs only the key', () => {
    expect(selectHosts(fleet, { labels: labelSelectorOf({ role: 'web' }) }).hosts).toEqual(['alpha', 'gamma']);
    expect(selectHosts(fleet, { labels: labelSelectorOf({ role: 'web', env: 'test' }) }).hosts).toEqual(['alpha']);
    expect(selectHosts(fleet, { labels: [parseLabelSelector('env')] }).hosts).toEqual(['alpha', 'beta', 'gamma']);
    expect(selectHosts(fleet, { labels: [parseLabelSelector('toString')] }).hosts).toEqual([]);
  });

  it('unites names and labels, names first, without repeats, and reports unknown names', () => {
    expect(selectHosts(fleet, { names: ['gamma', 'omega', 'beta'], labels: [parseLabelSelector('role=web')] })).toEqual({ hosts: ['gamma', 'beta', 'alpha'], unknown: ['omega'] });
  });

  it('selects nothing for an empty selection', () => {
    expect(selectHosts(fleet, {})).toEqual({ hosts: [], unknown: [] });
  });
});

describe('parseLabelSelector', () => {
  it('splits at the first =', () => {
    expect(parseLabelSelector('a=b=c')).toEqual(['a', 'b=c']);
    expect(parseLabelSelector('a=')).toEqual(['a', '']);
    expect(parseLabelSelector('a')).toEqual(['a', undefined]);
  });
});
