import { checkWebhookRule, HangarError, parseLabelSelector, webhookReceiverSchema, webhookRuleSchema, type WebhookRule as CoreWebhookRule } from '@hangar/core';
import { readJob } from '@hangar/jobs';
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireRole } from '../auth/roles.js';
import type { HangarContext } from '../context.js';
import { checkWebhookSecret, generateWebhookSecret, type WebhookReceiverView } from '../webhooks/receiver-store.js';
import type { WebhookRuleView } from '../webhooks/rule-store.js';
import type { DeliveryView } from '../webhooks/delivery-store.js';
import { Job } from './job.type.js';
import { Label } from './label.type.js';
import { checkPageSize, checkStreamCursor, PageInfo } from './pagination.js';
import { UserError } from './user-error.type.js';
import {
  AddWebhookReceiverInput,
  AddWebhookReceiverPayload,
  AddWebhookRuleInput,
  AddWebhookRulePayload,
  RemoveWebhookPayload,
  RemoveWebhookReceiverInput,
  RemoveWebhookRuleInput,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookDeliveryStatus,
  WebhookEvent,
  WebhookEventStatus,
  WebhookReceiver,
  WebhookRule,
  WebhookRuleAction,
  WebhookRuleHosts,
  WebhookRuleMatch,
  WebhookSource,
} from './webhook.type.js';

function requireAdmin({ principal }: HangarContext): void {
  requireRole(principal, 'admin', 'webhook receivers, rules and deliveries');
}

function receiverOf(view: WebhookReceiverView): WebhookReceiver {
  return Object.assign(new WebhookReceiver(), {
    ...view,
    source: view.source as WebhookSource,
    path: `/webhooks/${view.name}${view.source === 'dockerhub' ? '/<secret>' : ''}`,
  });
}

function ruleOf(view: WebhookRuleView): WebhookRule {
  return Object.assign(new WebhookRule(), {
    name: view.name,
    receiver: view.receiver,
    repository: view.repository,
    tag: view.tag,
    excludeTags: view.excludeTags,
    action: view.action as WebhookRuleAction,
    hosts: Object.assign(new WebhookRuleHosts(), { names: view.hosts.names ?? [], labels: Label.fromRecord(view.hosts.labels) }),
    fromConfig: view.fromConfig,
    createdAt: view.createdAt,
  });
}

function deliveryOf(view: DeliveryView): WebhookDelivery {
  const events = view.events.map((event) =>
    Object.assign(new WebhookEvent(), {
      ...event,
      status: event.status as WebhookEventStatus,
      reason: event.ignoredReason,
      matches: event.matches.map((match) =>
        Object.assign(new WebhookRuleMatch(), { ...match, errors: match.errors.map((e) => UserError.of(e.code, e.message, e.host ? { host: e.host } : {})) }),
      ),
    }),
  );
  return Object.assign(new WebhookDelivery(), {
    ...view,
    source: view.source as WebhookSource | undefined,
    status: view.status as WebhookDeliveryStatus,
    events,
    jobIds: [...new Set(events.flatMap((event) => event.matches.flatMap((match) => match.jobIds)))],
  });
}

async function jobsOf(context: HangarContext, ids: string[]): Promise<Job[]> {
  const views = await Promise.all(ids.map((id) => readJob(context.queues, context.redis, id)));
  return views.flatMap((view) => (view ? [Job.from(view)] : []));
}

@Resolver(() => WebhookDelivery)
export class WebhookResolver {
  @Query(() => [WebhookReceiver], { description: 'The webhook receivers: configured ones first, then those added through the API. Admins only.' })
  async webhookReceivers(@Ctx() context: HangarContext): Promise<WebhookReceiver[]> {
    requireAdmin(context);
    return (await context.webhooks.receivers.list()).map(receiverOf);
  }

  @Query(() => [WebhookRule], { description: 'The webhook rules: configured ones first, then those added through the API. Admins only.' })
  async webhookRules(@Ctx() context: HangarContext): Promise<WebhookRule[]> {
    requireAdmin(context);
    return (await context.webhooks.rules.list()).map(ruleOf);
  }

  @Query(() => WebhookDeliveryConnection, { description: 'Every webhook delivery, newest first: accepted, duplicate, rejected (with the reason) or ignored, its events, the rules they matched and the jobs they started. Admins only.' })
  async webhookDeliveries(
    @Ctx() context: HangarContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 1000 (default 100).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The `endCursor` of the previous page.' }) after?: string,
  ): Promise<WebhookDeliveryConnection> {
    requireAdmin(context);
    checkStreamCursor(after);
    const { deliveries, hasMore, total } = await context.webhooks.deliveries.read({ first: checkPageSize(first), before: after ?? undefined });
    return Object.assign(new WebhookDeliveryConnection(), {
      nodes: deliveries.map(deliveryOf),
      totalCount: total,
      pageInfo: Object.assign(new PageInfo(), { hasNextPage: hasMore, hasPreviousPage: Boolean(after), startCursor: deliveries[0]?.id, endCursor: deliveries.at(-1)?.id }),
    });
  }

  @FieldResolver(() => [Job], { description: 'The jobs it started, as they are now (a job gone from the queue’s history is left out).' })
  async jobs(@Root() delivery: WebhookDelivery, @Ctx() context: HangarContext): Promise<Job[]> {
    return jobsOf(context, delivery.jobIds);
  }

  @Mutation(() => AddWebhookReceiverPayload, { description: 'Adds a webhook receiver (kept in Redis, its secret encrypted and never shown again). Admins only.' })
  async addWebhookReceiver(
    @Ctx() context: HangarContext,
    @Arg('input', () => AddWebhookReceiverInput, { description: 'Name, source and secret.' }) input: AddWebhookReceiverInput,
  ): Promise<AddWebhookReceiverPayload> {
    requireAdmin(context);
    const payload = Object.assign(new AddWebhookReceiverPayload(), { userErrors: [] as UserError[] });
    const shape = webhookReceiverSchema.safeParse({ name: input.name, source: input.source });
    for (const issue of shape.error?.issues ?? []) payload.userErrors.push(UserError.of('BAD_REQUEST', `${issue.path.join('.')}: ${issue.message}`, { field: ['input', ...issue.path.map(String)] }));
    const secret = input.secret ?? generateWebhookSecret(input.source);
    const problem = checkWebhookSecret(input.source, secret);
    if (problem) payload.userErrors.push(UserError.of('BAD_REQUEST', `secret: ${problem}`, { field: ['input', 'secret'] }));
    if (payload.userErrors.length === 0) {
      try {
        payload.receiver = receiverOf(await context.webhooks.receivers.add({ name: input.name, source: input.source, secret }));
        if (input.secret === undefined || input.secret === null) payload.generatedSecret = secret;
      } catch (error) {
        payload.userErrors.push(UserError.from(error, { field: ['input', 'name'] }));
      }
    }
    await context.audit.record(context.principal, {
      action: 'addWebhookReceiver',
      hosts: [],
      target: { name: input.name, source: input.source, secretGenerated: input.secret === undefined || input.secret === null },
      outcome: payload.userErrors.length ? 'failed' : 'ok',
      detail: payload.userErrors[0]?.message,
    });
    return payload;
  }

  @Mutation(() => RemoveWebhookPayload, { description: 'Removes a webhook receiver added through the API; one that rules still use cannot be removed. Admins only.' })
  async removeWebhookReceiver(
    @Ctx() context: HangarContext,
    @Arg('input', () => RemoveWebhookReceiverInput, { description: 'Which receiver.' }) input: RemoveWebhookReceiverInput,
  ): Promise<RemoveWebhookPayload> {
    requireAdmin(context);
    const payload = Object.assign(new RemoveWebhookPayload(), { removed: false, userErrors: [] as UserError[] });
    try {
      const users = await context.webhooks.rules.usingReceiver(input.name);
      if (users.length) throw new HangarError('CONFLICT', `webhook receiver "${input.name}" is used by rule(s) ${users.join(', ')}: remove them first`);
      payload.removed = await context.webhooks.receivers.remove(input.name);
      if (!payload.removed) throw new HangarError('NOT_FOUND', `no webhook receiver named "${input.name}"`);
    } catch (error) {
      payload.userErrors.push(UserError.from(error, { field: ['input', 'name'] }));
    }
    await context.audit.record(context.principal, { action: 'removeWebhookReceiver', hosts: [], target: { name: input.name }, outcome: payload.userErrors.length ? 'failed' : 'ok', detail: payload.userErrors[0]?.message });
    return payload;
  }

  @Mutation(() => AddWebhookRulePayload, { description: 'Adds a webhook rule (kept in Redis; every API replica applies it from the next delivery). Admins only.' })
  async addWebhookRule(
    @Ctx() context: HangarContext,
    @Arg('input', () => AddWebhookRuleInput, { description: 'The rule.' }) input: AddWebhookRuleInput,
  ): Promise<AddWebhookRulePayload> {
    requireAdmin(context);
    const payload = Object.assign(new AddWebhookRulePayload(), { userErrors: [] as UserError[] });
    const errors = payload.userErrors;
    const labels: Record<string, string> = {};
    for (const [index, label] of (input.hosts.labels ?? []).entries()) {
      const [key, value] = parseLabelSelector(label);
      if (value === undefined || key === '') errors.push(UserError.of('BAD_REQUEST', `hosts.labels: "${label}" is not key=value`, { field: ['input', 'hosts', 'labels', String(index)] }));
      else labels[key] = value;
    }
    const candidate = {
      name: input.name,
      receiver: input.receiver,
      repository: input.repository,
      tag: input.tag ?? '*',
      excludeTags: input.excludeTags ?? [],
      action: input.action ?? 'pull',
      hosts: { ...(input.hosts.names?.length ? { names: input.hosts.names } : {}), ...(Object.keys(labels).length ? { labels } : {}) },
    };
    const shape = webhookRuleSchema.safeParse(candidate);
    for (const issue of shape.error?.issues ?? []) errors.push(UserError.of('BAD_REQUEST', `${issue.path.join('.')}: ${issue.message}`, { field: ['input', ...issue.path.map(String)] }));
    if (shape.success) {
      const rule: CoreWebhookRule = shape.data;
      for (const problem of checkWebhookRule(rule)) errors.push(UserError.of('BAD_REQUEST', `${problem.field}: ${problem.message}`, { field: ['input', ...problem.field.replace(/\[(\d+)\]/g, '.$1').split('.')] }));
      for (const name of rule.hosts.names ?? []) if (!context.hosts.has(name)) errors.push(UserError.of('HOST_NOT_FOUND', `no host named "${name}"`, { field: ['input', 'hosts', 'names'], host: name }));
      if (!(await context.webhooks.receivers.has(rule.receiver))) errors.push(UserError.of('NOT_FOUND', `no webhook receiver named "${rule.receiver}"`, { field: ['input', 'receiver'] }));
      if (errors.length === 0) {
        try {
          payload.rule = ruleOf(await context.webhooks.rules.add(rule));
        } catch (error) {
          errors.push(UserError.from(error, { field: ['input', 'name'] }));
        }
      }
    }
    await context.audit.record(context.principal, { action: 'addWebhookRule', hosts: input.hosts.names ?? [], target: candidate, outcome: errors.length ? 'failed' : 'ok', detail: errors[0]?.message });
    return payload;
  }

  @Mutation(() => RemoveWebhookPayload, { description: 'Removes a webhook rule added through the API. Jobs it started go on. Admins only.' })
  async removeWebhookRule(
    @Ctx() context: HangarContext,
    @Arg('input', () => RemoveWebhookRuleInput, { description: 'Which rule.' }) input: RemoveWebhookRuleInput,
  ): Promise<RemoveWebhookPayload> {
    requireAdmin(context);
    const payload = Object.assign(new RemoveWebhookPayload(), { removed: false, userErrors: [] as UserError[] });
    try {
      payload.removed = await context.webhooks.rules.remove(input.name);
      if (!payload.removed) throw new HangarError('NOT_FOUND', `no webhook rule named "${input.name}"`);
    } catch (error) {
      payload.userErrors.push(UserError.from(error, { field: ['input', 'name'] }));
    }
    await context.audit.record(context.principal, { action: 'removeWebhookRule', hosts: [], target: { name: input.name }, outcome: payload.userErrors.length ? 'failed' : 'ok', detail: payload.userErrors[0]?.message });
    return payload;
  }
}

@Resolver(() => WebhookRuleMatch)
export class WebhookRuleMatchResolver {
  @FieldResolver(() => [Job], { description: 'The jobs this rule started, as they are now (a job gone from the queue’s history is left out).' })
  async jobs(@Root() match: WebhookRuleMatch, @Ctx() context: HangarContext): Promise<Job[]> {
    return jobsOf(context, match.jobIds);
  }
}
