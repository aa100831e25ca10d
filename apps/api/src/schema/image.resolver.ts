import { HangarError, findImage, imageHistory, imageLayers, imageUsage, listImages } from '@hangar/core';
import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { HangarContext } from '../context.js';
import { Host } from './host.type.js';
import { ImageDetails } from './image-details.type.js';
import { Image, ImageHistoryEntry, Layer } from './image.type.js';
import { BytesScalar } from './scalars.js';

@Resolver(() => Image)
export class ImageResolver {
  @FieldResolver(() => Host, { description: 'The host the image is on.' })
  host(@Root() image: Image, @Ctx() { hosts }: HangarContext): Host {
    return Host.from(hosts.state(image.hostName));
  }

  @FieldResolver(() => [ImageHistoryEntry], { description: '`docker history`: the image’s build steps, newest first.' })
  async history(@Root() image: Image, @Ctx() { reader }: HangarContext): Promise<ImageHistoryEntry[]> {
    const entries = await imageHistory(reader, image.hostName, image.imageId);
    return entries.map((entry) => Object.assign(new ImageHistoryEntry(), entry));
  }

  @FieldResolver(() => [Layer], { description: 'The image’s filesystem layers, base first, each with its build step and the other images on the host sharing it.' })
  async layers(@Root() image: Image, @Ctx() { reader }: HangarContext): Promise<Layer[]> {
    const [layers, all] = await Promise.all([
      imageLayers(reader, image.hostName, image.imageId),
      listImages(reader, image.hostName, { all: true }),
    ]);
    const byId = new Map(all.map((summary) => [summary.id, summary]));
    return layers.map(({ sharedWith, ...layer }) =>
      Object.assign(new Layer(), {
        ...layer,
        sharedWith: sharedWith.flatMap((id) => {
          const summary = byId.get(id);
          return summary ? [Image.from(summary)] : [];
        }),
      }),
    );
  }

  @FieldResolver(() => ImageDetails, { description: 'What `docker image inspect` adds: platform, author, comment, run configuration, root filesystem.' })
  async details(@Root() image: Image, @Ctx() { reader }: HangarContext): Promise<ImageDetails> {
    const details = await findImage(reader, image.hostName, image.imageId);
    if (!details) throw new HangarError('NOT_FOUND', `image ${image.shortId} is no longer on ${image.hostName}`, { host: image.hostName });
    return ImageDetails.from(details);
  }

  @FieldResolver(() => Int, { nullable: true, description: 'How many containers use the image (`docker system df -v` CONTAINERS); null for intermediate images.' })
  async containers(@Root() image: Image, @Ctx() { reader }: HangarContext): Promise<number | null> {
    return (await imageUsage(reader, image.hostName, image.imageId))?.containers ?? null;
  }

  @FieldResolver(() => BytesScalar, { nullable: true, description: 'Bytes of its layers that other images share (`docker system df -v` SHARED SIZE); null for intermediate images.' })
  async sharedSize(@Root() image: Image, @Ctx() { reader }: HangarContext): Promise<number | null> {
    return (await imageUsage(reader, image.hostName, image.imageId))?.sharedSize ?? null;
  }
}
