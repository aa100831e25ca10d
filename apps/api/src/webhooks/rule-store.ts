import { HangarError, type WebhookRule } from '@hangar/core';
import type { Redis } from 'ioredis';

const KEY = '{hangar}:webhooks:rules';

/** A rule with where it comes from. */
export interface WebhookRuleView extends WebhookRule {
  fromConfig: boolean;
  createdAt: Date | undefined;
}

/**
 * Webhook rules: those of hangar.yaml (read-only) first, in their order, then those added by admins (kept in
 * Redis), by name. Every API replica reads them from Redis at each delivery, so a change applies fleet-wide at once.
 */
export class WebhookRuleStore {
  private readonly configured: WebhookRuleView[];

  constructor(
    private readonly redis: Redis,
    configured: readonly WebhookRule[],
  ) {
    this.configured = configured.map((rule) => ({ ...rule, fromConfig: true, createdAt: undefined }));
  }

  async list(): Promise<WebhookRuleView[]> {
    const names = new Set(this.configured.map((rule) => rule.name));
    const stored = Object.values(await this.redis.hgetall(KEY))
      .flatMap((text) => {
        try {
          const record = JSON.parse(text) as WebhookRule & { createdAt: string };
          return names.has(record.name) ? [] : [{ ...record, fromConfig: false, createdAt: new Date(record.createdAt) }];
        } catch {
          return [];
        }
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    return [...this.configured, ...stored];
  }

  async usingReceiver(receiver: string): Promise<string[]> {
    return (await this.list()).filter((rule) => rule.receiver === receiver).map((rule) => rule.name);
  }

  /** Adds a checked rule; CONFLICT when the name is taken. */
  async add(rule: WebhookRule): Promise<WebhookRuleView> {
    if (this.configured.some((r) => r.name === rule.name)) throw new HangarError('CONFLICT', `webhook rule "${rule.name}" is defined in the configuration`);
    const createdAt = new Date();
    const added = await this.redis.hsetnx(KEY, rule.name, JSON.stringify({ ...rule, createdAt: createdAt.toISOString() }));
    if (added !== 1) throw new HangarError('CONFLICT', `a webhook rule named "${rule.name}" exists`);
    return { ...rule, fromConfig: false, createdAt };
  }

  async remove(name: string): Promise<boolean> {
    if (this.configured.some((r) => r.name === name)) throw new HangarError('CONFLICT', `webhook rule "${name}" is defined in the configuration: change hangar.yaml`);
    return (await this.redis.hdel(KEY, name)) > 0;
  }
}
