import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { webhookRuleSchema } from '../config/config.schema.js';
import { compileGlob, GlobSyntaxError } from '../reference/glob.js';
import { familiarString, parseReference, ReferenceSyntaxError } from '../reference/reference.js';
import type { RegistryPushEvent } from './event.js';

/** A rule as configured (hangar.yaml `webhooks.rules[]`) or added through the API. */
export type WebhookRule = z.output<typeof webhookRuleSchema>;

/**
 * Problems with a rule's patterns and host selection, each naming its field. Globs are Go's path.Match (as docker's
 * `reference` filter): `*` and `?` never match `/`, so `team/*` matches `team/api` but not `team/api/x`.
 */
export function checkWebhookRule(rule: Pick<WebhookRule, 'repository' | 'tag' | 'excludeTags' | 'hosts'>): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const check = (field: string, pattern: string) => {
    try {
      compileGlob(pattern);
    } catch (error) {
      if (error instanceof GlobSyntaxError) problems.push({ field, message: error.message });
      else throw error;
    }
  };
  check('repository', rule.repository);
  check('tag', rule.tag);
  rule.excludeTags.forEach((pattern, index) => check(`excludeTags[${index}]`, pattern));
  const names = rule.hosts.names ?? [];
  const labels = Object.keys(rule.hosts.labels ?? {});
  if (names.length === 0 && labels.length === 0) problems.push({ field: 'hosts', message: 'give host names, labels, or both' });
  return problems;
}

/** Whether a rule applies to an event that came through `receiver`: repository glob, tag glob, no exclusion. */
export function ruleMatches(rule: Pick<WebhookRule, 'receiver' | 'repository' | 'tag' | 'excludeTags'>, receiver: string, event: Pick<RegistryPushEvent, 'repository' | 'tag'>): boolean {
  if (rule.receiver !== receiver || event.tag === undefined) return false;
  if (!compileGlob(rule.repository)(event.repository)) return false;
  if (!compileGlob(rule.tag)(event.tag)) return false;
  return !rule.excludeTags.some((pattern) => compileGlob(pattern)(event.tag!));
}

/** The rules that apply to an event, in order. A rule with a malformed pattern matches nothing. */
export function matchingRules<R extends Pick<WebhookRule, 'receiver' | 'repository' | 'tag' | 'excludeTags'>>(rules: readonly R[], receiver: string, event: Pick<RegistryPushEvent, 'repository' | 'tag'>): R[] {
  return rules.filter((rule) => {
    try {
      return ruleMatches(rule, receiver, event);
    } catch (error) {
      if (error instanceof GlobSyntaxError) return false;
      throw error;
    }
  });
}

/** A pull that a pushed event asks for: the pushed digest, tagged with the pushed tag (by tag when no digest is known). */
export interface PullTarget {
  /** `host/repo@sha256:...`, or `host/repo:tag` when the source gave no digest (Docker Hub). */
  ref: string;
  /** `host/repo:tag` after a pull by digest. */
  tagAs: string | undefined;
}

/** The pull for an event; throws ReferenceSyntaxError when the names do not make a valid reference. */
export function pullTargetOf(event: Pick<RegistryPushEvent, 'repository' | 'tag' | 'digest' | 'registryHost'>): PullTarget {
  if (!event.tag) throw new ReferenceSyntaxError(event.repository, 'the event names no tag');
  const name = `${event.registryHost ?? 'docker.io'}/${event.repository}`;
  const tagged = parseReference(`${name}:${event.tag}`);
  if (!event.digest) return { ref: familiarString(tagged), tagAs: undefined };
  const pinned = parseReference(`${name}@${event.digest}`);
  return { ref: familiarString(pinned), tagAs: familiarString(tagged) };
}

/**
 * The idempotency key of one job a delivery starts: the same delivery, event, rule and host always give the same
 * key (and so the same job ID), so processing a delivery again enqueues nothing new.
 */
export function webhookJobKey(parts: { deliveryId: string; eventId: string; rule: string; host: string }): string {
  return `webhook:${JSON.stringify([parts.deliveryId, parts.eventId, parts.rule, parts.host])}`;
}

/** A batch ID shared by the jobs one rule starts for one event (one per host), stable across reprocessing. */
export function webhookBatchId(parts: { deliveryId: string; eventId: string; rule: string }): string {
  return `batch-${createHash('sha256').update(JSON.stringify([parts.deliveryId, parts.eventId, parts.rule])).digest('hex').slice(0, 20)}`;
}
