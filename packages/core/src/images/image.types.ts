/** One image on one host, as `docker image ls` knows it. */
export interface ImageSummary {
  host: string;
  /** Full ID, `sha256:` + 64 hex. */
  id: string;
  /** Parent image ID (classic builder chains), or undefined. */
  parentId: string | undefined;
  /** `name:tag` references; empty for an untagged image (old engines' `<none>:<none>` is dropped). */
  repoTags: string[];
  /** `name@sha256:...` references; empty when none (old engines' `<none>@<none>` is dropped). */
  repoDigests: string[];
  /** Creation time, in whole seconds as the engine lists it. */
  created: Date;
  /** Bytes of all its layers, as `docker image ls` SIZE. */
  size: number;
  labels: Record<string, string>;
  /** No tag and no digest: what `dangling=true` selects. */
  dangling: boolean;
}

/** What `docker image inspect` adds. */
export interface ImageDetails extends ImageSummary {
  /** Creation time with the engine's full precision (RFC 3339, nanoseconds). */
  createdAt: string;
  architecture: string | undefined;
  variant: string | undefined;
  os: string | undefined;
  osVersion: string | undefined;
  author: string | undefined;
  comment: string | undefined;
  dockerVersion: string | undefined;
  config: ImageConfig;
  rootFS: { type: string; layers: string[] };
  lastTagTime: string | undefined;
}

export interface ImageConfig {
  user: string | undefined;
  env: string[];
  cmd: string[] | undefined;
  entrypoint: string[] | undefined;
  workingDir: string | undefined;
  exposedPorts: string[];
  volumes: string[];
  labels: Record<string, string>;
  stopSignal: string | undefined;
  onBuild: string[];
  shell: string[] | undefined;
  healthcheck: { test: string[]; intervalNs: number | undefined; timeoutNs: number | undefined; startPeriodNs: number | undefined; retries: number | undefined } | undefined;
}

/** One line of `docker history`, newest first. */
export interface HistoryEntry {
  /** The image ID of this step when it exists locally; undefined where docker prints `<missing>`. */
  id: string | undefined;
  created: Date;
  createdBy: string;
  size: number;
  comment: string | undefined;
  tags: string[];
}

/** One filesystem layer of an image, oldest first, with the step that made it. */
export interface ImageLayer {
  /** Position in the image's RootFS, 0 = base. */
  index: number;
  diffId: string;
  /** Identity of the layer together with everything below it: the unit the engine stores and shares. */
  chainId: string;
  size: number;
  createdBy: string | undefined;
  created: Date | undefined;
  /** Other images on the same host that contain this layer at the same place (same chain ID). */
  sharedWith: string[];
}

/** A layer of a host with every image that uses it. */
export interface HostLayer {
  chainId: string;
  diffId: string;
  size: number;
  createdBy: string | undefined;
  /** Image IDs that contain the layer. */
  images: string[];
  /** Bytes that sharing saves: size × (users − 1). */
  savedBytes: number;
}

/** One `docker system df` line. */
export interface DiskUsageSummary {
  totalCount: number;
  activeCount: number;
  size: number;
  reclaimable: number;
}

/** One image in `docker system df -v`. */
export interface ImageDiskUsage {
  id: string;
  repoTags: string[];
  created: Date;
  size: number;
  sharedSize: number;
  uniqueSize: number;
  containers: number;
}

export interface DiskUsage {
  host: string;
  layersSize: number;
  images: DiskUsageSummary;
  containers: DiskUsageSummary;
  volumes: DiskUsageSummary;
  buildCache: DiskUsageSummary;
  imageDetails: ImageDiskUsage[];
}
