import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { allows, egressPolicyOf, parseTarget } from './policy.js';

const parse = (egress: unknown) => parseConfig({ egress }, { source: 'hangar.yaml', env: {} });

describe('hangar.yaml egress section', () => {
  it('defaults to the default policy: nothing allowed beyond public addresses', () => {
    const config = parseConfig({}, { env: {} });
    expect(config.egress).toEqual({ allow: [], deny: [], allowPublic: true });
    const policy = egressPolicyOf(config.egress);
    expect(allows(policy, parseTarget('http://example.com/', 'download'), ['93.184.216.34'])).toBe(true);
    expect(allows(policy, parseTarget('http://example.com/', 'download'), ['169.254.169.254'])).toBe(false);
    expect(egressPolicyOf(config.egress)).toBe(policy);
  });

  it('takes allow and deny entries and compiles them', () => {
    const config = parse({ allow: ['https://artifacts.example.com/*', 'registry.internal:5000', '10.0.0.0/8'], deny: ['10.9.0.0/16'], allowPublic: false });
    const policy = egressPolicyOf(config.egress);
    expect(allows(policy, parseTarget('https://artifacts.example.com/a.tar', 'download'), ['10.1.1.1'])).toBe(true);
    expect(allows(policy, parseTarget('http://x.example/', 'download'), ['10.9.1.1'])).toBe(false);
    expect(allows(policy, parseTarget('http://x.example/', 'download'), ['93.184.216.34'])).toBe(false);
  });

  it.each([
    [{ allow: ['ftp://x/*'] }, /egress\.allow\[0\].*"ftp:\/\/x\/\*": the scheme must be one of/],
    [{ allow: ['ok.example', '10.0.0.0/99'] }, /egress\.allow\[1\].*"10\.0\.0\.0\/99"/],
    [{ allow: ['0x7f.1'] }, /egress\.allow\[0\].*not a plain dotted-quad/],
    [{ deny: ['example.com'] }, /egress\.deny\[0\].*not an IP address or CIDR network/],
    [{ allowPublic: 'yes' }, /egress\.allowPublic/],
    [{ block: [] }, /egress.*block/],
  ])('%j is refused with a message naming the key', (egress, message) => {
    expect(() => parse(egress)).toThrow(message);
  });
});
