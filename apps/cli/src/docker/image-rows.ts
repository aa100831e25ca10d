import type { ImageSummaryFragment } from '@hangar/sdk';
import { createdSince, humanSize, humanSize4 } from '../format/go-units.js';
import { goTimeString } from '../format/go-time.js';
import { FieldContext } from '../format/go-template.js';
import { parseReference, truncateId } from './reference.js';

/** Columns of `docker image ls`; HOST is Hangar's, first when several hosts are listed. */
export const IMAGE_HEADERS = {
  Host: 'HOST',
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
} as const;

export const DEFAULT_IMAGE_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
export const DEFAULT_IMAGE_TABLE_WITH_DIGEST = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
export const QUIET_FORMAT = '{{.ID}}';

export interface ImageListOptions {
  quiet: boolean;
  digests: boolean;
  noTrunc: boolean;
  /** Several hosts are listed: a HOST column comes first in the default table. */
  multiHost: boolean;
}

/** docker's NewImageFormat: the format for `--format` (or its absence), `-q` and `--digests`. */
export function imageListFormat(format: string | undefined, { quiet, digests, multiHost }: ImageListOptions): string {
  const source = format ?? 'table';
  if (source === 'table') {
    if (quiet) return QUIET_FORMAT;
    const table = digests ? DEFAULT_IMAGE_TABLE_WITH_DIGEST : DEFAULT_IMAGE_TABLE;
    return multiHost ? table.replace(/^table /, 'table {{.Host}}\t') : table;
  }
  if (source.startsWith('table') && digests && !source.includes('{{.Digest}}')) return `${source}\t{{.Digest}}`;
  return source;
}

/**
 * The rows `docker image ls` prints for one image (docker/cli imageFormatTaggedAndDigest): one per tag (times
 * each digest of that repository when digests are shown), one per digest-only repository, one `<none>` row for a
 * dangling image. docker walks Go maps here (random order between repositories); Hangar keeps the engine's order.
 */
export function imageRows(image: ImageSummaryFragment, options: ImageListOptions & { format: string }): FieldContext[] {
  const needDigest = options.digests || options.format.includes('{{.Digest}}');
  const row = (repo: string, tag: string, digest: string) => imageRow(image, repo, tag, digest, options);
  if (image.repoTags.length === 0 && image.repoDigests.length === 0) return [row('<none>', '<none>', '<none>')];
  const tags = new Map<string, string[]>();
  const digests = new Map<string, string[]>();
  for (const ref of image.repoTags) {
    const parsed = parseReference(ref);
    if (parsed?.tag !== undefined) tags.set(parsed.familiarName, [...(tags.get(parsed.familiarName) ?? []), parsed.tag]);
  }
  for (const ref of image.repoDigests) {
    const parsed = parseReference(ref);
    if (parsed?.digest !== undefined) digests.set(parsed.familiarName, [...(digests.get(parsed.familiarName) ?? []), parsed.digest]);
  }
  const rows: FieldContext[] = [];
  for (const [repo, repoTags] of tags) {
    const repoDigests = needDigest ? (digests.get(repo) ?? []) : [];
    digests.delete(repo);
    for (const tag of repoTags) {
      if (repoDigests.length === 0) rows.push(row(repo, tag, '<none>'));
      for (const digest of repoDigests) rows.push(row(repo, tag, digest));
    }
  }
  for (const [repo, repoDigests] of digests) {
    if (options.digests) for (const digest of repoDigests) rows.push(row(repo, '<none>', digest));
    else rows.push(row(repo, '<none>', ''));
  }
  return rows;
}

function imageRow(image: ImageSummaryFragment, repo: string, tag: string, digest: string, options: ImageListOptions): FieldContext {
  const created = new Date(image.created);
  const fields = {
    Containers: () => 'N/A',
    CreatedAt: () => goTimeString(created),
    CreatedSince: () => createdSince(created),
    Digest: () => digest,
    ID: () => (options.noTrunc ? image.imageId : truncateId(image.imageId)),
    Repository: () => repo,
    SharedSize: () => 'N/A',
    Size: () => humanSize(image.size),
    Tag: () => tag,
    UniqueSize: () => 'N/A',
    VirtualSize: () => humanSize4(image.size),
  };
  const withHost = { Host: () => image.hostName, ...fields };
  // `{{json .}}` shows exactly docker's keys, plus Host when several hosts are listed.
  return new FieldContext('*formatter.imageContext', withHost, options.multiHost ? withHost : fields);
}
