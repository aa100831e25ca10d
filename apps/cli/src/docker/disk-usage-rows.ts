import type { DiskUsageFieldsFragment, DiskUsageSummaryFieldsFragment } from '@hangar/sdk';
import { FieldContext } from '../format/go-template.js';
import { createdSince, humanSize, humanSize4 } from '../format/go-units.js';
import { parseReference, truncateId } from './reference.js';

export const DISK_USAGE_HEADERS = {
  Host: 'HOST',
  Type: 'TYPE',
  TotalCount: 'TOTAL',
  Active: 'ACTIVE',
  Size: 'SIZE',
  Reclaimable: 'RECLAIMABLE',
} as const;

export const DEFAULT_DISK_USAGE_TABLE = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';

/** docker's NewDiskUsageFormat (not verbose). */
export function diskUsageFormat(format: string | undefined, multiHost: boolean): string {
  const source = format ?? 'table';
  if (source !== 'table') return source;
  return multiHost ? DEFAULT_DISK_USAGE_TABLE.replace(/^table /, 'table {{.Host}}\t') : DEFAULT_DISK_USAGE_TABLE;
}

type Kind = 'Images' | 'Containers' | 'Local Volumes' | 'Build Cache';

function summaryRow(host: string, type: Kind, summary: DiskUsageSummaryFieldsFragment, multiHost: boolean): FieldContext {
  const fields = {
    Active: () => String(summary.activeCount),
    Reclaimable: () => {
      // The build cache line never shows a percentage.
      if (type === 'Build Cache' || summary.size <= 0) return humanSize4(summary.reclaimable);
      return `${humanSize4(summary.reclaimable)} (${Math.trunc((summary.reclaimable * 100) / summary.size)}%)`;
    },
    Size: () => humanSize4(summary.size),
    TotalCount: () => String(summary.totalCount),
    Type: () => type,
  };
  const withHost = { Host: () => host, ...fields };
  return new FieldContext('*formatter.diskUsageContext', withHost, multiHost ? withHost : fields);
}

/** The four lines of `docker system df` for one host. */
export function diskUsageRows(usage: DiskUsageFieldsFragment, multiHost: boolean): FieldContext[] {
  return [
    summaryRow(usage.host, 'Images', usage.images, multiHost),
    summaryRow(usage.host, 'Containers', usage.containers, multiHost),
    summaryRow(usage.host, 'Local Volumes', usage.volumes, multiHost),
    summaryRow(usage.host, 'Build Cache', usage.buildCache, multiHost),
  ];
}

export const DISK_USAGE_IMAGE_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';

export const DISK_USAGE_IMAGE_HEADERS = {
  Host: 'HOST',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  ID: 'IMAGE ID',
  CreatedSince: 'CREATED',
  Size: 'SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
  Containers: 'CONTAINERS',
} as const;

/** `docker system df -v`, images section: one row per image with its first tag. */
export function diskUsageImageRows(usage: DiskUsageFieldsFragment): FieldContext[] {
  return usage.imageDetails.map((image) => {
    const first = image.repoTags[0] ? parseReference(image.repoTags[0]) : undefined;
    const created = new Date(image.created);
    return new FieldContext('*formatter.imageContext', {
      Host: () => usage.host,
      Repository: () => (first?.tag !== undefined ? first.familiarName : '<none>'),
      Tag: () => first?.tag ?? '<none>',
      ID: () => truncateId(image.imageId),
      CreatedSince: () => createdSince(created),
      Size: () => humanSize(image.size),
      SharedSize: () => humanSize4(image.sharedSize),
      UniqueSize: () => humanSize4(image.uniqueSize),
      Containers: () => String(image.containers),
    });
  });
}
