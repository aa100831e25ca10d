/**
 * Docker image references, parsed and normalised exactly as the docker CLI does (distribution/reference):
 * `busybox` is `docker.io/library/busybox:latest`, `localhost:5000/a/b@sha256:...` keeps its registry.
 */
export interface ImageReference {
  /** Registry host, with port: `docker.io`, `registry.example.com:5000`. */
  domain: string;
  /** Repository path inside the registry: `library/busybox`, `team/api`. */
  path: string;
  tag: string | undefined;
  digest: string | undefined;
}

export class ReferenceSyntaxError extends Error {
  constructor(reference: string, problem: string) {
    super(`invalid reference format "${reference}": ${problem}`);
    this.name = this.constructor.name;
  }
}

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;

const ALPHA_NUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHA_NUMERIC}(?:${SEPARATOR}${ALPHA_NUMERIC})*`;
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const HOST = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const DIGEST_RE = new RegExp(`^${DIGEST}$`);
const FULL_ID_RE = /^[a-f0-9]{64}$/;

/**
 * Drops surrounding ASCII white space (a pasted reference's newline), and nothing else: JavaScript's trim() also
 * strips U+FEFF and Unicode spaces, which turned "\uFEFFapp:1" into app:1 (found, tagged, removed, pulled).
 * What remains is checked by parseReference, which refuses any other surrounding white space.
 */
export function trimReference(value: string): string {
  return value.replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, '');
}

/** Hex digits of each digest algorithm docker accepts (go-digest: sha256, sha384, sha512), lowercase only. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** A digest as docker validates it after the grammar (go-digest `Parse`): a known algorithm, its exact length. */
function checkDigest(input: string, digest: string): void {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) throw new ReferenceSyntaxError(input, `unsupported digest algorithm "${algorithm}"`);
  if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) throw new ReferenceSyntaxError(input, `bad digest "${digest}": ${algorithm} takes ${length} lowercase hex digits`);
}

/** True when the first path element names a registry rather than a Docker Hub namespace. */
function looksLikeDomain(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first;
}

/**
 * Parses and normalises a reference (name, name:tag, name@digest, name:tag@digest). Throws ReferenceSyntaxError
 * with docker's wording ("invalid reference format") and the reason.
 */
export function parseReference(input: string): ImageReference {
  if (input === '') throw new ReferenceSyntaxError(input, 'empty');
  if (input !== input.trim()) throw new ReferenceSyntaxError(input, 'surrounding white space');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw new ReferenceSyntaxError(input, `bad digest "${digest}"`);
    checkDigest(input, digest);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw new ReferenceSyntaxError(input, `bad tag "${tag}"`);
  }
  if (rest === '') throw new ReferenceSyntaxError(input, 'no repository name');
  if (rest.length > NAME_TOTAL_LENGTH_MAX) throw new ReferenceSyntaxError(input, `repository name longer than ${NAME_TOTAL_LENGTH_MAX} characters`);

  const slash = rest.indexOf('/');
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  if (slash >= 0 && looksLikeDomain(rest.slice(0, slash))) {
    domain = rest.slice(0, slash);
    path = rest.slice(slash + 1);
    if (!DOMAIN_RE.test(domain)) throw new ReferenceSyntaxError(input, `bad registry host "${domain}"`);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (!PATH_RE.test(path)) {
    const why = path.toLowerCase() !== path ? 'repository name must be lowercase' : `bad repository name "${path}"`;
    throw new ReferenceSyntaxError(input, why);
  }
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `${OFFICIAL_REPO_PREFIX}${path}`;
  if (domain === DEFAULT_DOMAIN && FULL_ID_RE.test(rest)) {
    throw new ReferenceSyntaxError(input, 'cannot specify 64-byte hexadecimal strings as a repository name');
  }
  return { domain, path, tag, digest };
}

/** `docker.io/library/busybox` → `busybox`, `docker.io/team/api` → `team/api`; other registries keep their host. */
export function familiarName(reference: Pick<ImageReference, 'domain' | 'path'>): string {
  if (reference.domain !== DEFAULT_DOMAIN) return `${reference.domain}/${reference.path}`;
  return reference.path.startsWith(OFFICIAL_REPO_PREFIX) && !reference.path.slice(OFFICIAL_REPO_PREFIX.length).includes('/')
    ? reference.path.slice(OFFICIAL_REPO_PREFIX.length)
    : reference.path;
}

/** The familiar form with tag and digest: `busybox:latest`, `team/api@sha256:...`. */
export function familiarString(reference: ImageReference): string {
  return `${familiarName(reference)}${reference.tag ? `:${reference.tag}` : ''}${reference.digest ? `@${reference.digest}` : ''}`;
}

/** The fully qualified form: `docker.io/library/busybox:latest`. */
export function fullString(reference: ImageReference): string {
  return `${reference.domain}/${reference.path}${reference.tag ? `:${reference.tag}` : ''}${reference.digest ? `@${reference.digest}` : ''}`;
}

/** Adds the `latest` tag when the reference has neither tag nor digest, as `docker pull` and `docker tag` do. */
export function withDefaultTag(reference: ImageReference): ImageReference {
  return reference.tag || reference.digest ? reference : { ...reference, tag: 'latest' };
}

/** A full image ID: `sha256:` + 64 hex, or the 64 hex alone. */
export function isFullImageId(value: string): boolean {
  return /^sha256:[a-f0-9]{64}$/.test(value) || FULL_ID_RE.test(value);
}

/** Something that could be the start of an image ID: hex, optionally after `sha256:`. */
export function isImageIdPrefix(value: string): boolean {
  return /^(?:sha256:)?[a-f0-9]{1,64}$/.test(value);
}
