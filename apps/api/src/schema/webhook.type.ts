import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { HostSelectorInput } from './job-inputs.js';
import { Label } from './label.type.js';
import { PageInfo } from './pagination.js';
import { DateTimeScalar } from './scalars.js';
import { UserError } from './user-error.type.js';

export enum WebhookSource {
  DISTRIBUTION = 'distribution',
  HARBOR = 'harbor',
  DOCKERHUB = 'dockerhub',
  STANDARD = 'standard',
  GITHUB = 'github',
}
registerEnumType(WebhookSource, {
  name: 'WebhookSource',
  description: 'What sends to a receiver: fixes the payload format and how requests authenticate.',
  valuesConfig: {
    DISTRIBUTION: { description: 'A Distribution registry (registry:2) notification endpoint; `Authorization: Bearer <secret>`.' },
    HARBOR: { description: 'A Harbor webhook policy (Default JSON or CloudEvents); its auth header carries the secret.' },
    DOCKERHUB: { description: 'A Docker Hub webhook; the secret is the last path segment: POST /webhooks/<name>/<secret>.' },
    STANDARD: { description: 'Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature; a `whsec_` secret) carrying `image.pushed` events.' },
    GITHUB: { description: 'GitHub `registry_package` / `package` events for container images, signed with X-Hub-Signature-256.' },
  },
});

export enum WebhookDeliveryStatus {
  ACCEPTED = 'ACCEPTED',
  DUPLICATE = 'DUPLICATE',
  REJECTED = 'REJECTED',
  IGNORED = 'IGNORED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'How a delivery was answered.',
  valuesConfig: {
    ACCEPTED: { description: 'Authenticated and parsed, with at least one new push event: answered 202, rules matched afterwards.' },
    DUPLICATE: { description: 'Every push event in it was delivered before (same event ID): answered 200, nothing started.' },
    REJECTED: { description: 'Refused: unknown receiver, failed authentication, body too large or malformed (`reason` says which); nothing started.' },
    IGNORED: { description: 'Authenticated, but nothing in it asks for anything (pulls, blobs, deletes, pings): answered 202.' },
  },
});

export enum WebhookEventStatus {
  ACCEPTED = 'ACCEPTED',
  DUPLICATE = 'DUPLICATE',
  IGNORED = 'IGNORED',
}
registerEnumType(WebhookEventStatus, {
  name: 'WebhookEventStatus',
  description: 'What became of one event of a delivery.',
  valuesConfig: {
    ACCEPTED: { description: 'A new push of a tag: matched against the rules.' },
    DUPLICATE: { description: 'Seen before under the same event ID: nothing started.' },
    IGNORED: { description: 'Not a push of a tagged manifest (a pull, a blob, a delete, a push by digest): `reason` says which.' },
  },
});

export enum WebhookRuleAction {
  PULL = 'pull',
}
registerEnumType(WebhookRuleAction, {
  name: 'WebhookRuleAction',
  description: 'What a rule does with a matching push.',
  valuesConfig: { PULL: { description: 'Pull the pushed digest on the selected hosts and tag it with the pushed tag.' } },
});

@ObjectType({ description: 'An endpoint registries post to: `POST /webhooks/<name>`. Its secret is write-only.' })
export class WebhookReceiver {
  @Field(() => String, { description: 'The name, the last segment of its URL.' })
  name!: string;

  @Field(() => WebhookSource, { description: 'What sends to it.' })
  source!: WebhookSource;

  @Field(() => String, { description: 'Its path on this server: `/webhooks/<name>` (Docker Hub: followed by `/<secret>`).' })
  path!: string;

  @Field(() => Boolean, { description: 'True when it comes from hangar.yaml (it cannot be removed through the API).' })
  fromConfig!: boolean;

  @Field(() => String, { nullable: true, description: 'The environment variable a configured receiver reads its secret from.' })
  secretEnv?: string;

  @Field(() => Boolean, { description: 'Whether it has a secret; without one every request is refused.' })
  hasSecret!: boolean;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was added through the API.' })
  createdAt?: Date;
}

@ObjectType({ description: 'The hosts a rule acts on: by name, by labels, or both (union).' })
export class WebhookRuleHosts {
  @Field(() => [String], { description: 'Host names.' })
  names!: string[];

  @Field(() => [Label], { description: 'Labels a host must all carry.' })
  labels!: Label[];
}

@ObjectType({ description: 'What to do when a receiver reports a push: which repositories and tags, what action, on which hosts.' })
export class WebhookRule {
  @Field(() => String, { description: 'The rule’s name.' })
  name!: string;

  @Field(() => String, { description: 'The receiver whose events it looks at.' })
  receiver!: string;

  @Field(() => String, { description: 'Glob on the repository path (Go path.Match: `*` does not cross `/`), e.g. `team/web*`.' })
  repository!: string;

  @Field(() => String, { description: 'Glob on the pushed tag.' })
  tag!: string;

  @Field(() => [String], { description: 'Tags matching any of these globs start nothing, e.g. `*-rc`.' })
  excludeTags!: string[];

  @Field(() => WebhookRuleAction, { description: 'What it does.' })
  action!: WebhookRuleAction;

  @Field(() => WebhookRuleHosts, { description: 'Where it does it.' })
  hosts!: WebhookRuleHosts;

  @Field(() => Boolean, { description: 'True when it comes from hangar.yaml (it cannot be removed through the API).' })
  fromConfig!: boolean;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was added through the API.' })
  createdAt?: Date;
}

@ObjectType({ description: 'One rule an event matched, and the jobs it started.' })
export class WebhookRuleMatch {
  @Field(() => String, { description: 'The rule’s name.' })
  rule!: string;

  @Field(() => String, { nullable: true, description: 'What was pulled: `host/repo@digest` (by tag when the source gave no digest).' })
  ref?: string;

  @Field(() => String, { nullable: true, description: 'The tag given to the pulled image: `host/repo:tag`.' })
  tagAs?: string;

  @Field(() => [String], { description: 'The hosts the rule selected.' })
  hosts!: string[];

  @Field(() => [ID], { description: 'The IDs of the jobs it started (or joined), one per host.' })
  jobIds!: string[];

  @Field(() => [UserError], { description: 'What kept it from starting a job: a bad reference, an unknown host.' })
  errors!: UserError[];
}

@ObjectType({ description: 'One event of a delivery, as Hangar read it.' })
export class WebhookEvent {
  @Field(() => String, { description: 'The source’s event ID, or one derived from the payload (Harbor Default format, Docker Hub).' })
  eventId!: string;

  @Field(() => String, { description: 'push, pull, delete, ...' })
  action!: string;

  @Field(() => String, { description: 'Repository path inside the registry.' })
  repository!: string;

  @Field(() => String, { nullable: true, description: 'The tag, when the event names one.' })
  tag?: string;

  @Field(() => String, { nullable: true, description: 'The manifest digest, when the source tells it.' })
  digest?: string;

  @Field(() => String, { nullable: true, description: 'The registry host (with port).' })
  registryHost?: string;

  @Field(() => String, { nullable: true, description: 'The target’s media type (blobs are application/octet-stream).' })
  mediaType?: string;

  @Field(() => WebhookEventStatus, { description: 'What became of it.' })
  status!: WebhookEventStatus;

  @Field(() => String, { nullable: true, description: 'Why it was ignored.' })
  reason?: string;

  @Field(() => [WebhookRuleMatch], { description: 'The rules it matched, once processed.' })
  matches!: WebhookRuleMatch[];
}

@ObjectType({ description: 'One request to a webhook receiver, whatever became of it. Never holds a secret or a header.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'The delivery’s ID (time-ordered; the cursor of `webhookDeliveries`).' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'The source’s delivery ID (webhook-id, X-GitHub-Delivery, Harbor’s CloudEvent id), or a hash of the body.' })
  deliveryId?: string;

  @Field(() => String, { description: 'The receiver it was addressed to.' })
  receiver!: string;

  @Field(() => WebhookSource, { nullable: true, description: 'The receiver’s source; null for an unknown receiver.' })
  source?: WebhookSource;

  @Field(() => DateTimeScalar, { description: 'When it arrived.' })
  receivedAt!: Date;

  @Field(() => WebhookDeliveryStatus, { description: 'How it was answered.' })
  status!: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'The HTTP status it was answered with.' })
  httpStatus!: number;

  @Field(() => String, { nullable: true, description: 'Why it was rejected or ignored.' })
  reason?: string;

  @Field(() => [WebhookEvent], { description: 'The events it held.' })
  events!: WebhookEvent[];

  @Field(() => DateTimeScalar, { nullable: true, description: 'When its rules were matched and its jobs enqueued; null while pending or when there was nothing to do.' })
  processedAt?: Date;

  @Field(() => [ID], { description: 'The IDs of every job it started, over all events and rules.' })
  jobIds!: string[];
}

@ObjectType({ description: 'A page of webhook deliveries, newest first.' })
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDelivery], { description: 'The deliveries of this page.' })
  nodes!: WebhookDelivery[];

  @Field(() => Int, { description: 'How many deliveries are kept (the oldest are trimmed beyond 100,000).' })
  totalCount!: number;

  @Field(() => PageInfo, { description: 'Where this page sits; pass `endCursor` as `after` for older deliveries.' })
  pageInfo!: PageInfo;
}

@InputType({ description: 'A receiver to add.' })
export class AddWebhookReceiverInput {
  @Field(() => String, { description: 'Its name: 1-63 letters, digits, `_ . -`; the last segment of its URL.' })
  name!: string;

  @Field(() => WebhookSource, { description: 'What will send to it.' })
  source!: WebhookSource;

  @Field(() => String, { nullable: true, description: 'Its secret (at least 16 characters; `whsec_<base64>` for STANDARD). Left out: one is generated and returned once.' })
  secret?: string;
}

@ObjectType({ description: 'The result of addWebhookReceiver.' })
export class AddWebhookReceiverPayload {
  @Field(() => WebhookReceiver, { nullable: true, description: 'The receiver added.' })
  receiver?: WebhookReceiver;

  @Field(() => String, { nullable: true, description: 'The generated secret, when none was given: shown this once, never again.' })
  generatedSecret?: string;

  @Field(() => [UserError], { description: 'Why nothing was added.' })
  userErrors!: UserError[];
}

@InputType({ description: 'A receiver to remove.' })
export class RemoveWebhookReceiverInput {
  @Field(() => String, { description: 'Its name.' })
  name!: string;
}

@ObjectType({ description: 'The result of removeWebhookReceiver or removeWebhookRule.' })
export class RemoveWebhookPayload {
  @Field(() => Boolean, { description: 'True when something was removed.' })
  removed!: boolean;

  @Field(() => [UserError], { description: 'Why nothing was removed.' })
  userErrors!: UserError[];
}

@InputType({ description: 'A rule to add.' })
export class AddWebhookRuleInput {
  @Field(() => String, { description: 'Its name: 1-63 letters, digits, `_ . -`.' })
  name!: string;

  @Field(() => String, { description: 'The receiver whose events it looks at.' })
  receiver!: string;

  @Field(() => String, { description: 'Glob on the repository path (Go path.Match), e.g. `team/web*`.' })
  repository!: string;

  @Field(() => String, { nullable: true, description: 'Glob on the tag (default `*`).' })
  tag?: string;

  @Field(() => [String], { nullable: true, description: 'Globs of tags that start nothing, e.g. `*-rc`.' })
  excludeTags?: string[];

  @Field(() => WebhookRuleAction, { nullable: true, description: 'What to do (default PULL).' })
  action?: WebhookRuleAction;

  @Field(() => HostSelectorInput, { description: 'The hosts: names and/or `key=value` labels (all must match).' })
  hosts!: HostSelectorInput;
}

@ObjectType({ description: 'The result of addWebhookRule.' })
export class AddWebhookRulePayload {
  @Field(() => WebhookRule, { nullable: true, description: 'The rule added.' })
  rule?: WebhookRule;

  @Field(() => [UserError], { description: 'Why nothing was added.' })
  userErrors!: UserError[];
}

@InputType({ description: 'A rule to remove.' })
export class RemoveWebhookRuleInput {
  @Field(() => String, { description: 'Its name.' })
  name!: string;
}
