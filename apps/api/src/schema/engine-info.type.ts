import type { EngineInfo as CoreEngineInfo } from '@hangar/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BytesScalar } from './scalars.js';

@ObjectType({ description: 'What a Docker Engine reports about itself (`docker version` and `docker info`).' })
export class EngineInfo {
  @Field(() => String, { description: 'Engine version, as `docker version` shows for the server (e.g. 20.10.24+dfsg1).' })
  version!: string;

  @Field(() => String, { description: 'The Engine API version Hangar negotiated with this engine and talks in.' })
  apiVersion!: string;

  @Field(() => String, { description: 'The newest Engine API version the engine serves.' })
  maxApiVersion!: string;

  @Field(() => String, { nullable: true, description: 'The oldest Engine API version the engine accepts.' })
  minApiVersion?: string;

  @Field(() => String, { description: 'Operating system of the engine (linux, windows).' })
  os!: string;

  @Field(() => String, { description: 'CPU architecture of the engine (amd64, arm64, ...).' })
  arch!: string;

  @Field(() => String, { nullable: true, description: 'Kernel version of the engine host.' })
  kernelVersion?: string;

  @Field(() => String, { nullable: true, description: 'Operating system distribution of the engine host.' })
  operatingSystem?: string;

  @Field(() => String, { nullable: true, description: 'Storage driver (overlay2, ...).' })
  storageDriver?: string;

  @Field(() => String, { nullable: true, description: 'The engine host name, as `docker info` shows.' })
  name?: string;

  @Field(() => Int, { description: 'Number of images on the engine (`docker info`), intermediate ones included.' })
  images!: number;

  @Field(() => Int, { description: 'Number of containers on the engine, in any state.' })
  containers!: number;

  @Field(() => Int, { description: 'Number of CPUs the engine sees.' })
  cpus!: number;

  @Field(() => BytesScalar, { description: 'Total memory of the engine host.' })
  memory!: number;

  static from(info: CoreEngineInfo): EngineInfo {
    return Object.assign(new EngineInfo(), {
      version: info.version,
      apiVersion: info.apiVersion,
      maxApiVersion: info.maxApiVersion,
      minApiVersion: info.minApiVersion,
      os: info.os,
      arch: info.arch,
      kernelVersion: info.kernelVersion,
      operatingSystem: info.operatingSystem,
      storageDriver: info.storageDriver,
      name: info.name,
      images: info.images,
      containers: info.containers,
      cpus: info.cpus,
      memory: info.memoryBytes,
    });
  }
}
