import type { HangarConfig, HostRegistry } from '@hangar/core';
import type { JobQueues } from '@hangar/jobs';
import type { Redis } from 'ioredis';
import type { Router } from 'express';
import { WebhookDeliveryStore } from './delivery-store.js';
import { WebhookProcessor } from './processor.js';
import { WebhookReceiverStore } from './receiver-store.js';
import { WebhookRuleStore } from './rule-store.js';
import { webhookRoutes } from './webhook-routes.js';

/** Webhooks as one service: receivers, rules, deliveries, the processor that starts jobs, and the HTTP routes. */
export interface Webhooks {
  receivers: WebhookReceiverStore;
  rules: WebhookRuleStore;
  deliveries: WebhookDeliveryStore;
  processor: WebhookProcessor;
  /** Mount at `/webhooks`, before any bearer-token middleware. */
  router: Router;
  close(): Promise<void>;
}

export function startWebhooks(deps: { config: HangarConfig; redis: Redis; queues: JobQueues; hosts: HostRegistry; secretKey: Buffer; log: (line: string) => void }): Webhooks {
  const { config, redis, log } = deps;
  const receivers = new WebhookReceiverStore(redis, deps.secretKey, config.webhooks.receivers);
  const rules = new WebhookRuleStore(redis, config.webhooks.rules);
  const deliveries = new WebhookDeliveryStore(redis, config.webhooks.dedupeTtlSeconds);
  const processor = new WebhookProcessor({ deliveries, rules, hosts: deps.hosts, queues: deps.queues, redis, config, log });
  for (const receiver of config.webhooks.receivers) {
    if (!receiver.secretEnv || !process.env[receiver.secretEnv]) log(`webhook receiver ${receiver.name}: ${receiver.secretEnv ?? 'secretEnv'} is not set: every request to it will be refused`);
  }
  processor.start();
  return { receivers, rules, deliveries, processor, router: webhookRoutes({ receivers, deliveries, processor, config, log }), close: () => processor.close() };
}
