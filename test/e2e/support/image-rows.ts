import { familiarName, parseReference } from '@hangar/core';
import type { DockerImageRow } from './docker-cli.js';
import { dockerCreatedAt, humanSize } from './docker-format.js';

/** An image as the tests read it from Hangar. */
export interface ImageView {
  imageId: string;
  shortId: string;
  hostName: string;
  repoTags: string[];
  repoDigests: string[];
  created: string;
  size: number;
  dangling: boolean;
  labels: { key: string; value: string }[];
}

/**
 * The rows `docker image ls --digests` prints for an image (docker/cli imageFormatTaggedAndDigest): one per
 * repository tag and digest; digest-only references get rows of their own; dangling images one `<none>` row.
 */
export function dockerRowsOf(image: ImageView): DockerImageRow[] {
  const base = { ID: image.imageId, CreatedAt: dockerCreatedAt(new Date(image.created)), Size: humanSize(image.size) };
  if (image.repoTags.length === 0 && image.repoDigests.length === 0) return [{ ...base, Repository: '<none>', Tag: '<none>', Digest: '<none>' }];
  const tags = new Map<string, string[]>();
  const digests = new Map<string, string[]>();
  for (const ref of image.repoTags) {
    const parsed = parseReference(ref);
    if (parsed.tag) tags.set(familiarName(parsed), [...(tags.get(familiarName(parsed)) ?? []), parsed.tag]);
  }
  for (const ref of image.repoDigests) {
    const parsed = parseReference(ref);
    if (parsed.digest) digests.set(familiarName(parsed), [...(digests.get(familiarName(parsed)) ?? []), parsed.digest]);
  }
  const rows: DockerImageRow[] = [];
  for (const [repo, repoTags] of tags) {
    const repoDigests = digests.get(repo) ?? [];
    digests.delete(repo);
    for (const tag of repoTags) {
      if (repoDigests.length === 0) rows.push({ ...base, Repository: repo, Tag: tag, Digest: '<none>' });
      for (const digest of repoDigests) rows.push({ ...base, Repository: repo, Tag: tag, Digest: digest });
    }
  }
  for (const [repo, repoDigests] of digests) for (const digest of repoDigests) rows.push({ ...base, Repository: repo, Tag: '<none>', Digest: digest });
  return rows;
}
