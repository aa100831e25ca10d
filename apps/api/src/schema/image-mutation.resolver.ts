import {
  commitContainer,
  CommitChangesError,
  executeRemoval,
  fanOut,
  HangarError,
  parseDockerTimestamp,
  parseTagTarget,
  planRemoval,
  pruneImages,
  tagImage,
  validateImageFilter,
  type RemovalOutcome,
  type RemovalPlan,
} from '@hangar/core';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { HangarContext } from '../context.js';
import { chooseHosts } from './host-selection.js';
import { Image } from './image.type.js';
import { CommitContainerInput, CommitContainerPayload, ImageRemoval, PruneImagesInput, PruneImagesPayload, RemoveImagesInput, RemoveImagesPayload, TagImageInput, TagImagePayload } from './image-mutation.types.js';
import { UserError } from './user-error.type.js';

function toRemoval(outcome: RemovalOutcome): ImageRemoval {
  return Object.assign(new ImageRemoval(), {
    host: outcome.host,
    dryRun: outcome.dryRun,
    untagged: outcome.untagged,
    deleted: outcome.deleted,
    reclaimedBytes: outcome.reclaimedBytes,
  });
}

function problemsOf(outcome: RemovalOutcome): UserError[] {
  return outcome.problems.map((p) =>
    UserError.of(p.code, p.message, { host: p.host, ...(p.refIndex !== undefined ? { field: ['input', 'refs', String(p.refIndex)] } : {}) }),
  );
}

function outcomeWord(userErrors: UserError[], dryRun: boolean): 'ok' | 'partial' | 'failed' | 'dry-run' {
  if (dryRun) return 'dry-run';
  return userErrors.length === 0 ? 'ok' : 'partial';
}

@Resolver()
export class ImageMutationResolver {
  @Authorized('operator')
  @Mutation(() => TagImagePayload, { description: '`docker tag SOURCE TARGET` on one host.' })
  async tagImage(@Ctx() context: HangarContext, @Arg('input', () => TagImageInput, { description: 'Host, source and target.' }) input: TagImageInput): Promise<TagImagePayload> {
    const payload = new TagImagePayload();
    payload.userErrors = [];
    if (!context.hosts.has(input.host)) {
      payload.userErrors.push(UserError.of('HOST_NOT_FOUND', `no host named "${input.host}"`, { field: ['input', 'host'], host: input.host }));
    } else {
      try {
        parseTagTarget(input.target);
        try {
          const details = await tagImage(context.reader, context.hosts.client(input.host), input.host, input.source, input.target);
          payload.image = Image.from(details);
        } catch (error) {
          payload.userErrors.push(UserError.from(error, { field: ['input', 'source'], host: input.host }));
        }
      } catch (error) {
        payload.userErrors.push(UserError.from(error, { field: ['input', 'target'], host: input.host }));
      }
    }
    await context.audit.record(context.principal, {
      action: 'tagImage',
      hosts: [input.host],
      target: { source: input.source, target: input.target },
      outcome: payload.userErrors.length ? 'failed' : 'ok',
      detail: payload.userErrors[0]?.message ?? payload.image?.imageId,
    });
    return payload;
  }

  @Authorized('operator')
  @Mutation(() => CommitContainerPayload, { description: '`docker commit`: makes an image of a container’s changes, with author, message and Dockerfile changes.' })
  async commitContainer(
    @Ctx() context: HangarContext,
    @Arg('input', () => CommitContainerInput, { description: 'Container, new name, and what to change.' }) input: CommitContainerInput,
  ): Promise<CommitContainerPayload> {
    const payload = Object.assign(new CommitContainerPayload(), { userErrors: [] as UserError[] });
    if (!context.hosts.has(input.host)) {
      payload.userErrors.push(UserError.of('HOST_NOT_FOUND', `no host named "${input.host}"`, { field: ['input', 'host'], host: input.host }));
    } else {
      try {
        payload.image = Image.from(await commitContainer(context.hosts.client(input.host), input.host, input));
      } catch (error) {
        if (error instanceof CommitChangesError) {
          payload.userErrors.push(...error.problems.map((p) => UserError.of('BAD_REQUEST', p.message, { field: ['input', 'changes', String(p.index)], host: input.host })));
        } else {
          const failure = HangarError.from(error);
          const field = /^tag:|refusing|invalid reference/.test(failure.message) ? 'repo' : failure.code === 'NOT_FOUND' || /container/.test(failure.message) ? 'container' : undefined;
          payload.userErrors.push(UserError.from(failure, { host: input.host, ...(field ? { field: ['input', field] } : {}) }));
        }
      }
    }
    await context.audit.record(context.principal, {
      action: 'commitContainer',
      hosts: [input.host],
      target: { container: input.container, repo: input.repo, tag: input.tag, author: input.author, message: input.message, changes: input.changes, pause: input.pause },
      outcome: payload.userErrors.length ? 'failed' : 'ok',
      detail: payload.userErrors[0]?.message ?? payload.image?.imageId,
    });
    return payload;
  }

  @Authorized('operator')
  @Mutation(() => RemoveImagesPayload, {
    description:
      '`docker rmi` on one or many hosts, by references or a filter, as docker does it. Every ref is resolved on every host first: a malformed or ambiguous ref makes the call remove nothing anywhere. With `dryRun`, nothing changes and the answer says exactly what would go.',
  })
  async removeImages(@Ctx() context: HangarContext, @Arg('input', () => RemoveImagesInput, { description: 'What to remove, where, how.' }) input: RemoveImagesInput): Promise<RemoveImagesPayload> {
    const payload = Object.assign(new RemoveImagesPayload(), { results: [] as ImageRemoval[], userErrors: [] as UserError[] });
    const hasRefs = input.refs !== undefined && input.refs !== null;
    const hasFilter = input.filter !== undefined && input.filter !== null;
    if (hasRefs === hasFilter) payload.userErrors.push(UserError.of('BAD_REQUEST', 'give either refs or filter', { field: ['input'] }));
    else if (hasRefs && input.refs!.length === 0) payload.userErrors.push(UserError.of('BAD_REQUEST', 'refs: name at least one image', { field: ['input', 'refs'] }));
    if (hasFilter) {
      try {
        validateImageFilter(input.filter);
      } catch (error) {
        payload.userErrors.push(UserError.from(error, { field: ['input', 'filter'] }));
      }
    }
    const { hosts, errors, down } = await chooseHosts(context, { names: input.hosts, allHosts: input.allHosts }, { names: 'hosts' });
    payload.userErrors.push(...errors);
    const request = { refs: input.refs, filter: input.filter, force: input.force ?? false, noPrune: input.noPrune ?? false };
    const dryRun = input.dryRun ?? false;

    if (payload.userErrors.length === 0) {
      const timeoutMs = context.config.fleet.hostTimeoutMs * 6;
      const planned = await fanOut(hosts, (host) => planRemoval(context.reader, host, request), { timeoutMs });
      const unsafe = planned.failures.filter((f) => f.code === 'BAD_REQUEST' || f.code === 'AMBIGUOUS_REFERENCE');
      if (unsafe.length > 0) {
        payload.userErrors.push(...unsafe.map((f) => UserError.of(f.code, `${f.message}; nothing was removed on any host`, { host: f.host, field: ['input', 'refs'] })));
      } else {
        payload.userErrors.push(...down, ...planned.failures.map((f) => UserError.of(f.code, f.message, { host: f.host })));
        const plans: RemovalPlan[] = planned.results.map((r) => r.value);
        const outcomes = dryRun
          ? plans.map((plan) => plan.predicted)
          : (await fanOut(plans.map((p) => p.host), (host) => executeRemoval(context.hosts.client(host), plans.find((p) => p.host === host)!, request), { timeoutMs })).results.map((r) => r.value);
        for (const outcome of outcomes) {
          payload.results.push(toRemoval(outcome));
          payload.userErrors.push(...problemsOf(outcome));
        }
      }
    }
    await context.audit.record(context.principal, {
      action: 'removeImages',
      hosts: input.hosts ?? hosts,
      target: { refs: input.refs, allHosts: input.allHosts ?? false, filter: input.filter, force: request.force, noPrune: request.noPrune, dryRun },
      outcome: payload.results.length === 0 && payload.userErrors.length > 0 ? 'failed' : outcomeWord(payload.userErrors, dryRun),
      detail: summarize(payload.results, payload.userErrors),
    });
    return payload;
  }

  @Authorized('operator')
  @Mutation(() => PruneImagesPayload, {
    description: '`docker image prune [-a] [--filter until=|label=|label!=]` on one or many hosts. With `dryRun`, nothing changes and the answer lists what would go and the bytes it would free.',
  })
  async pruneImages(@Ctx() context: HangarContext, @Arg('input', () => PruneImagesInput, { description: 'Where and what to prune.' }) input: PruneImagesInput): Promise<PruneImagesPayload> {
    const payload = Object.assign(new PruneImagesPayload(), { results: [] as ImageRemoval[], userErrors: [] as UserError[] });
    let until: Date | undefined;
    if (input.until !== undefined && input.until !== null) {
      try {
        until = parseDockerTimestamp(input.until);
      } catch (error) {
        payload.userErrors.push(UserError.of('BAD_REQUEST', `until: ${(error as Error).message}`, { field: ['input', 'until'] }));
      }
    }
    for (const [name, list] of [['label', input.label], ['labelNot', input.labelNot]] as const) {
      for (const label of list ?? []) {
        if (label === '' || label.startsWith('=')) payload.userErrors.push(UserError.of('BAD_REQUEST', `${name}: "${label}" must be key or key=value`, { field: ['input', name] }));
      }
    }
    const { hosts, errors, down } = await chooseHosts(context, { names: input.hosts, allHosts: input.allHosts }, { names: 'hosts' });
    payload.userErrors.push(...errors);
    const dryRun = input.dryRun ?? false;
    if (payload.userErrors.length === 0) {
      payload.userErrors.push(...down);
      const options = { all: input.all ?? false, until, labels: input.label ?? [], notLabels: input.labelNot ?? [], dryRun };
      const done = await fanOut(hosts, (host) => pruneImages(context.reader, context.hosts.client(host), host, options), {
        timeoutMs: context.config.fleet.hostTimeoutMs * 6,
      });
      payload.results.push(...done.results.map((r) => toRemoval(r.value)));
      payload.userErrors.push(...done.failures.map((f) => UserError.of(f.code, f.message, { host: f.host })));
    }
    await context.audit.record(context.principal, {
      action: 'pruneImages',
      hosts: input.hosts ?? hosts,
      target: { allHosts: input.allHosts ?? false, all: input.all ?? false, until: input.until, label: input.label, labelNot: input.labelNot, dryRun },
      outcome: payload.results.length === 0 && payload.userErrors.length > 0 ? 'failed' : outcomeWord(payload.userErrors, dryRun),
      detail: summarize(payload.results, payload.userErrors),
    });
    return payload;
  }
}

function summarize(results: ImageRemoval[], userErrors: UserError[]): string {
  const untagged = results.reduce((n, r) => n + r.untagged.length, 0);
  const deleted = results.reduce((n, r) => n + r.deleted.length, 0);
  const bytes = results.reduce((n, r) => n + r.reclaimedBytes, 0);
  return `${untagged} untagged, ${deleted} deleted, ${bytes} bytes${userErrors.length ? `; ${userErrors.length} problem(s): ${userErrors[0]!.message}` : ''}`;
}
