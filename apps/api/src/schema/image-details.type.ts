import type { ImageDetails as CoreImageDetails } from '@hangar/core';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Label } from './label.type.js';

@ObjectType({ description: 'A container healthcheck baked into an image.' })
export class Healthcheck {
  @Field(() => [String], { description: 'The test, e.g. ["CMD-SHELL", "curl -f http://localhost/"].' })
  test!: string[];

  @Field(() => Float, { nullable: true, description: 'Time between checks, in nanoseconds.' })
  intervalNs?: number;

  @Field(() => Float, { nullable: true, description: 'Time one check may take, in nanoseconds.' })
  timeoutNs?: number;

  @Field(() => Float, { nullable: true, description: 'Start-up grace period, in nanoseconds.' })
  startPeriodNs?: number;

  @Field(() => Int, { nullable: true, description: 'Consecutive failures before unhealthy.' })
  retries?: number;
}

@ObjectType({ description: 'The run configuration an image gives its containers (`docker inspect` .Config).' })
export class ImageConfig {
  @Field(() => String, { nullable: true, description: 'USER.' })
  user?: string;

  @Field(() => [String], { description: 'ENV, as KEY=value.' })
  env!: string[];

  @Field(() => [String], { nullable: true, description: 'CMD.' })
  cmd?: string[];

  @Field(() => [String], { nullable: true, description: 'ENTRYPOINT.' })
  entrypoint?: string[];

  @Field(() => String, { nullable: true, description: 'WORKDIR.' })
  workingDir?: string;

  @Field(() => [String], { description: 'EXPOSE, as port/protocol.' })
  exposedPorts!: string[];

  @Field(() => [String], { description: 'VOLUME paths.' })
  volumes!: string[];

  @Field(() => [Label], { description: 'LABELs.' })
  labels!: Label[];

  @Field(() => String, { nullable: true, description: 'STOPSIGNAL.' })
  stopSignal?: string;

  @Field(() => [String], { description: 'ONBUILD instructions.' })
  onBuild!: string[];

  @Field(() => [String], { nullable: true, description: 'SHELL.' })
  shell?: string[];

  @Field(() => Healthcheck, { nullable: true, description: 'HEALTHCHECK.' })
  healthcheck?: Healthcheck;
}

@ObjectType({ description: 'The layers of an image’s root filesystem.' })
export class RootFS {
  @Field(() => String, { description: 'Always `layers`.' })
  type!: string;

  @Field(() => [String], { description: 'Diff IDs, base layer first.' })
  layers!: string[];
}

@ObjectType({ description: 'What `docker image inspect` says beyond `docker image ls`.' })
export class ImageDetails {
  @Field(() => String, { description: 'Creation time with the engine’s full precision (RFC 3339, nanoseconds).' })
  createdAt!: string;

  @Field(() => String, { nullable: true, description: 'CPU architecture (amd64, arm64, ...).' })
  architecture?: string;

  @Field(() => String, { nullable: true, description: 'Architecture variant (v7, v8, ...).' })
  variant?: string;

  @Field(() => String, { nullable: true, description: 'Operating system (linux, windows).' })
  os?: string;

  @Field(() => String, { nullable: true, description: 'Operating system version (Windows images).' })
  osVersion?: string;

  @Field(() => String, { nullable: true, description: 'Author (`docker commit --author`, MAINTAINER).' })
  author?: string;

  @Field(() => String, { nullable: true, description: 'Comment (`docker commit -m`, `docker import -m`).' })
  comment?: string;

  @Field(() => String, { nullable: true, description: 'Version of the engine that built the image.' })
  dockerVersion?: string;

  @Field(() => ImageConfig, { description: 'The run configuration.' })
  config!: ImageConfig;

  @Field(() => RootFS, { description: 'The root filesystem’s layers.' })
  rootFS!: RootFS;

  @Field(() => String, { nullable: true, description: 'When the image was last tagged on this host.' })
  lastTagTime?: string;

  static from(details: CoreImageDetails): ImageDetails {
    const c = details.config;
    return Object.assign(new ImageDetails(), {
      createdAt: details.createdAt,
      architecture: details.architecture,
      variant: details.variant,
      os: details.os,
      osVersion: details.osVersion,
      author: details.author,
      comment: details.comment,
      dockerVersion: details.dockerVersion,
      config: Object.assign(new ImageConfig(), {
        ...c,
        labels: Label.fromRecord(c.labels),
        healthcheck: c.healthcheck ? Object.assign(new Healthcheck(), c.healthcheck) : undefined,
      }),
      rootFS: Object.assign(new RootFS(), details.rootFS),
      lastTagTime: details.lastTagTime,
    });
  }
}
