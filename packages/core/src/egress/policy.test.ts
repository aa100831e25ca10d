import { describe, expect, it } from 'vitest';
import { embeddedIPv4, inNetworks, DEFAULT_DENIED } from './addresses.js';
import { checkSearchIndex, checkUrl, compileEgressPolicy, parseAllowEntry, parseTarget, type Resolver } from './policy.js';

/** A resolver from a fixed table (names not in it do not resolve). */
const table =
  (entries: Record<string, string[]>): Resolver =>
  async (host) => {
    const found = entries[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };

const dns = table({
  'public.example': ['93.184.216.34'],
  'dual.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example': ['10.1.2.3'],
  'mixed.example': ['93.184.216.34', '127.0.0.1'],
  'rebind.example': ['169.254.169.254'],
  'metadata.google.internal': ['169.254.169.254'],
  localhost: ['127.0.0.1', '::1'],
  'localhost.': ['127.0.0.1'],
  'v6only.example': ['::ffff:10.0.0.1'],
  'artifacts.example.com': ['10.20.0.5'],
  'a.b.corp.example': ['10.9.9.9'],
});

const open = compileEgressPolicy();

async function outcome(url: string, policy = open, use: 'download' | 'build-context' = 'download'): Promise<string> {
  try {
    await checkUrl(url, policy, dns, { use, what: 'test' });
    return 'allowed';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('address classification', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['10.0.0.1', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['100.127.255.255', true],
    ['100.128.0.1', false],
    ['0.0.0.0', true],
    ['224.0.0.251', true],
    ['255.255.255.255', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['febf::1', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:169.254.169.254', true],
    ['::ffff:a9fe:a9fe', true],
    ['::ffff:8.8.8.8', false],
    ['::127.0.0.1', true],
    ['64:ff9b::a9fe:a9fe', true],
    ['64:ff9b::808:808', false],
    ['2002:7f00:1::', true],
    ['2002:0a00:0001::1', true],
    ['2002:0808:0808::1', false],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', true], // Teredo, client 127.0.0.1 (obfuscated)
    ['2606:4700:4700::1111', false],
  ])('%s denied by default: %s', (address, denied) => {
    expect(inNetworks(DEFAULT_DENIED, address)).toBe(denied);
  });

  it('finds the IPv4 address inside mapped, compatible, NAT64 and 6to4 forms', () => {
    expect(embeddedIPv4('::ffff:10.1.2.3')).toEqual(['10.1.2.3']);
    expect(embeddedIPv4('0:0:0:0:0:ffff:0a01:0203')).toEqual(['10.1.2.3']);
    expect(embeddedIPv4('64:ff9b::10.1.2.3')).toEqual(['10.1.2.3']);
    expect(embeddedIPv4('2002:c0a8:0101::')).toEqual(['192.168.1.1']);
    expect(embeddedIPv4('2606:4700::1')).toEqual([]);
    expect(embeddedIPv4('not-an-address')).toEqual([]);
  });
});

describe('checkUrl with the default policy', () => {
  it.each([
    ['http://public.example/image.tar', 'allowed'],
    ['https://public.example:8443/a/b.tar?X-Amz-Signature=abc', 'allowed'],
    ['https://dual.example/x', 'allowed'],
    ['http://93.184.216.34/x', 'allowed'],
    ['http://[2606:4700:4700::1111]/x', 'allowed'],
    // loopback, link-local and metadata, private, CGNAT, unspecified, multicast
    ['http://127.0.0.1/', 'EGRESS_DENIED'],
    ['http://127.0.0.1:6379/', 'EGRESS_DENIED'],
    ['http://127.8.9.10/', 'EGRESS_DENIED'],
    ['http://localhost/', 'EGRESS_DENIED'],
    ['http://LOCALHOST/', 'EGRESS_DENIED'],
    ['http://localhost./', 'EGRESS_DENIED'],
    ['http://169.254.169.254/latest/meta-data/', 'EGRESS_DENIED'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'EGRESS_DENIED'],
    ['http://10.0.0.1/', 'EGRESS_DENIED'],
    ['http://172.16.5.4/', 'EGRESS_DENIED'],
    ['http://192.168.0.1/', 'EGRESS_DENIED'],
    ['http://100.64.1.1/', 'EGRESS_DENIED'],
    ['http://0.0.0.0/', 'EGRESS_DENIED'],
    ['http://224.0.0.1/', 'EGRESS_DENIED'],
    ['http://internal.example/', 'EGRESS_DENIED'],
    ['http://rebind.example/', 'EGRESS_DENIED'],
    ['http://v6only.example/', 'EGRESS_DENIED'],
    // one bad address among good ones is enough: the engine may pick any
    ['http://mixed.example/', 'EGRESS_DENIED'],
    // IPv6 forms
    ['http://[::1]/', 'EGRESS_DENIED'],
    ['http://[::1]:8080/', 'EGRESS_DENIED'],
    ['http://[::]/', 'EGRESS_DENIED'],
    ['http://[fe80::1]/', 'EGRESS_DENIED'],
    ['http://[fd00::1]/', 'EGRESS_DENIED'],
    ['http://[::ffff:127.0.0.1]/', 'EGRESS_DENIED'],
    ['http://[::ffff:7f00:1]/', 'EGRESS_DENIED'],
    ['http://[::ffff:169.254.169.254]/', 'EGRESS_DENIED'],
    ['http://[0:0:0:0:0:ffff:a9fe:a9fe]/', 'EGRESS_DENIED'],
    ['http://[64:ff9b::a9fe:a9fe]/', 'EGRESS_DENIED'],
    ['http://[fe80::1%25eth0]/', 'EGRESS_DENIED'],
    // numeric tricks: decimal, octal, hex, short forms, trailing dot
    ['http://2130706433/', 'EGRESS_DENIED'],
    ['http://0x7f.1/', 'EGRESS_DENIED'],
    ['http://0x7f000001/', 'EGRESS_DENIED'],
    ['http://017700000001/', 'EGRESS_DENIED'],
    ['http://0177.0.0.1/', 'EGRESS_DENIED'],
    ['http://127.1/', 'EGRESS_DENIED'],
    ['http://127.0.1/', 'EGRESS_DENIED'],
    ['http://127.0.0.1./', 'EGRESS_DENIED'],
    ['http://0/', 'EGRESS_DENIED'],
    ['http://1572395042/', 'EGRESS_DENIED'], // a public address in decimal is as ambiguous
    ['http://%31%32%37.0.0.1/', 'EGRESS_DENIED'],
    ['http://ｌocalhost/', 'EGRESS_DENIED'],
    ['http://public.example。127.0.0.1/', 'EGRESS_DENIED'],
    // userinfo and parser-differential tricks
    ['http://public.example@127.0.0.1/', 'EGRESS_DENIED'],
    ['http://public.example:80@127.0.0.1/', 'EGRESS_DENIED'],
    ['http://user:p%40ss@127.0.0.1:9/', 'EGRESS_DENIED'],
    ['http://127.0.0.1#@public.example/', 'EGRESS_DENIED'],
    ['http://127.0.0.1?@public.example/', 'EGRESS_DENIED'],
    ['http://public.example\\@127.0.0.1/', 'BAD_REQUEST'],
    ['http://public.example%2f@127.0.0.1/', 'EGRESS_DENIED'],
    ['http://127.0.0.1 public.example/', 'BAD_REQUEST'],
    ['http://127.0.0.1%09/', 'EGRESS_DENIED'],
    // names that do not resolve are refused like denied ones
    ['http://does-not-exist.example/', 'EGRESS_DENIED'],
    // not a download URL at all
    ['ftp://public.example/x', 'BAD_REQUEST'],
    ['file:///etc/passwd', 'BAD_REQUEST'],
    ['gopher://127.0.0.1:6379/_INFO', 'BAD_REQUEST'],
    ['public.example/x', 'BAD_REQUEST'],
    ['', 'BAD_REQUEST'],
    ['http://public.example:99999/', 'BAD_REQUEST'],
    ['http:///x', 'BAD_REQUEST'],
  ])('%s: %s', async (url, expected) => {
    expect(await outcome(url)).toBe(expected);
  });

  it('says the same thing whether a name resolves to a denied address or does not resolve', async () => {
    const messages = await Promise.all(
      ['http://internal.example/x', 'http://does-not-exist.example/x'].map((url) =>
        checkUrl(url, open, dns, { what: 'loadImage' }).then(
          () => '',
          (error: Error) => error.message.replace(/http:\/\/[^ ]+/, 'URL'),
        ),
      ),
    );
    expect(messages[0]).toMatch(/is not an allowed destination/);
    expect(messages[0]).toBe(messages[1]);
    expect(messages[0]).not.toContain('10.1.2.3');
  });

  it('keeps credentials and query values out of its messages', async () => {
    const error = await checkUrl('https://robot:s3cr%C3%A9t-pa55@internal.example/x?X-Amz-Signature=deadbeef', open, dns, { what: 'importImage' }).catch((e: Error) => e);
    expect((error as Error).message).toContain('importImage: https://internal.example/x');
    expect((error as Error).message).not.toMatch(/robot|s3cr|pa55|deadbeef/);
  });
});

describe('allow and deny entries', () => {
  it('a URL pattern opens an internal artifact server, for its scheme, port and path only', async () => {
    const policy = compileEgressPolicy({ allow: ['https://artifacts.example.com/releases/*'] });
    expect(await outcome('https://artifacts.example.com/releases/v1/image.tar', policy)).toBe('allowed');
    expect(await outcome('https://artifacts.example.com/releases/', policy)).toBe('allowed');
    expect(await outcome('https://user:pw@artifacts.example.com/releases/x.tar', policy)).toBe('allowed');
    expect(await outcome('https://artifacts.example.com/admin', policy)).toBe('EGRESS_DENIED');
    expect(await outcome('https://artifacts.example.com/releases/../admin', policy)).toBe('EGRESS_DENIED');
    expect(await outcome('https://artifacts.example.com/releases/%2e%2e/admin', policy)).toBe('EGRESS_DENIED');
    expect(await outcome('http://artifacts.example.com/releases/x', policy)).toBe('EGRESS_DENIED');
    expect(await outcome('https://artifacts.example.com:8443/releases/x', policy)).toBe('EGRESS_DENIED');
    expect(await outcome('https://artifacts.example.com@10.20.0.5/releases/x', policy)).toBe('EGRESS_DENIED');
    expect(await outcome('https://10.20.0.5/releases/x', policy)).toBe('EGRESS_DENIED');
  });

  it('a host entry opens a name (and its wildcard subdomains), optionally on one port', async () => {
    const policy = compileEgressPolicy({ allow: ['*.corp.example', 'localhost:5000'] });
    expect(await outcome('http://a.b.corp.example/x', policy)).toBe('allowed');
    expect(await outcome('http://corp.example/x', policy)).toBe('EGRESS_DENIED');
    expect(await outcome('http://evilcorp.example/x', policy)).toBe('EGRESS_DENIED');
    expect(await outcome('http://localhost:5000/x', policy)).toBe('allowed');
    expect(await outcome('http://localhost:5001/x', policy)).toBe('EGRESS_DENIED');
    expect(await outcome('http://127.0.0.1:5000/x', policy)).toBe('EGRESS_DENIED');
  });

  it('an address or CIDR entry opens those addresses however they are reached', async () => {
    const policy = compileEgressPolicy({ allow: ['127.0.0.1', '10.0.0.0/8', '::1'] });
    expect(await outcome('http://127.0.0.1:4321/x', policy)).toBe('allowed');
    expect(await outcome('http://localhost/x', policy)).toBe('allowed');
    expect(await outcome('http://internal.example/x', policy)).toBe('allowed');
    expect(await outcome('http://[::ffff:10.0.0.1]/x', policy)).toBe('allowed');
    expect(await outcome('http://127.0.0.2/x', policy)).toBe('EGRESS_DENIED');
    expect(await outcome('http://169.254.169.254/x', policy)).toBe('EGRESS_DENIED');
    // The numeric tricks stay refused even where the address is allowed: what the engine reads is not certain.
    expect(await outcome('http://2130706433/', policy)).toBe('EGRESS_DENIED');
  });

  it('deny entries win over allow entries, and allowPublic false leaves only what allow names', async () => {
    const policy = compileEgressPolicy({ allow: ['10.0.0.0/8', 'internal.example'], deny: ['10.1.0.0/16', '93.184.216.0/24'] });
    expect(await outcome('http://10.2.0.1/x', policy)).toBe('allowed');
    expect(await outcome('http://10.1.0.1/x', policy)).toBe('EGRESS_DENIED');
    expect(await outcome('http://internal.example/x', policy)).toBe('EGRESS_DENIED');
    expect(await outcome('http://public.example/x', policy)).toBe('EGRESS_DENIED');
    const strict = compileEgressPolicy({ allowPublic: false, allow: ['https://public.example/ok/*'] });
    expect(await outcome('https://public.example/ok/x', strict)).toBe('allowed');
    expect(await outcome('https://public.example/other', strict)).toBe('EGRESS_DENIED');
    expect(await outcome('https://dual.example/ok/x', strict)).toBe('EGRESS_DENIED');
  });

  it.each([
    ['https://artifacts.example.com/*', 'url'],
    ['git@', undefined],
    ['registry.internal', 'host'],
    ['registry.internal:5000', 'host'],
    ['*.corp.example', 'host'],
    ['10.0.0.0/8', 'network'],
    ['fd00::/8', 'network'],
    ['127.0.0.1', 'network'],
    ['10.0.0.0/33', undefined],
    ['ftp://x/*', undefined],
    ['https://user@x/*', undefined],
    ['0x7f.1', undefined],
    ['*.10.0.0.1', undefined],
    [' spaced', undefined],
    ['host:99999', undefined],
  ])('allow entry %s is %s', (entry, kind) => {
    if (kind) expect(parseAllowEntry(entry).kind).toBe(kind);
    else expect(() => parseAllowEntry(entry)).toThrow(JSON.stringify(entry));
  });
});

describe('build contexts', () => {
  it('takes the git forms the engine takes, and checks where they lead', async () => {
    expect(parseTarget('git@github.com:moby/moby.git', 'build-context')).toEqual({ scheme: 'ssh', host: 'github.com', port: 22, path: '/moby/moby.git' });
    expect(parseTarget('github.com/moby/moby', 'build-context')).toMatchObject({ scheme: 'https', host: 'github.com', port: 443 });
    expect(parseTarget('git://public.example/repo.git#main:dir', 'build-context')).toEqual({ scheme: 'git', host: 'public.example', port: 9418, path: '/repo.git' });
    expect(await outcome('git@public.example:team/repo.git', open, 'build-context')).toBe('allowed');
    expect(await outcome('https://public.example/repo.git#main', open, 'build-context')).toBe('allowed');
    expect(await outcome('git@10.0.0.5:team/repo.git', open, 'build-context')).toBe('EGRESS_DENIED');
    expect(await outcome('git@localhost:team/repo.git', open, 'build-context')).toBe('EGRESS_DENIED');
    expect(await outcome('git@0x7f.1:repo', open, 'build-context')).toBe('EGRESS_DENIED');
    expect(await outcome('git://127.0.0.1/repo.git', open, 'build-context')).toBe('EGRESS_DENIED');
    expect(await outcome('git://2130706433/repo.git', open, 'build-context')).toBe('EGRESS_DENIED');
    expect(await outcome('git://public.example@192.168.1.1/repo.git', open, 'build-context')).toBe('EGRESS_DENIED');
    expect(await outcome('http://192.168.1.1/context.tar', open, 'build-context')).toBe('EGRESS_DENIED');
    expect(await outcome('ssh://public.example/repo.git', open, 'build-context')).toBe('BAD_REQUEST');
    expect(await outcome('git@public.example:repo', open, 'download')).toBe('BAD_REQUEST');
    const policy = compileEgressPolicy({ allow: ['ssh://git.internal.example/team/*', 'git.internal.example:9418'] });
    const internal = table({ 'git.internal.example': ['10.3.3.3'] });
    await expect(checkUrl('git@git.internal.example:team/repo.git', policy, internal, { use: 'build-context' })).resolves.toMatchObject({ addresses: ['10.3.3.3'] });
    await expect(checkUrl('git://git.internal.example/other.git', policy, internal, { use: 'build-context' })).resolves.toMatchObject({ addresses: ['10.3.3.3'] });
    await expect(checkUrl('git@git.internal.example:other/repo.git', policy, internal, { use: 'build-context' })).rejects.toMatchObject({ code: 'EGRESS_DENIED' });
  });
});

describe('search indexes', () => {
  it('refuses an index on a denied address unless allowed (by address, host or a URL pattern of either scheme)', async () => {
    await expect(checkSearchIndex('127.0.0.1:5000', open, dns)).rejects.toMatchObject({ code: 'EGRESS_DENIED' });
    await expect(checkSearchIndex('localhost:5000', open, dns)).rejects.toMatchObject({ code: 'EGRESS_DENIED' });
    await expect(checkSearchIndex('[::1]:5000', open, dns)).rejects.toMatchObject({ code: 'EGRESS_DENIED' });
    await expect(checkSearchIndex('2130706433:5000', open, dns)).rejects.toMatchObject({ code: 'EGRESS_DENIED' });
    await expect(checkSearchIndex('public.example', open, dns)).resolves.toBeUndefined();
    await expect(checkSearchIndex('127.0.0.1:5000', compileEgressPolicy({ allow: ['127.0.0.1'] }), dns)).resolves.toBeUndefined();
    await expect(checkSearchIndex('127.0.0.1:5000', compileEgressPolicy({ allow: ['http://127.0.0.1:5000/v1/*'] }), dns)).resolves.toBeUndefined();
    await expect(checkSearchIndex('127.0.0.1:5001', compileEgressPolicy({ allow: ['http://127.0.0.1:5000/v1/*'] }), dns)).rejects.toMatchObject({ code: 'EGRESS_DENIED' });
  });
});
