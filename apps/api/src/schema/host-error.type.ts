import type { HostFailure } from '@hangar/core';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Why one host has no part in a fleet-wide answer.' })
export class HostError {
  @Field(() => String, { description: 'The host’s name.' })
  host!: string;

  @Field(() => String, { description: 'HOST_UNREACHABLE, HOST_TIMEOUT, TLS_ERROR, HOST_NOT_FOUND, NOT_FOUND, ENGINE_ERROR, ...' })
  code!: string;

  @Field(() => String, { description: 'What went wrong, in words.' })
  message!: string;

  static from(failure: HostFailure): HostError {
    return Object.assign(new HostError(), failure);
  }
}
