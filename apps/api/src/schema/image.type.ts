import type { ImageSummary } from '@hangar/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Label } from './label.type.js';
import { Node, toGlobalId } from './node.interface.js';
import { BytesScalar, DateTimeScalar } from './scalars.js';

@ObjectType({ implements: Node, description: 'An image on one host, as `docker image ls` and `docker image inspect` show it.' })
export class Image extends Node {
  @Field(() => String, { description: 'The full image ID, `sha256:` and 64 hex digits.' })
  imageId!: string;

  @Field(() => String, { description: 'The first 12 hex digits of the ID, as docker prints it.' })
  shortId!: string;

  @Field(() => String, { description: 'The name of the host the image is on.' })
  hostName!: string;

  @Field(() => [String], { description: 'Its `name:tag` references; empty for an untagged image.' })
  repoTags!: string[];

  @Field(() => [String], { description: 'Its `name@sha256:…` references (set when pulled from or pushed to a registry).' })
  repoDigests!: string[];

  @Field(() => DateTimeScalar, { description: 'When the image was created (whole seconds, as `docker image ls`).' })
  created!: Date;

  @Field(() => BytesScalar, { description: 'Bytes of all its layers: `docker image ls` SIZE.' })
  size!: number;

  @Field(() => [Label], { description: 'The image’s labels (from its config).' })
  labels!: Label[];

  @Field(() => Boolean, { description: 'True when the image has neither a tag nor a digest.' })
  dangling!: boolean;

  @Field(() => String, { nullable: true, description: 'The parent image ID (images built by the classic builder), if any.' })
  parentId?: string;

  /** The domain object, for field resolvers. */
  summary!: ImageSummary;

  static from(summary: ImageSummary): Image {
    return Object.assign(new Image(), {
      id: toGlobalId('Image', summary.host, summary.id),
      imageId: summary.id,
      shortId: summary.id.replace(/^sha256:/, '').slice(0, 12),
      hostName: summary.host,
      repoTags: summary.repoTags,
      repoDigests: summary.repoDigests,
      created: summary.created,
      size: summary.size,
      labels: Label.fromRecord(summary.labels),
      dangling: summary.dangling,
      parentId: summary.parentId,
      summary,
    });
  }
}

@ObjectType({ description: 'One line of `docker history`: a build step of the image, newest first.' })
export class ImageHistoryEntry {
  @Field(() => String, { nullable: true, description: 'The image ID of this step when it exists on the host; null where docker prints `<missing>`.' })
  id?: string;

  @Field(() => DateTimeScalar, { description: 'When the step ran.' })
  created!: Date;

  @Field(() => String, { description: 'The instruction that made the step, untruncated.' })
  createdBy!: string;

  @Field(() => BytesScalar, { description: 'Bytes the step added (0 for metadata-only steps).' })
  size!: number;

  @Field(() => String, { nullable: true, description: 'The step’s comment (e.g. `buildkit.dockerfile.v0`, or an import message).' })
  comment?: string;

  @Field(() => [String], { description: 'Tags pointing at this step’s image.' })
  tags!: string[];
}

@ObjectType({ description: 'A filesystem layer of an image, base layer first.' })
export class Layer {
  @Field(() => Int, { description: 'Position in the image, 0 = base layer.' })
  index!: number;

  @Field(() => String, { description: 'Digest of the layer’s uncompressed content (RootFS diff ID).' })
  diffId!: string;

  @Field(() => String, { description: 'Digest of the layer together with all below it: the unit the engine stores once and shares.' })
  chainId!: string;

  @Field(() => BytesScalar, { description: 'Bytes the layer holds.' })
  size!: number;

  @Field(() => String, { nullable: true, description: 'The build step that made the layer; null when it cannot be told from the history.' })
  createdBy?: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When that step ran.' })
  created?: Date;

  @Field(() => [Image], { description: 'Other images on the same host that contain this very layer (same chain ID).' })
  sharedWith!: Image[];
}

@ObjectType({ description: 'A layer stored on a host, with the images that use it.' })
export class HostLayer {
  @Field(() => String, { description: 'Digest of the layer together with all below it.' })
  chainId!: string;

  @Field(() => String, { description: 'Digest of the layer’s uncompressed content.' })
  diffId!: string;

  @Field(() => BytesScalar, { description: 'Bytes the layer holds.' })
  size!: number;

  @Field(() => String, { nullable: true, description: 'The build step that made the layer, when known.' })
  createdBy?: string;

  @Field(() => [String], { description: 'IDs of the images that contain the layer.' })
  imageIds!: string[];

  @Field(() => BytesScalar, { description: 'Bytes saved by storing the layer once: size × (images − 1).' })
  savedBytes!: number;
}
