import { describe, expect, it } from 'vitest';
import type { RegistryPushEvent } from './event.js';
import { checkWebhookRule, matchingRules, pullTargetOf, ruleMatches, webhookBatchId, webhookJobKey, type WebhookRule } from './rules.js';

const rule = (extra: Partial<WebhookRule> = {}): WebhookRule => ({
  name: 'web-rollout',
  receiver: 'registry',
  repository: 'team/web*',
  tag: '*',
  excludeTags: ['*-rc', '*-rc.*'],
  action: 'pull',
  hosts: { labels: { role: 'web' } },
  ...extra,
});

const event = (extra: Partial<RegistryPushEvent> = {}): RegistryPushEvent => ({
  eventId: 'e1',
  action: 'push',
  repository: 'team/web',
  tag: '1.4.0',
  digest: 'sha256:752afcc037902ddc349eb1927febbbeee6a3ffa112637fa9d101e0ea08b23c02',
  registryHost: '127.0.0.1:5055',
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  ...extra,
});

describe('ruleMatches', () => {
  it('matches receiver, repository glob and tag glob', () => {
    expect(ruleMatches(rule(), 'registry', event())).toBe(true);
    expect(ruleMatches(rule(), 'registry', event({ repository: 'team/web-admin' }))).toBe(true);
    expect(ruleMatches(rule(), 'harbor', event())).toBe(false);
    expect(ruleMatches(rule(), 'registry', event({ repository: 'team/api' }))).toBe(false);
    expect(ruleMatches(rule({ tag: 'v[0-9]*' }), 'registry', event({ tag: 'v2' }))).toBe(true);
    expect(ruleMatches(rule({ tag: 'v[0-9]*' }), 'registry', event({ tag: 'latest' }))).toBe(false);
  });

  it('uses Go path.Match: * and ? never cross a slash', () => {
    expect(ruleMatches(rule(), 'registry', event({ repository: 'team/web/nested' }))).toBe(false);
    expect(ruleMatches(rule({ repository: 'team/*' }), 'registry', event({ repository: 'team/web' }))).toBe(true);
    expect(ruleMatches(rule({ repository: '*' }), 'registry', event({ repository: 'team/web' }))).toBe(false);
    expect(ruleMatches(rule({ repository: '*/*' }), 'registry', event({ repository: 'team/web' }))).toBe(true);
  });

  it('leaves out excluded tags', () => {
    expect(ruleMatches(rule(), 'registry', event({ tag: '1.5.0-rc' }))).toBe(false);
    expect(ruleMatches(rule(), 'registry', event({ tag: '1.5.0-rc.2' }))).toBe(false);
    expect(ruleMatches(rule(), 'registry', event({ tag: '1.5.0-rc2' }))).toBe(true);
  });

  it('never matches an event without a tag', () => {
    expect(ruleMatches(rule(), 'registry', event({ tag: undefined }))).toBe(false);
  });
});

describe('matchingRules', () => {
  it('keeps the order and skips a rule with a malformed pattern', () => {
    const rules = [rule({ name: 'a' }), rule({ name: 'broken', repository: 'team/[web' }), rule({ name: 'b', repository: 'team/*' }), rule({ name: 'c', repository: 'other/*' })];
    expect(matchingRules(rules, 'registry', event()).map((r) => r.name)).toEqual(['a', 'b']);
  });
});

describe('checkWebhookRule', () => {
  it('names malformed globs and an empty host selection', () => {
    expect(checkWebhookRule(rule())).toEqual([]);
    expect(checkWebhookRule(rule({ repository: 'team/[', excludeTags: ['ok', 'bad\\'], hosts: {} }))).toEqual([
      { field: 'repository', message: 'bad pattern "team/[": syntax error in pattern' },
      { field: 'excludeTags[1]', message: 'bad pattern "bad\\": syntax error in pattern' },
      { field: 'hosts', message: 'give host names, labels, or both' },
    ]);
    expect(checkWebhookRule(rule({ hosts: { names: ['alpha'] } }))).toEqual([]);
  });
});

describe('pullTargetOf', () => {
  it('pulls the pushed digest and tags it with the pushed tag', () => {
    expect(pullTargetOf(event())).toEqual({
      ref: '127.0.0.1:5055/team/web@sha256:752afcc037902ddc349eb1927febbbeee6a3ffa112637fa9d101e0ea08b23c02',
      tagAs: '127.0.0.1:5055/team/web:1.4.0',
    });
  });

  it('pulls by tag when the source gave no digest (Docker Hub), in docker’s familiar form', () => {
    expect(pullTargetOf(event({ registryHost: 'docker.io', repository: 'svendowideit/testhook', tag: 'latest', digest: undefined }))).toEqual({ ref: 'svendowideit/testhook:latest', tagAs: undefined });
    expect(pullTargetOf(event({ registryHost: undefined, repository: 'library/nginx', tag: '1.27', digest: undefined }))).toEqual({ ref: 'nginx:1.27', tagAs: undefined });
  });

  it('refuses names that make no valid reference', () => {
    expect(() => pullTargetOf(event({ repository: 'Team/Web' }))).toThrow(/repository name must be lowercase/);
    expect(() => pullTargetOf(event({ tag: undefined }))).toThrow(/no tag/);
    expect(() => pullTargetOf(event({ digest: 'sha256:short' }))).toThrow(/bad digest/);
  });
});

describe('webhookJobKey and webhookBatchId', () => {
  it('are stable for the same delivery, event, rule and host, and differ otherwise', () => {
    const parts = { deliveryId: 'd1', eventId: 'e1', rule: 'web', host: 'alpha' };
    expect(webhookJobKey(parts)).toBe(webhookJobKey({ ...parts }));
    expect(new Set([webhookJobKey(parts), webhookJobKey({ ...parts, host: 'gamma' }), webhookJobKey({ ...parts, rule: 'api' }), webhookJobKey({ ...parts, eventId: 'e2' }), webhookJobKey({ ...parts, deliveryId: 'd2' })]).size).toBe(5);
    // No ambiguity from separators inside the parts.
    expect(webhookJobKey({ deliveryId: 'a:b', eventId: 'c', rule: 'r', host: 'h' })).not.toBe(webhookJobKey({ deliveryId: 'a', eventId: 'b:c', rule: 'r', host: 'h' }));
    expect(webhookBatchId(parts)).toMatch(/^batch-[0-9a-f]{20}$/);
    expect(webhookBatchId(parts)).toBe(webhookBatchId({ deliveryId: 'd1', eventId: 'e1', rule: 'web' }));
  });
});
