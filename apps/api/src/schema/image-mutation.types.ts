import { Field, InputType, ObjectType } from 'type-graphql';
import { ImageFilterInput } from './image-filter.input.js';
import { Image } from './image.type.js';
import { BytesScalar } from './scalars.js';
import { UserError } from './user-error.type.js';

@InputType({ description: '`docker tag SOURCE TARGET` on one host.' })
export class TagImageInput {
  @Field(() => String, { description: 'The host.' })
  host!: string;

  @Field(() => String, { description: 'The image to tag: name[:tag], name@digest, ID or ID prefix.' })
  source!: string;

  @Field(() => String, { description: 'The new reference, name[:tag] (`latest` when no tag).' })
  target!: string;
}

@ObjectType({ description: 'The result of tagImage.' })
export class TagImagePayload {
  @Field(() => Image, { nullable: true, description: 'The image with its new tag; null when nothing was tagged.' })
  image?: Image;

  @Field(() => [UserError], { description: 'Why nothing was tagged, if so.' })
  userErrors!: UserError[];
}

@InputType({ description: '`docker rmi` on one or many hosts, by references or by a filter. The hosts must be chosen: `hosts`, or `allHosts: true`; without either nothing is removed (a BAD_REQUEST user error).' })
export class RemoveImagesInput {
  @Field(() => [String], { nullable: true, description: 'The hosts to remove on (at least one). Required unless `allHosts` is true; there is no default.' })
  hosts?: string[];

  @Field(() => Boolean, { nullable: true, description: 'True: every host (of those the token sees). Not with `hosts`. A host that is down is a user error for that host; the others go on.' })
  allHosts?: boolean;

  @Field(() => [String], { nullable: true, description: 'What to remove: name[:tag], name@digest, full ID or ID prefix (an ambiguous prefix removes nothing). Give `refs` or `filter`.' })
  refs?: string[];

  @Field(() => ImageFilterInput, { nullable: true, description: 'Remove every image `docker image ls` lists with this filter (like `docker rmi $(docker images -q FILTER)`).' })
  filter?: ImageFilterInput;

  @Field(() => Boolean, { nullable: true, description: '`-f`: untag images with several tags and remove images stopped containers use.' })
  force?: boolean;

  @Field(() => Boolean, { nullable: true, description: '`--no-prune`: keep untagged parent images.' })
  noPrune?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Change nothing; report exactly what would be untagged and deleted and the bytes it would free.' })
  dryRun?: boolean;
}

@InputType({ description: '`docker image prune` on one or many hosts. The hosts must be chosen: `hosts`, or `allHosts: true`; without either nothing is pruned (a BAD_REQUEST user error).' })
export class PruneImagesInput {
  @Field(() => [String], { nullable: true, description: 'The hosts to prune (at least one). Required unless `allHosts` is true; there is no default.' })
  hosts?: string[];

  @Field(() => Boolean, { nullable: true, description: 'True: every host (of those the token sees). Not with `hosts`. A host that is down is a user error for that host; the others go on.' })
  allHosts?: boolean;

  @Field(() => Boolean, { nullable: true, description: '`-a`: every image no container uses, not only dangling ones.' })
  all?: boolean;

  @Field(() => String, { nullable: true, description: '`--filter until=`: only images created before this time (duration, RFC 3339 or Unix seconds).' })
  until?: string;

  @Field(() => [String], { nullable: true, description: '`--filter label=`: `key` or `key=value`; images must have all.' })
  label?: string[];

  @Field(() => [String], { nullable: true, description: '`--filter label!=`: `key` or `key=value`; images having all of them are kept.' })
  labelNot?: string[];

  @Field(() => Boolean, { nullable: true, description: 'Change nothing; list what would go and the bytes it would free.' })
  dryRun?: boolean;
}

@ObjectType({ description: 'What a remove or prune did on one host (or, in a dry run, would do), as docker reports it.' })
export class ImageRemoval {
  @Field(() => String, { description: 'The host.' })
  host!: string;

  @Field(() => Boolean, { description: 'True when nothing was changed and this is the prediction.' })
  dryRun!: boolean;

  @Field(() => [String], { description: 'References removed (`Untagged:` lines).' })
  untagged!: string[];

  @Field(() => [String], { description: 'Images and layers deleted (`Deleted:` lines): image IDs and layer chain IDs.' })
  deleted!: string[];

  @Field(() => BytesScalar, { description: 'Bytes of layers freed.' })
  reclaimedBytes!: number;
}

@ObjectType({ description: 'The result of removeImages: one entry per host that was asked.' })
export class RemoveImagesPayload {
  @Field(() => [ImageRemoval], { description: 'Per host, what was (or would be) untagged and deleted.' })
  results!: ImageRemoval[];

  @Field(() => [UserError], { description: 'Items that were not removed, with the host and the ref at fault.' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The result of pruneImages: one entry per host that was asked.' })
export class PruneImagesPayload {
  @Field(() => [ImageRemoval], { description: 'Per host, what was (or would be) deleted and the bytes freed.' })
  results!: ImageRemoval[];

  @Field(() => [UserError], { description: 'Hosts that could not be pruned, and bad input.' })
  userErrors!: UserError[];
}

@InputType({ description: '`docker commit`: a container’s changes become a new image.' })
export class CommitContainerInput {
  @Field(() => String, { description: 'The host.' })
  host!: string;

  @Field(() => String, { description: 'Container name or ID.' })
  container!: string;

  @Field(() => String, { nullable: true, description: 'Repository of the new image; untagged when left out.' })
  repo?: string;

  @Field(() => String, { nullable: true, description: 'Tag of the new image (`latest` when a repo is given without one).' })
  tag?: string;

  @Field(() => String, { nullable: true, description: '`--author`.' })
  author?: string;

  @Field(() => String, { nullable: true, description: '`--message`: the commit message (image comment).' })
  message?: string;

  @Field(() => [String], { nullable: true, description: '`--change`: Dockerfile instructions (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR), one per entry, checked before the engine sees them.' })
  changes?: string[];

  @Field(() => Boolean, { nullable: true, description: '`--pause`: pause the container while committing (default true).' })
  pause?: boolean;
}

@ObjectType({ description: 'The result of commitContainer.' })
export class CommitContainerPayload {
  @Field(() => Image, { nullable: true, description: 'The new image; null when nothing was committed.' })
  image?: Image;

  @Field(() => [UserError], { description: 'Why nothing was committed, if so (one entry per bad change).' })
  userErrors!: UserError[];
}
