import type { HostState } from '@hangar/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { EngineInfo } from './engine-info.type.js';
import { Label } from './label.type.js';
import { DateTimeScalar } from './scalars.js';

export enum HostStatus {
  UP = 'UP',
  DOWN = 'DOWN',
}

registerEnumType(HostStatus, {
  name: 'HostStatus',
  description: 'Whether Hangar reached the host’s engine at its last health check.',
  valuesConfig: {
    UP: { description: 'The engine answered, in a supported API version.' },
    DOWN: { description: 'The engine could not be reached or refused us; `error` says why.' },
  },
});

@ObjectType({ description: 'A Docker Engine in the fleet.' })
export class Host {
  @Field(() => String, { description: 'The host’s name in the configuration.' })
  name!: string;

  @Field(() => String, { description: 'Where the engine listens (unix://, tcp:// or ssh://), without secrets.' })
  endpoint!: string;

  @Field(() => [Label], { description: 'Labels from the configuration, used to select hosts.' })
  labels!: Label[];

  @Field(() => HostStatus, { description: 'UP when the last health check reached the engine.' })
  status!: HostStatus;

  @Field(() => String, { nullable: true, description: 'Why the host is DOWN, in words; null when UP.' })
  error?: string;

  @Field(() => String, { nullable: true, description: 'Why the host is DOWN, as a code: HOST_UNREACHABLE, HOST_TIMEOUT, TLS_ERROR, ENGINE_UNSUPPORTED or ENGINE_ERROR.' })
  errorCode?: string;

  @Field(() => EngineInfo, { nullable: true, description: 'What the engine reported at the last successful check; null while DOWN.' })
  engine?: EngineInfo;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the host was last checked.' })
  checkedAt?: Date;

  @Field(() => DateTimeScalar, { description: 'When the host entered its current status.' })
  statusSince!: Date;

  @Field(() => Int, { description: 'How many jobs may run on this host at once, across all workers.' })
  maxConcurrentJobs!: number;

  static from(state: HostState): Host {
    return Object.assign(new Host(), {
      name: state.name,
      endpoint: state.endpoint,
      labels: Label.fromRecord(state.labels),
      status: state.status === 'UP' ? HostStatus.UP : HostStatus.DOWN,
      error: state.status === 'DOWN' ? state.error?.message : undefined,
      errorCode: state.status === 'DOWN' ? state.error?.code : undefined,
      engine: state.status === 'UP' && state.engine ? EngineInfo.from(state.engine) : undefined,
      checkedAt: state.checkedAt,
      statusSince: state.since,
      maxConcurrentJobs: state.maxConcurrentJobs,
    });
  }
}
