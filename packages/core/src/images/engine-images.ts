// The Engine API's image shapes, as far as Hangar reads them, and their translation into domain types.
import type { DiskUsage, DiskUsageSummary, HistoryEntry, ImageConfig, ImageDetails, ImageSummary } from './image.types.js';

export interface RawImageSummary {
  Id: string;
  ParentId?: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created: number;
  Size: number;
  SharedSize?: number;
  Containers?: number;
  Labels?: Record<string, string> | null;
}

export interface RawImageInspect {
  Id: string;
  Parent?: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created: string;
  Size: number;
  Author?: string;
  Comment?: string;
  DockerVersion?: string;
  Architecture?: string;
  Variant?: string;
  Os?: string;
  OsVersion?: string;
  Config?: RawContainerConfig | null;
  RootFS?: { Type?: string; Layers?: string[] | null };
  Metadata?: { LastTagTime?: string };
}

interface RawContainerConfig {
  User?: string;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  WorkingDir?: string;
  ExposedPorts?: Record<string, unknown> | null;
  Volumes?: Record<string, unknown> | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  OnBuild?: string[] | null;
  Shell?: string[] | null;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number } | null;
}

export interface RawHistoryEntry {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags?: string[] | null;
  Size: number;
  Comment?: string;
}

export interface RawDiskUsage {
  LayersSize?: number;
  Images?: RawImageSummary[] | null;
  Containers?: { Id: string; ImageID?: string; State?: string; SizeRw?: number }[] | null;
  Volumes?: { Name: string; UsageData?: { Size?: number; RefCount?: number } | null }[] | null;
  BuildCache?: { ID: string; InUse?: boolean; Shared?: boolean; Size?: number }[] | null;
}

/** Engines before API 1.43 write `<none>:<none>` and `<none>@<none>` for "no reference". */
function realReferences(list: string[] | null | undefined): string[] {
  return (list ?? []).filter((ref) => ref !== '<none>:<none>' && ref !== '<none>@<none>');
}

const emptyToUndefined = (value: string | undefined) => (value ? value : undefined);

export function toImageSummary(host: string, raw: RawImageSummary): ImageSummary {
  const repoTags = realReferences(raw.RepoTags);
  const repoDigests = realReferences(raw.RepoDigests);
  return {
    host,
    id: raw.Id,
    parentId: emptyToUndefined(raw.ParentId),
    repoTags,
    repoDigests,
    created: new Date(raw.Created * 1000),
    size: raw.Size,
    labels: raw.Labels ?? {},
    dangling: repoTags.length === 0 && repoDigests.length === 0,
  };
}

function toConfig(raw: RawContainerConfig | null | undefined): ImageConfig {
  const health = raw?.Healthcheck;
  return {
    user: emptyToUndefined(raw?.User),
    env: raw?.Env ?? [],
    cmd: raw?.Cmd ?? undefined,
    entrypoint: raw?.Entrypoint ?? undefined,
    workingDir: emptyToUndefined(raw?.WorkingDir),
    exposedPorts: Object.keys(raw?.ExposedPorts ?? {}).sort(),
    volumes: Object.keys(raw?.Volumes ?? {}).sort(),
    labels: raw?.Labels ?? {},
    stopSignal: emptyToUndefined(raw?.StopSignal),
    onBuild: raw?.OnBuild ?? [],
    shell: raw?.Shell ?? undefined,
    healthcheck: health?.Test
      ? { test: health.Test, intervalNs: health.Interval, timeoutNs: health.Timeout, startPeriodNs: health.StartPeriod, retries: health.Retries }
      : undefined,
  };
}

export function toImageDetails(host: string, raw: RawImageInspect): ImageDetails {
  const config = toConfig(raw.Config);
  const repoTags = realReferences(raw.RepoTags);
  const repoDigests = realReferences(raw.RepoDigests);
  const created = new Date(raw.Created);
  return {
    host,
    id: raw.Id,
    parentId: emptyToUndefined(raw.Parent),
    repoTags,
    repoDigests,
    created: new Date(Math.floor(created.getTime() / 1000) * 1000),
    createdAt: raw.Created,
    size: raw.Size,
    labels: config.labels,
    dangling: repoTags.length === 0 && repoDigests.length === 0,
    architecture: emptyToUndefined(raw.Architecture),
    variant: emptyToUndefined(raw.Variant),
    os: emptyToUndefined(raw.Os),
    osVersion: emptyToUndefined(raw.OsVersion),
    author: emptyToUndefined(raw.Author),
    comment: emptyToUndefined(raw.Comment),
    dockerVersion: emptyToUndefined(raw.DockerVersion),
    config,
    rootFS: { type: raw.RootFS?.Type ?? 'layers', layers: raw.RootFS?.Layers ?? [] },
    lastTagTime: raw.Metadata?.LastTagTime && !raw.Metadata.LastTagTime.startsWith('0001-') ? raw.Metadata.LastTagTime : undefined,
  };
}

export function toHistoryEntry(raw: RawHistoryEntry): HistoryEntry {
  return {
    id: raw.Id && raw.Id !== '<missing>' ? raw.Id : undefined,
    created: new Date(raw.Created * 1000),
    createdBy: raw.CreatedBy,
    size: raw.Size,
    comment: emptyToUndefined(raw.Comment),
    tags: raw.Tags ?? [],
  };
}

/** `docker system df` arithmetic, as the docker CLI does it, from `GET /system/df`. */
export function toDiskUsage(host: string, raw: RawDiskUsage): DiskUsage {
  const images = raw.Images ?? [];
  const layersSize = raw.LayersSize ?? 0;
  const containers = raw.Containers ?? [];
  const volumes = raw.Volumes ?? [];
  const buildCache = raw.BuildCache ?? [];

  let imagesInUse = 0;
  let usedBytes = 0;
  for (const image of images) {
    if ((image.Containers ?? 0) > 0) {
      imagesInUse++;
      if (image.Size !== -1 && image.SharedSize !== undefined && image.SharedSize !== -1) usedBytes += image.Size - image.SharedSize;
    }
  }
  const imageSummary: DiskUsageSummary = { totalCount: images.length, activeCount: imagesInUse, size: layersSize, reclaimable: Math.max(0, layersSize - usedBytes) };

  const running = (state: string | undefined) => state === 'running' || state === 'paused' || state === 'restarting';
  const containerSummary: DiskUsageSummary = {
    totalCount: containers.length,
    activeCount: containers.filter((c) => running(c.State)).length,
    size: containers.reduce((sum, c) => sum + Math.max(0, c.SizeRw ?? 0), 0),
    reclaimable: containers.filter((c) => !running(c.State)).reduce((sum, c) => sum + Math.max(0, c.SizeRw ?? 0), 0),
  };

  const volumeSize = (v: (typeof volumes)[number]) => Math.max(0, v.UsageData?.Size ?? 0);
  const volumeSummary: DiskUsageSummary = {
    totalCount: volumes.length,
    activeCount: volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length,
    size: volumes.reduce((sum, v) => sum + volumeSize(v), 0),
    reclaimable: volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((sum, v) => sum + volumeSize(v), 0),
  };

  const cacheSize = buildCache.filter((b) => !b.Shared).reduce((sum, b) => sum + (b.Size ?? 0), 0);
  const cacheInUse = buildCache.filter((b) => b.InUse && !b.Shared).reduce((sum, b) => sum + (b.Size ?? 0), 0);
  const buildCacheSummary: DiskUsageSummary = {
    totalCount: buildCache.length,
    activeCount: buildCache.filter((b) => b.InUse).length,
    size: cacheSize,
    reclaimable: cacheSize - cacheInUse,
  };

  return {
    host,
    layersSize,
    images: imageSummary,
    containers: containerSummary,
    volumes: volumeSummary,
    buildCache: buildCacheSummary,
    imageDetails: images.map((image) => {
      const summary = toImageSummary(host, image);
      const sharedSize = Math.max(0, image.SharedSize ?? 0);
      return {
        id: image.Id,
        repoTags: summary.repoTags,
        created: summary.created,
        size: image.Size,
        sharedSize,
        uniqueSize: image.Size - sharedSize,
        containers: Math.max(0, image.Containers ?? 0),
      };
    }),
  };
}
