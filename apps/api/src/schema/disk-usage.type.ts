import type { DiskUsage as CoreDiskUsage } from '@hangar/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { HostError } from './host-error.type.js';
import { BytesScalar, DateTimeScalar } from './scalars.js';

@ObjectType({ description: 'One line of `docker system df`.' })
export class DiskUsageSummary {
  @Field(() => Int, { description: 'TOTAL: how many there are.' })
  totalCount!: number;

  @Field(() => Int, { description: 'ACTIVE: how many are in use (images used by a container, running containers, referenced volumes, build cache in use).' })
  activeCount!: number;

  @Field(() => BytesScalar, { description: 'SIZE in bytes (for images: the bytes of all layers, shared ones once).' })
  size!: number;

  @Field(() => BytesScalar, { description: 'RECLAIMABLE: bytes that removing what is not in use would free.' })
  reclaimable!: number;
}

@ObjectType({ description: 'One image in `docker system df -v`.' })
export class ImageDiskUsage {
  @Field(() => String, { description: 'The full image ID.' })
  imageId!: string;

  @Field(() => [String], { description: 'Its tags.' })
  repoTags!: string[];

  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  created!: Date;

  @Field(() => BytesScalar, { description: 'SIZE: bytes of all its layers.' })
  size!: number;

  @Field(() => BytesScalar, { description: 'SHARED SIZE: bytes of its layers that other images use too.' })
  sharedSize!: number;

  @Field(() => BytesScalar, { description: 'UNIQUE SIZE: bytes only this image uses; what removing it frees.' })
  uniqueSize!: number;

  @Field(() => Int, { description: 'CONTAINERS: how many containers use it.' })
  containers!: number;
}

@ObjectType({ description: 'Disk usage of one host, as `docker system df` and `docker system df -v` report it.' })
export class DiskUsage {
  @Field(() => String, { description: 'The host’s name.' })
  host!: string;

  @Field(() => BytesScalar, { description: 'Bytes of all image layers on the host, shared ones once.' })
  layersSize!: number;

  @Field(() => DiskUsageSummary, { description: 'Images.' })
  images!: DiskUsageSummary;

  @Field(() => DiskUsageSummary, { description: 'Containers (their writable layers).' })
  containers!: DiskUsageSummary;

  @Field(() => DiskUsageSummary, { description: 'Local volumes.' })
  volumes!: DiskUsageSummary;

  @Field(() => DiskUsageSummary, { description: 'Build cache.' })
  buildCache!: DiskUsageSummary;

  @Field(() => [ImageDiskUsage], { description: 'Per image, as `docker system df -v`.' })
  imageDetails!: ImageDiskUsage[];

  static from(usage: CoreDiskUsage): DiskUsage {
    const summary = (s: CoreDiskUsage['images']) => Object.assign(new DiskUsageSummary(), s);
    return Object.assign(new DiskUsage(), {
      host: usage.host,
      layersSize: usage.layersSize,
      images: summary(usage.images),
      containers: summary(usage.containers),
      volumes: summary(usage.volumes),
      buildCache: summary(usage.buildCache),
      imageDetails: usage.imageDetails.map(({ id, ...rest }) => Object.assign(new ImageDiskUsage(), { imageId: id, ...rest })),
    });
  }
}

@ObjectType({ description: 'Disk usage across hosts, with the sum over the hosts that answered.' })
export class FleetDiskUsage {
  @Field(() => [DiskUsage], { description: 'Each host that answered.' })
  hosts!: DiskUsage[];

  @Field(() => DiskUsageSummary, { description: 'Images over all answering hosts.' })
  images!: DiskUsageSummary;

  @Field(() => DiskUsageSummary, { description: 'Containers over all answering hosts.' })
  containers!: DiskUsageSummary;

  @Field(() => DiskUsageSummary, { description: 'Volumes over all answering hosts.' })
  volumes!: DiskUsageSummary;

  @Field(() => DiskUsageSummary, { description: 'Build cache over all answering hosts.' })
  buildCache!: DiskUsageSummary;

  @Field(() => [HostError], { description: 'Hosts that could not answer.' })
  hostErrors!: HostError[];
}
