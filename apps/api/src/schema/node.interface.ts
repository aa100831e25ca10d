import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType({ description: 'An object with a globally unique ID.' })
export abstract class Node {
  @Field(() => ID, { description: 'Globally unique, opaque ID.' })
  id!: string;
}

export function toGlobalId(type: string, ...parts: string[]): string {
  return Buffer.from([type, ...parts].join(':')).toString('base64url');
}
