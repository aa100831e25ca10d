import type { BlockList } from 'node:net';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { HangarError } from '../errors/hangar-error.js';
import { redactUrl } from '../archives/redact-url.js';
import { DEFAULT_DENIED, inNetworks, networkList, parseNetwork } from './addresses.js';

/**
 * The egress policy: which destinations a URL given to Hangar may lead to, for what Hangar fetches itself
 * (`loadImage` from a URL) and for what it hands to an engine (`importImage` URLs, remote build contexts, the
 * index of a `searchImages` term). Pure: name resolution is passed in.
 *
 * A destination is allowed when
 * 1. none of its addresses is in `deny` (absolute: nothing opens these), and
 * 2. an `allow` entry names it (a URL pattern or a host name), or each of its addresses is in an `allow` network
 *    or is public (outside `DEFAULT_DENIED_NETWORKS`) while `allowPublic` holds.
 * A name that does not resolve is refused like a denied one, with the same message: the answer never tells a
 * caller whether an internal name exists or a port listens.
 */

/** `hangar.yaml`'s `egress` section. */
export interface EgressConfig {
  /** URL patterns (`https://artifacts.example.com/*`), host names (`registry.internal`, `*.corp.example`, with an optional `:port`), IP addresses and CIDR networks. */
  allow?: readonly string[] | undefined;
  /** Networks never reached, whatever `allow` says (in addition to the defaults, which `allow` can open). */
  deny?: readonly string[] | undefined;
  /** Public addresses are allowed without an `allow` entry (default true); false makes `allow` the only way out. */
  allowPublic?: boolean | undefined;
}

export type EgressScheme = 'http' | 'https' | 'git' | 'ssh';

/** Where a URL leads, as the engine or Hangar will connect to it. */
export interface EgressTarget {
  scheme: EgressScheme;
  /** Lower case, without brackets or a trailing dot. */
  host: string;
  port: number;
  /** Path and query (`/a/b?c=d`), `/` at least. */
  path: string;
}

interface UrlPattern {
  scheme: EgressScheme;
  host: HostPattern;
  port: number;
  path: RegExp;
}

interface HostPattern {
  /** Exact host, or the suffix after `*.`. */
  name: string;
  wildcard: boolean;
  /** Only this port, when given. */
  port?: number;
}

export interface EgressPolicy {
  readonly allowPublic: boolean;
  readonly urls: readonly UrlPattern[];
  readonly hosts: readonly HostPattern[];
  readonly networks: BlockList;
  readonly deny: BlockList;
}

/** Resolves a host name to its addresses (all of them). */
export type Resolver = (host: string) => Promise<string[]>;

export const DEFAULT_PORTS: Record<EgressScheme, number> = { http: 80, https: 443, git: 9418, ssh: 22 };
const SCHEMES = Object.keys(DEFAULT_PORTS) as EgressScheme[];

/** A refused destination. Its message never says why beyond "not allowed", nor what a name resolved to. */
export class EgressDeniedError extends HangarError {
  constructor(message: string) {
    super('EGRESS_DENIED', message);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Hosts as written

/** A DNS name as Go, glibc and the WHATWG URL parser all read the same way: ASCII labels, no numeric tricks. */
const DNS_NAME = /^(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9_-]{1,63}(?<!-))*\.?$/;

/**
 * The host as written (between `@` or `//` and `:port`), checked to be one that every parser reads alike: a
 * dotted-quad IPv4 address, a bracketed IPv6 address, or a DNS name whose last label is not numeric. `0x7f.1`,
 * `2130706433`, `0177.0.0.1`, `127.1`, `127.0.0.1.` and non-ASCII names are refused: Go (the engine) and glibc read
 * them differently from the URL parser, so what Hangar checks might not be what the engine reaches.
 */
function canonicalHost(raw: string, shown: string): string {
  if (raw.startsWith('[')) {
    const inner = /^\[([0-9a-fA-F:.]+)\]$/.exec(raw)?.[1];
    if (!inner || !isIPv6(inner)) throw new EgressDeniedError(`${shown}: the host ${raw} is not a plain IPv6 address`);
    return inner.toLowerCase();
  }
  const host = raw.toLowerCase();
  if (host === '') throw new HangarError('BAD_REQUEST', `${shown}: the URL has no host`);
  const bare = host.endsWith('.') ? host.slice(0, -1) : host;
  const last = bare.slice(bare.lastIndexOf('.') + 1);
  if (/^\d+$|^0x[0-9a-f]*$/.test(last)) {
    // Numeric: only a plain dotted quad, with no leading zero and no trailing dot, is the same address everywhere.
    if (host !== bare || !isIPv4(bare)) throw new EgressDeniedError(`${shown}: the host ${raw} is not a plain dotted-quad IPv4 address (write it as a.b.c.d)`);
    return bare;
  }
  if (!DNS_NAME.test(host)) throw new EgressDeniedError(`${shown}: the host ${JSON.stringify(raw)} is not a plain ASCII host name`);
  return bare;
}

function portOf(raw: string | undefined, scheme: EgressScheme, shown: string): number {
  if (raw === undefined || raw === '') return DEFAULT_PORTS[scheme];
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) throw new HangarError('BAD_REQUEST', `${shown}: bad port ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Splits `host[:port]` / `[v6][:port]`. */
function splitHostPort(hostport: string): { host: string; port: string | undefined } {
  const v6 = /^(\[[^\]]*\])(?::(.*))?$/.exec(hostport);
  if (v6) return { host: v6[1]!, port: v6[2] };
  const colon = hostport.lastIndexOf(':');
  return colon < 0 ? { host: hostport, port: undefined } : { host: hostport.slice(0, colon), port: hostport.slice(colon + 1) };
}

/** What a URL is for: which forms and schemes it may take. */
export type EgressUse =
  /** Downloaded over HTTP(S) by Hangar or an engine (`loadImage`, `importImage`). */
  | 'download'
  /** A remote build context: an HTTP(S) URL, or a git form (`git://`, `git@host:path`, `github.com/...`). */
  | 'build-context';

/**
 * Parses a URL into the destination it leads to, refusing forms that parsers read differently (backslashes,
 * whitespace, control characters, encoded or non-canonical hosts). Throws BAD_REQUEST for what is no usable URL,
 * EGRESS_DENIED for a host written to confuse.
 */
export function parseTarget(input: string, use: EgressUse): EgressTarget {
  const shown = redactUrl(input);
  if (typeof input !== 'string' || input === '') throw new HangarError('BAD_REQUEST', 'url: give a URL');
  if (input.length > 8192) throw new HangarError('BAD_REQUEST', 'url: longer than 8192 characters');
  if (/[\s\\\u0000-\u001f\u007f]/.test(input)) throw new HangarError('BAD_REQUEST', `url: ${JSON.stringify(shown)} holds whitespace, a backslash or a control character`);
  if (use === 'build-context') {
    const scp = /^git@([^:/]+|\[[^\]]*\]):(.*)$/.exec(input);
    if (scp) return { scheme: 'ssh', host: canonicalHost(scp[1]!, shown), port: 22, path: `/${scp[2]!.replace(/^\/+/, '')}` };
    if (input.startsWith('github.com/')) return { scheme: 'https', host: 'github.com', port: 443, path: input.slice('github.com'.length) };
  }
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(input);
  if (!match) throw new HangarError('BAD_REQUEST', `url: not a URL: ${JSON.stringify(shown)}`);
  const scheme = match[1]!.toLowerCase();
  const allowed = use === 'download' ? ['http', 'https'] : ['http', 'https', 'git'];
  if (!allowed.includes(scheme)) {
    const what = use === 'download' ? 'only http and https URLs can be downloaded' : 'a remote build context is an http(s) URL, git://, git@host:path or github.com/...';
    throw new HangarError('BAD_REQUEST', `url: ${what} (got ${scheme}:)`);
  }
  const authority = match[2]!;
  const hostport = authority.slice(authority.lastIndexOf('@') + 1);
  const { host: rawHost, port: rawPort } = splitHostPort(hostport);
  const host = canonicalHost(rawHost, shown);
  const port = portOf(rawPort, scheme as EgressScheme, shown);
  let path = match[3]!.replace(/#.*$/, '') || '/';
  if (scheme === 'http' || scheme === 'https') {
    // What the WHATWG parser (Hangar's own fetch) makes of it must be what was written.
    let parsed: URL;
    try {
      parsed = new URL(input);
    } catch {
      throw new HangarError('BAD_REQUEST', `url: not a URL: ${JSON.stringify(shown)}`);
    }
    const parsedHost = parsed.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
    const same = isIPv6(host) ? isIPv6(parsedHost) && sameIPv6(host, parsedHost) : parsedHost === host;
    if (!same || Number(parsed.port || DEFAULT_PORTS[scheme]) !== port) throw new EgressDeniedError(`${shown}: the host is written in a form that parsers read differently`);
    path = `${parsed.pathname}${parsed.search}`;
  }
  if (!path.startsWith('/')) path = `/${path}`;
  return { scheme: scheme as EgressScheme, host, port, path };
}

function sameIPv6(a: string, b: string): boolean {
  try {
    return new URL(`http://[${a}]/`).hostname === new URL(`http://[${b}]/`).hostname;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Policy

function parseHostPattern(text: string, entry: string): HostPattern {
  const { host, port } = splitHostPort(text);
  const wildcard = host.startsWith('*.');
  const name = wildcard ? host.slice(2) : host;
  let canonical: string;
  try {
    canonical = canonicalHost(name, entry);
  } catch (error) {
    throw new Error(`${JSON.stringify(entry)}: ${(error as Error).message.replace(`${entry}: `, '')}`);
  }
  if (wildcard && isIP(canonical)) throw new Error(`${JSON.stringify(entry)}: "*." goes before a domain name, not an address`);
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) throw new Error(`${JSON.stringify(entry)}: bad port`);
  return { name: canonical, wildcard, ...(port !== undefined ? { port: Number(port) } : {}) };
}

/** `*` in a URL pattern's path matches anything (slashes and the query included); the rest is literal. */
function pathGlob(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

/** One `egress.allow` entry, parsed; throws with a message naming the entry when it is none of the known forms. */
export function parseAllowEntry(entry: string): { kind: 'url'; pattern: UrlPattern } | { kind: 'host'; pattern: HostPattern } | { kind: 'network' } {
  if (typeof entry !== 'string' || entry.trim() !== entry || entry === '') throw new Error(`${JSON.stringify(entry)}: give a URL pattern, a host name, an address or a CIDR network`);
  if (parseNetwork(entry)) return { kind: 'network' };
  const url = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(\/.*)?$/i.exec(entry);
  if (url) {
    const scheme = url[1]!.toLowerCase() as EgressScheme;
    if (!SCHEMES.includes(scheme)) throw new Error(`${JSON.stringify(entry)}: the scheme must be one of ${SCHEMES.join(', ')}`);
    if (url[2]!.includes('@')) throw new Error(`${JSON.stringify(entry)}: a pattern has no user info`);
    const host = parseHostPattern(url[2]!, entry);
    const path = url[3] ?? '/*';
    return { kind: 'url', pattern: { scheme, host: { name: host.name, wildcard: host.wildcard }, port: host.port ?? DEFAULT_PORTS[scheme], path: pathGlob(path) } };
  }
  if (entry.includes('/')) throw new Error(`${JSON.stringify(entry)}: not a CIDR network (address/prefix) nor a scheme://host/path pattern`);
  return { kind: 'host', pattern: parseHostPattern(entry, entry) };
}

/** Checks `egress.deny` entries; throws naming the first bad one. */
export function parseDenyEntry(entry: string): void {
  if (!parseNetwork(entry)) throw new Error(`${JSON.stringify(entry)}: not an IP address or CIDR network`);
}

/** Compiles the configuration (throws on a bad entry; the config schema checks them first). */
export function compileEgressPolicy(config: EgressConfig = {}): EgressPolicy {
  const urls: UrlPattern[] = [];
  const hosts: HostPattern[] = [];
  const networks: string[] = [];
  for (const entry of config.allow ?? []) {
    const parsed = parseAllowEntry(entry);
    if (parsed.kind === 'url') urls.push(parsed.pattern);
    else if (parsed.kind === 'host') hosts.push(parsed.pattern);
    else networks.push(entry);
  }
  for (const entry of config.deny ?? []) parseDenyEntry(entry);
  return { allowPublic: config.allowPublic ?? true, urls, hosts, networks: networkList(networks), deny: networkList(config.deny ?? []) };
}

const compiled = new WeakMap<object, EgressPolicy>();

/** The policy of a parsed configuration section, compiled once per section object. */
export function egressPolicyOf(config: EgressConfig | undefined): EgressPolicy {
  if (!config) return compileEgressPolicy();
  let policy = compiled.get(config);
  if (!policy) compiled.set(config, (policy = compileEgressPolicy(config)));
  return policy;
}

function hostMatches(pattern: HostPattern, host: string, port: number): boolean {
  if (pattern.port !== undefined && pattern.port !== port) return false;
  if (isIPv6(host) && isIPv6(pattern.name)) return sameIPv6(host, pattern.name);
  return pattern.wildcard ? host.endsWith(`.${pattern.name}`) : host === pattern.name;
}

/** Whether an `allow` URL pattern or host entry names the target (addresses aside). */
export function namedByAllow(policy: EgressPolicy, target: EgressTarget): boolean {
  if (policy.hosts.some((pattern) => hostMatches(pattern, target.host, target.port))) return true;
  return policy.urls.some((pattern) => pattern.scheme === target.scheme && pattern.port === target.port && hostMatches(pattern.host, target.host, target.port) && pattern.path.test(target.path));
}

/** Whether the target, reaching these addresses, is allowed (see the module comment for the rules). */
export function allows(policy: EgressPolicy, target: EgressTarget, addresses: readonly string[]): boolean {
  if (addresses.length === 0) return false;
  if (addresses.some((address) => inNetworks(policy.deny, address))) return false;
  if (namedByAllow(policy, target)) return true;
  return addresses.every((address) => inNetworks(policy.networks, address) || (policy.allowPublic && !inNetworks(DEFAULT_DENIED, address)));
}

/** The check's result: where it leads and the addresses it may be reached at (pin these for the connection). */
export interface EgressCheck {
  target: EgressTarget;
  addresses: string[];
}

/**
 * Checks a URL against the policy after resolving its host: a refused destination throws EGRESS_DENIED (the same
 * message whether the name resolved to a denied address or did not resolve), a malformed one BAD_REQUEST. `what`
 * says what asked (`loadImage`).
 */
export async function checkUrl(input: string, policy: EgressPolicy, resolve: Resolver, { use = 'download', what = 'url' }: { use?: EgressUse; what?: string } = {}): Promise<EgressCheck> {
  const target = parseTarget(input, use);
  return { target, addresses: await checkTarget(target, policy, resolve, `${what}: ${redactUrl(input)}`) };
}

/** `checkUrl` for a target already parsed; `shown` names it in the error. */
export async function checkTarget(target: EgressTarget, policy: EgressPolicy, resolve: Resolver, shown: string): Promise<string[]> {
  let addresses: string[];
  if (isIP(target.host)) addresses = [target.host];
  else {
    try {
      addresses = await resolve(target.host);
    } catch {
      addresses = [];
    }
  }
  if (!allows(policy, target, addresses)) throw deniedError(shown);
  return addresses;
}

export function deniedError(shown: string): EgressDeniedError {
  return new EgressDeniedError(
    `${shown} is not an allowed destination: the egress policy refuses loopback, private, link-local (cloud metadata) and other internal addresses, and names that do not resolve, unless egress.allow names them`,
  );
}

/**
 * The index a `docker search` term names (`host[:port]/term`), checked as the engine will reach it: its
 * `/v1/search` over HTTPS, or plain HTTP for an insecure registry (a URL pattern for either opens it).
 */
export async function checkSearchIndex(index: string, policy: EgressPolicy, resolve: Resolver): Promise<void> {
  const shown = `searchImages: the index ${index}`;
  if (/[\s\\/@?#\u0000-\u001f\u007f]/.test(index)) throw new EgressDeniedError(`${shown}: not a plain host[:port]`);
  const https = parseTarget(`https://${index}/v1/search`, 'download');
  const http = { ...https, scheme: 'http' as const, port: https.port === 443 && !/:\d+$/.test(index) ? 80 : https.port };
  let addresses: string[];
  if (isIP(https.host)) addresses = [https.host];
  else addresses = await resolve(https.host).catch(() => []);
  if (!allows(policy, https, addresses) && !allows(policy, http, addresses)) throw deniedError(shown);
}
