import { Field, ObjectType } from 'type-graphql';
import { PageInfo } from './pagination.js';

@ObjectType({ description: 'Who made a recorded call.' })
export class AuditActor {
  @Field(() => String, { description: 'The token’s name.' })
  name!: string;

  @Field(() => String, { description: 'The token’s role.' })
  role!: string;

  @Field(() => String, { description: 'The first 12 hex digits of the token’s hash: which token, never the token.' })
  tokenId!: string;
}

@ObjectType({ description: 'One mutation or archive call: who, what, where, and how it ended.' })
export class AuditEntry {
  @Field(() => String, { description: 'The entry’s ID (time-ordered).' })
  id!: string;

  @Field(() => String, { description: 'When, RFC 3339.' })
  at!: string;

  @Field(() => AuditActor, { description: 'Who.' })
  actor!: AuditActor;

  @Field(() => String, { description: 'The operation: removeImages, pruneImages, tagImage, commitContainer, exportImages, loadImages, importImage, ...' })
  action!: string;

  @Field(() => [String], { description: 'The hosts it touched.' })
  hosts!: string[];

  @Field(() => String, { description: 'What it was about (references, filters, options), as JSON; secrets are redacted.' })
  target!: string;

  @Field(() => String, { description: 'ok, partial, failed or dry-run.' })
  outcome!: string;

  @Field(() => String, { nullable: true, description: 'A short summary of the result or the error.' })
  detail?: string;
}

@ObjectType({ description: 'A page of the audit trail, newest first.' })
export class AuditConnection {
  @Field(() => [AuditEntry], { description: 'The entries of this page.' })
  nodes!: AuditEntry[];

  @Field(() => PageInfo, { description: 'Where this page sits; pass `endCursor` as `after` for older entries.' })
  pageInfo!: PageInfo;
}
