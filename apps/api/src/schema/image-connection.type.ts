import { Field, Int, ObjectType } from 'type-graphql';
import { HostError } from './host-error.type.js';
import { Image } from './image.type.js';
import { PageInfo, type Page } from './pagination.js';

@ObjectType({ description: 'An image and its cursor.' })
export class ImageEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this image.' })
  cursor!: string;

  @Field(() => Image, { description: 'The image.' })
  node!: Image;
}

@ObjectType({ description: 'A page of one host’s images, newest first.' })
export class ImageConnection {
  @Field(() => [ImageEdge], { description: 'The images of this page with their cursors.' })
  edges!: ImageEdge[];

  @Field(() => [Image], { description: 'The images of this page.' })
  nodes!: Image[];

  @Field(() => Int, { description: 'How many images match, over all pages.' })
  totalCount!: number;

  @Field(() => PageInfo, { description: 'Where this page sits.' })
  pageInfo!: PageInfo;

  static from(page: Page<Image>): ImageConnection {
    return Object.assign(new ImageConnection(), {
      edges: page.items.map((item) => Object.assign(new ImageEdge(), item)),
      nodes: page.items.map((item) => item.node),
      totalCount: page.totalCount,
      pageInfo: page.pageInfo,
    });
  }
}

@ObjectType({ description: 'A page of images across hosts, newest first, with the hosts that could not answer.' })
export class FleetImageConnection extends ImageConnection {
  @Field(() => [HostError], { description: 'One entry per host that did not answer within the bound; the page holds the others’ images.' })
  hostErrors!: HostError[];
}

@ObjectType({ description: 'Where an image is across the fleet.' })
export class ImageLocations {
  @Field(() => [Image], { description: 'The image on each host that holds it (by ID, digest or tag).' })
  images!: Image[];

  @Field(() => [String], { description: 'Hosts that answered and do not hold it.' })
  missingOn!: string[];

  @Field(() => [HostError], { description: 'Hosts that could not answer.' })
  hostErrors!: HostError[];
}
