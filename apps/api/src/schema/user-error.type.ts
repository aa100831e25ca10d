import { HangarError } from '@hangar/core';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An expected failure of a mutation: bad input, not found, a conflict. Nothing was done for it.' })
export class UserError {
  @Field(() => String, { description: 'BAD_REQUEST, NOT_FOUND, AMBIGUOUS_REFERENCE, CONFLICT, HOST_NOT_FOUND, HOST_UNREACHABLE, ...' })
  code!: string;

  @Field(() => String, { description: 'What went wrong, in words (the engine’s words where it spoke).' })
  message!: string;

  @Field(() => [String], { nullable: true, description: 'Path of the input field at fault, e.g. ["input", "refs", "2"].' })
  field?: string[];

  @Field(() => String, { nullable: true, description: 'The host it concerns, for fleet-wide mutations.' })
  host?: string;

  static of(code: string, message: string, extra: { field?: string[]; host?: string } = {}): UserError {
    return Object.assign(new UserError(), { code, message, ...extra });
  }

  static from(error: unknown, extra: { field?: string[]; host?: string } = {}): UserError {
    const failure = HangarError.from(error);
    return UserError.of(failure.code, failure.message, { ...(failure.host ? { host: failure.host } : {}), ...extra });
  }
}
