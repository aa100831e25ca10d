// Just enough of docker's reference grammar to print references as `docker image ls` does
// (distribution/reference ParseNormalizedNamed + FamiliarName).

export interface ParsedReference {
  /** Repository name in docker's familiar form: `busybox`, `team/app`, `127.0.0.1:5000/team/app`. */
  familiarName: string;
  tag?: string;
  digest?: string;
}

/** Splits `name[:tag][@digest]`; the familiar name drops `docker.io/` and `library/`. Undefined when malformed. */
export function parseReference(ref: string): ParsedReference | undefined {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  if (rest === '') return undefined;
  let name = rest;
  const slash = name.indexOf('/');
  const domain = slash === -1 ? '' : name.slice(0, slash);
  const isDomain = domain !== '' && (domain.includes('.') || domain.includes(':') || domain === 'localhost' || domain !== domain.toLowerCase());
  if (!isDomain || domain === 'docker.io' || domain === 'index.docker.io') {
    if (isDomain) name = name.slice(slash + 1);
    if (name.startsWith('library/') && name.indexOf('/', 'library/'.length) === -1) name = name.slice('library/'.length);
  }
  return { familiarName: name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** docker's stringid.TruncateID: the part after `algo:`, cut to 12 characters. */
export function truncateId(id: string): string {
  const colon = id.indexOf(':');
  const hex = colon === -1 ? id : id.slice(colon + 1);
  return hex.length > 12 ? hex.slice(0, 12) : hex;
}
