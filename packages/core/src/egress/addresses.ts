import { BlockList, isIP, isIPv4, isIPv6 } from 'node:net';

/**
 * Networks no URL may reach unless `egress.allow` names them: the machine itself, its private networks, link-local
 * addresses (the cloud metadata service at 169.254.169.254 among them) and addresses that are no destination at all.
 */
export const DEFAULT_DENIED_NETWORKS: readonly string[] = [
  '0.0.0.0/8', // "this network": 0.0.0.0 reaches the local machine on Linux
  '10.0.0.0/8', // private
  '100.64.0.0/10', // carrier-grade NAT, shared address space
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, cloud metadata (169.254.169.254)
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and the broadcast address 255.255.255.255
  '::/128', // unspecified
  '::1/128', // loopback
  '100::/64', // discard-only
  'fc00::/7', // unique local (private)
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated, still routed by some)
  'ff00::/8', // multicast
];

/** A BlockList of CIDR networks (`10.0.0.0/8`, `fd00::/8`) or single addresses. */
export function networkList(entries: Iterable<string>): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const network = parseNetwork(entry);
    if (!network) throw new Error(`not an IP address or CIDR network: ${JSON.stringify(entry)}`);
    list.addSubnet(network.address, network.prefix, network.family);
  }
  return list;
}

/** `10.0.0.0/8`, `fd00::/8`, `192.0.2.7` or `::1` as address, prefix and family; undefined when it is none of these. */
export function parseNetwork(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) && !address.includes('%') ? 'ipv6' : undefined;
  if (!family) return undefined;
  const max = family === 'ipv4' ? 32 : 128;
  if (slash < 0) return { address, prefix: max, family };
  const text = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(text) || Number(text) > max) return undefined;
  return { address, prefix: Number(text), family };
}

/** The 16 bytes of an IPv6 address (dotted IPv4 tail allowed, zone ignored); undefined when it is not one. */
export function ipv6Bytes(address: string): Uint8Array | undefined {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0]!;
  if (!isIPv6(bare)) return undefined;
  // A dotted IPv4 tail (`::ffff:127.0.0.1`) is two groups.
  const text = bare.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const double = text.indexOf('::');
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const front = words(double < 0 ? text : text.slice(0, double));
  const back = double < 0 ? [] : words(text.slice(double + 2));
  const groups = double < 0 ? front : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

const v4Of = (b: Uint8Array, at: number, xor = 0) => [0, 1, 2, 3].map((i) => b[at + i]! ^ xor).join('.');

/**
 * The IPv4 addresses an IPv6 address carries and that a packet to it may end up at: IPv4-mapped (`::ffff:a.b.c.d`),
 * IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`, `64:ff9b:1::/48`), 6to4 (`2002:AABB:CCDD::/48`) and
 * Teredo (`2001::/32`: server and obfuscated client).
 */
export function embeddedIPv4(address: string): string[] {
  const b = ipv6Bytes(address);
  if (!b) return [];
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const out: string[] = [];
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) out.push(v4Of(b, 12)); // ::ffff:a.b.c.d
  else if (zeros(0, 12) && !zeros(12, 15)) out.push(v4Of(b, 12)); // ::a.b.c.d (not :: or ::1, which are listed themselves)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) out.push(v4Of(b, 12)); // 64:ff9b::/96
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b[4] === 0x00 && b[5] === 0x01) out.push(v4Of(b, 12)); // 64:ff9b:1::/48
  if (b[0] === 0x20 && b[1] === 0x02) out.push(v4Of(b, 2)); // 6to4
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x00 && b[3] === 0x00) out.push(v4Of(b, 4), v4Of(b, 12, 0xff)); // Teredo
  return out;
}

/** Whether `address` (or an IPv4 address it embeds) is in `list`. */
export function inNetworks(list: BlockList, address: string): boolean {
  const family = isIP(address);
  if (family === 4) return list.check(address, 'ipv4');
  if (family !== 6) return false;
  if (list.check(address, 'ipv6')) return true;
  return embeddedIPv4(address).some((v4) => list.check(v4, 'ipv4'));
}

/** The default denied networks, compiled once. */
export const DEFAULT_DENIED: BlockList = networkList(DEFAULT_DENIED_NETWORKS);
