import {
  HangarError,
  labelSelectorOf,
  matchingRules,
  pullTargetOf,
  selectHosts,
  webhookBatchId,
  webhookJobKey,
  type HangarConfig,
  type HostRegistry,
} from '@hangar/core';
import { enqueueJob, type JobQueues } from '@hangar/jobs';
import type { Redis } from 'ioredis';
import type { DeliveryOutcome, RuleMatchOutcome, WebhookDeliveryStore } from './delivery-store.js';
import type { WebhookRuleStore } from './rule-store.js';

export interface WebhookProcessorDeps {
  deliveries: WebhookDeliveryStore;
  rules: WebhookRuleStore;
  hosts: HostRegistry;
  queues: JobQueues;
  redis: Redis;
  config: HangarConfig;
  log: (line: string) => void;
}

/** A delivery left pending this long is taken to be orphaned (its process died) and processed again. */
const ORPHAN_AFTER_MS = 30_000;
const RESUME_EVERY_MS = 60_000;

/**
 * Matches the accepted events of a delivery against the rules and enqueues their pull jobs, after the sender has
 * had its answer. Touches no engine: a slow or dead host only gets a job that waits and retries (more attempts,
 * a backoff that spans minutes). Job keys are derived from delivery, event, rule and host, so processing a
 * delivery twice (after a crash) enqueues nothing new.
 */
export class WebhookProcessor {
  private readonly inflight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly deps: WebhookProcessorDeps) {}

  /** Processes a delivery soon, off the request's path. Failures leave it pending, to be retried. */
  schedule(id: string): void {
    if (this.closed) return;
    const run: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        await this.process(id);
      })
      .catch((error: unknown) => this.deps.log(`webhook delivery ${id}: processing failed, will retry: ${(error as Error).message}`))
      .finally(() => this.inflight.delete(run));
    this.inflight.add(run);
  }

  async process(id: string): Promise<DeliveryOutcome | undefined> {
    const { deliveries, rules: ruleStore, hosts, queues, redis, config } = this.deps;
    const delivery = await deliveries.get(id);
    if (!delivery) {
      await deliveries.forget(id);
      return undefined;
    }
    const rules = await ruleStore.list();
    const fleet = hosts.states();
    const deliveryId = delivery.deliveryId ?? id;
    const outcome: DeliveryOutcome = { processedAt: '', events: [] };
    for (const [index, event] of delivery.events.entries()) {
      if (event.status !== 'ACCEPTED') continue;
      const matches: RuleMatchOutcome[] = [];
      for (const rule of matchingRules(rules, delivery.receiver, event)) {
        const match: RuleMatchOutcome = { rule: rule.name, ref: undefined, tagAs: undefined, hosts: [], jobIds: [], errors: [] };
        matches.push(match);
        try {
          const target = pullTargetOf(event);
          match.ref = target.ref;
          match.tagAs = target.tagAs;
        } catch (error) {
          match.errors.push({ code: 'BAD_REQUEST', message: (error as Error).message });
          continue;
        }
        const selected = selectHosts(fleet, { names: rule.hosts.names, labels: labelSelectorOf(rule.hosts.labels) });
        match.hosts = selected.hosts;
        for (const host of selected.unknown) match.errors.push({ code: 'HOST_NOT_FOUND', message: `no host named "${host}"`, host });
        if (selected.hosts.length === 0 && selected.unknown.length === 0) match.errors.push({ code: 'BAD_REQUEST', message: 'no host matches the rule’s labels' });
        const batchId = webhookBatchId({ deliveryId, eventId: event.eventId, rule: rule.name });
        for (const host of selected.hosts) {
          const { id: jobId } = await enqueueJob(queues, redis, {
            kind: 'pull',
            host,
            data: { ref: match.ref, ...(match.tagAs ? { tagAs: match.tagAs } : {}) },
            batchId,
            requestedBy: `webhook:${delivery.receiver}/${deliveryId}`,
            key: webhookJobKey({ deliveryId, eventId: event.eventId, rule: rule.name, host }),
            attempts: config.webhooks.jobAttempts,
            backoff: { type: 'exponential', delay: config.webhooks.jobBackoffMs },
          });
          match.jobIds.push(jobId);
        }
      }
      outcome.events.push({ index, matches });
    }
    outcome.processedAt = new Date().toISOString();
    await deliveries.finish(id, outcome);
    const jobs = outcome.events.flatMap((e) => e.matches.flatMap((m) => m.jobIds));
    if (jobs.length) this.deps.log(`webhook delivery ${id} (${delivery.receiver}): ${jobs.length} job(s): ${jobs.join(', ')}`);
    return outcome;
  }

  /** Processes deliveries left pending by a process that died (or a failure), oldest first. */
  async resumePending(): Promise<number> {
    let count = 0;
    for (const id of await this.deps.deliveries.pending(new Date(Date.now() - ORPHAN_AFTER_MS))) {
      if (this.closed) break;
      try {
        await this.process(id);
        count++;
      } catch (error) {
        this.deps.log(`webhook delivery ${id}: processing failed again, will retry: ${HangarError.from(error).message}`);
      }
    }
    return count;
  }

  /** Resumes orphaned deliveries now and every minute. */
  start(): void {
    const tick = () => {
      void this.resumePending().catch((error: unknown) => this.deps.log(`webhook resume: ${(error as Error).message}`));
    };
    tick();
    this.timer = setInterval(tick, RESUME_EVERY_MS);
    this.timer.unref();
  }

  /** Stops resuming and waits for deliveries being processed. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.inflight]);
  }
}
