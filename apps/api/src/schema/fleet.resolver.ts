import { diskUsage, fanOut, findImage, HangarError, listImages, validateImageFilter, type DiskUsage as CoreDiskUsage } from '@hangar/core';
import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { HangarContext } from '../context.js';
import { DiskUsage, DiskUsageSummary, FleetDiskUsage } from './disk-usage.type.js';
import { FleetImageConnection, ImageConnection, ImageLocations } from './image-connection.type.js';
import { ImageFilterInput } from './image-filter.input.js';
import { HostError } from './host-error.type.js';
import { Image } from './image.type.js';
import { compareByKey, imageSortKey } from './image-order.js';
import { checkPageSize, paginate } from './pagination.js';

function selectHosts({ hosts }: HangarContext, names: string[] | undefined | null): string[] {
  if (!names) return hosts.names();
  if (names.length === 0) throw new HangarError('BAD_REQUEST', 'hosts: name at least one host, or leave it out for all');
  return [...new Set(names)];
}

/** Hosts the request names that are not configured: reported like any other host failure. */
function unknownHosts(context: HangarContext, names: string[]): { known: string[]; errors: HostError[] } {
  const known = names.filter((name) => context.hosts.has(name));
  const errors = names
    .filter((name) => !context.hosts.has(name))
    .map((host) => HostError.from({ host, code: 'HOST_NOT_FOUND', message: `no host named "${host}"` }));
  return { known, errors };
}

function sum(usages: CoreDiskUsage[], pick: (usage: CoreDiskUsage) => CoreDiskUsage['images']): DiskUsageSummary {
  return Object.assign(new DiskUsageSummary(), {
    totalCount: usages.reduce((n, u) => n + pick(u).totalCount, 0),
    activeCount: usages.reduce((n, u) => n + pick(u).activeCount, 0),
    size: usages.reduce((n, u) => n + pick(u).size, 0),
    reclaimable: usages.reduce((n, u) => n + pick(u).reclaimable, 0),
  });
}

@Resolver()
export class FleetResolver {
  @Query(() => FleetImageConnection, {
    description: '`docker image ls` over many hosts at once, newest first. Hosts answer in parallel, each within the fleet bound; those that cannot are listed in `hostErrors`.',
  })
  async images(
    @Ctx() context: HangarContext,
    @Arg('hosts', () => [String], { nullable: true, description: 'Host names; all hosts when left out.' }) hostNames?: string[],
    @Arg('filter', () => ImageFilterInput, { nullable: true, description: 'docker’s filters; all must match.' }) filter?: ImageFilterInput,
    @Arg('all', () => Boolean, { nullable: true, description: 'Include intermediate images.' }) all?: boolean,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 1000 (default 100).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The `endCursor` of the previous page.' }) after?: string,
  ): Promise<FleetImageConnection> {
    checkPageSize(first);
    validateImageFilter(filter);
    const { known, errors } = unknownHosts(context, selectHosts(context, hostNames));
    const { results, failures } = await fanOut(known, (host) => listImages(context.reader, host, { filter, all }), {
      timeoutMs: context.config.fleet.hostTimeoutMs,
    });
    const images = results.flatMap(({ value }) => value.map((summary) => Image.from(summary))).sort(compareByKey);
    const page = ImageConnection.from(paginate(images, imageSortKey, { first, after }));
    return Object.assign(new FleetImageConnection(), page, { hostErrors: [...errors, ...failures.map((f) => HostError.from(f))] });
  }

  @Query(() => ImageLocations, { description: 'Which hosts hold an image, by name[:tag], name@digest, full ID or ID prefix.' })
  async locateImage(
    @Ctx() context: HangarContext,
    @Arg('ref', () => String, { description: 'name[:tag], name@digest, full image ID or ID prefix.' }) ref: string,
    @Arg('hosts', () => [String], { nullable: true, description: 'Host names; all hosts when left out.' }) hostNames?: string[],
  ): Promise<ImageLocations> {
    const { known, errors } = unknownHosts(context, selectHosts(context, hostNames));
    const { results, failures } = await fanOut(known, (host) => findImage(context.reader, host, ref), { timeoutMs: context.config.fleet.hostTimeoutMs });
    const badRequest = failures.find((f) => f.code === 'BAD_REQUEST');
    if (badRequest) throw new HangarError('BAD_REQUEST', badRequest.message);
    return Object.assign(new ImageLocations(), {
      images: results.flatMap(({ value }) => (value ? [Image.from(value)] : [])),
      missingOn: results.filter(({ value }) => !value).map(({ host }) => host),
      hostErrors: [...errors, ...failures.map((f) => HostError.from(f))],
    });
  }

  @Query(() => [DiskUsage], { description: '`docker system df` per host, for the hosts that answered (see `fleetDiskUsage` for the errors and totals).' })
  async diskUsage(
    @Ctx() context: HangarContext,
    @Arg('hosts', () => [String], { nullable: true, description: 'Host names; all hosts when left out.' }) hostNames?: string[],
  ): Promise<DiskUsage[]> {
    return (await this.fleetDiskUsage(context, hostNames)).hosts;
  }

  @Query(() => FleetDiskUsage, { description: '`docker system df` across hosts: each host, the totals, and the hosts that could not answer.' })
  async fleetDiskUsage(
    @Ctx() context: HangarContext,
    @Arg('hosts', () => [String], { nullable: true, description: 'Host names; all hosts when left out.' }) hostNames?: string[],
  ): Promise<FleetDiskUsage> {
    const { known, errors } = unknownHosts(context, selectHosts(context, hostNames));
    const { results, failures } = await fanOut(known, (host) => diskUsage(context.reader, host), { timeoutMs: context.config.fleet.hostTimeoutMs });
    const usages = results.map(({ value }) => value);
    return Object.assign(new FleetDiskUsage(), {
      hosts: usages.map((usage) => DiskUsage.from(usage)),
      images: sum(usages, (u) => u.images),
      containers: sum(usages, (u) => u.containers),
      volumes: sum(usages, (u) => u.volumes),
      buildCache: sum(usages, (u) => u.buildCache),
      hostErrors: [...errors, ...failures.map((f) => HostError.from(f))],
    });
  }
}
