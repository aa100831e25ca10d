import { diskUsage, findImage, hostLayers, listImages } from '@hangar/core';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { HangarContext } from '../context.js';
import { DiskUsage } from './disk-usage.type.js';
import { ImageConnection } from './image-connection.type.js';
import { ImageFilterInput } from './image-filter.input.js';
import { HostLayer, Image } from './image.type.js';
import { imageSortKey } from './image-order.js';
import { Host } from './host.type.js';
import { paginate } from './pagination.js';

/** A status younger than this is served as it is; older ones are checked again before answering. */
const FRESH_MS = 1_000;

@Resolver(() => Host)
export class HostResolver {
  @Query(() => [Host], { description: 'Every configured host with its health, checked now unless checked within the last second. Bounded by the health timeout.' })
  async hosts(
    @Ctx() { hosts }: HangarContext,
    @Arg('refresh', () => Boolean, { nullable: true, description: 'Check every host now, even if it was checked a moment ago.' }) refresh?: boolean,
  ): Promise<Host[]> {
    const states = await hosts.checkAll({ maxAgeMs: refresh ? 0 : FRESH_MS });
    return states.map((state) => Host.from(state));
  }

  @Query(() => Host, { nullable: true, description: 'One host by name; null when no host has that name.' })
  async host(
    @Ctx() { hosts }: HangarContext,
    @Arg('name', () => String, { description: 'The host’s name in the configuration.' }) name: string,
    @Arg('refresh', () => Boolean, { nullable: true, description: 'Check the host now, even if it was checked a moment ago.' }) refresh?: boolean,
  ): Promise<Host | null> {
    if (!hosts.has(name)) return null;
    return Host.from(await hosts.check(name, { maxAgeMs: refresh ? 0 : FRESH_MS }));
  }

  @FieldResolver(() => ImageConnection, { description: '`docker image ls` on this host: newest first, with docker’s filters; `all` adds intermediate images.' })
  async images(
    @Root() host: Host,
    @Ctx() { reader }: HangarContext,
    @Arg('filter', () => ImageFilterInput, { nullable: true, description: 'docker’s filters; all must match.' }) filter?: ImageFilterInput,
    @Arg('all', () => Boolean, { nullable: true, description: 'Include intermediate images, as `docker image ls -a`.' }) all?: boolean,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 1000 (default 100).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The `endCursor` of the previous page.' }) after?: string,
  ): Promise<ImageConnection> {
    const images = (await listImages(reader, host.name, { filter, all })).map((summary) => Image.from(summary));
    return ImageConnection.from(paginate(images, imageSortKey, { first, after }));
  }

  @FieldResolver(() => Image, {
    nullable: true,
    description: '`docker image inspect REF`: by name[:tag] (docker.io/library and latest implied), name@digest, full ID or ID prefix. Null when nothing matches; an ambiguous ID prefix is an AMBIGUOUS_REFERENCE error listing the candidates.',
  })
  async image(
    @Root() host: Host,
    @Ctx() { reader }: HangarContext,
    @Arg('ref', () => String, { description: 'name[:tag], name@digest, full image ID or ID prefix.' }) ref: string,
  ): Promise<Image | null> {
    const details = await findImage(reader, host.name, ref);
    return details ? Image.from(details) : null;
  }

  @FieldResolver(() => DiskUsage, { description: '`docker system df` (and `-v`) on this host.' })
  async diskUsage(@Root() host: Host, @Ctx() { reader }: HangarContext): Promise<DiskUsage> {
    return DiskUsage.from(await diskUsage(reader, host.name));
  }

  @FieldResolver(() => [HostLayer], { description: 'Every image layer on the host with the images using it and the bytes sharing saves, most saved first.' })
  async layers(@Root() host: Host, @Ctx() { reader }: HangarContext): Promise<HostLayer[]> {
    const layers = await hostLayers(reader, host.name);
    return layers.map(({ images, ...layer }) => Object.assign(new HostLayer(), { ...layer, imageIds: images }));
  }
}
