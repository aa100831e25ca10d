import type { ImageInspectQuery } from '@hangar/sdk';
import { goStruct } from '../format/go-json.js';

export type InspectedImage = NonNullable<NonNullable<ImageInspectQuery['host']>['image']>;

type Labels = readonly { key: string; value: string }[];

const toMap = (labels: Labels): Record<string, string> => Object.fromEntries(labels.map(({ key, value }) => [key, value]));
const toSet = (keys: readonly string[]): Record<string, object> | null => (keys.length === 0 ? null : Object.fromEntries(keys.map((key) => [key, {}])));
const orNull = <T>(list: readonly T[] | null | undefined): readonly T[] | null => (list && list.length > 0 ? list : null);

/**
 * The image as `docker image inspect` prints it (Engine API ImageInspect), for the fields Hangar knows: Id,
 * RepoTags, RepoDigests, Parent, Comment, Created, DockerVersion, Author, Config, Architecture, Variant, Os,
 * OsVersion, Size, RootFS, Metadata. Objects keep docker's field order; `Host` comes first when several hosts
 * are inspected.
 */
export function inspectObject(image: InspectedImage, { withHost }: { withHost: boolean }): Record<string, unknown> {
  const { details } = image;
  const { config } = details;
  const healthcheck = config.healthcheck
    ? goStruct({
        Test: config.healthcheck.test,
        ...(config.healthcheck.intervalNs ? { Interval: config.healthcheck.intervalNs } : {}),
        ...(config.healthcheck.timeoutNs ? { Timeout: config.healthcheck.timeoutNs } : {}),
        ...(config.healthcheck.startPeriodNs ? { StartPeriod: config.healthcheck.startPeriodNs } : {}),
        ...(config.healthcheck.retries ? { Retries: config.healthcheck.retries } : {}),
      })
    : undefined;
  return goStruct({
    ...(withHost ? { Host: image.hostName } : {}),
    Id: image.imageId,
    RepoTags: image.repoTags,
    RepoDigests: image.repoDigests,
    Parent: image.parentId ?? '',
    Comment: details.comment ?? '',
    Created: details.createdAt,
    DockerVersion: details.dockerVersion ?? '',
    Author: details.author ?? '',
    Config: goStruct({
      User: config.user ?? '',
      ...(config.exposedPorts.length > 0 ? { ExposedPorts: toSet(config.exposedPorts) } : {}),
      Env: orNull(config.env),
      Cmd: orNull(config.cmd),
      ...(healthcheck ? { Healthcheck: healthcheck } : {}),
      Volumes: toSet(config.volumes),
      WorkingDir: config.workingDir ?? '',
      Entrypoint: orNull(config.entrypoint),
      OnBuild: orNull(config.onBuild),
      Labels: config.labels.length > 0 ? toMap(config.labels) : null,
      ...(config.stopSignal ? { StopSignal: config.stopSignal } : {}),
      ...(config.shell?.length ? { Shell: config.shell } : {}),
    }),
    Architecture: details.architecture ?? '',
    ...(details.variant ? { Variant: details.variant } : {}),
    Os: details.os ?? '',
    ...(details.osVersion ? { OsVersion: details.osVersion } : {}),
    Size: image.size,
    RootFS: goStruct({ Type: details.rootFS.type, Layers: details.rootFS.layers }),
    Metadata: goStruct({ LastTagTime: details.lastTagTime ?? '0001-01-01T00:00:00Z' }),
  });
}
