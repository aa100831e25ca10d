import { randomBytes } from 'node:crypto';
import { HangarError, standardWebhookKey, WEBHOOK_SOURCES, type WebhookReceiverConfig, type WebhookSource } from '@hangar/core';
import { decryptSecret, encryptSecret } from '@hangar/jobs';
import type { Redis } from 'ioredis';

const KEY = '{hangar}:webhooks:receivers';

/** A receiver as clients see it: never its secret. */
export interface WebhookReceiverView {
  name: string;
  source: WebhookSource;
  /** From hangar.yaml (read-only) or added through the API. */
  fromConfig: boolean;
  /** The environment variable a configured receiver reads its secret from. */
  secretEnv: string | undefined;
  /** Whether a secret is set: without one every request is refused. */
  hasSecret: boolean;
  createdAt: Date | undefined;
}

interface StoredReceiver {
  name: string;
  source: WebhookSource;
  secret: string;
  createdAt: string;
}

/** A secret for a new receiver: a path-safe token, or a `whsec_` key for Standard Webhooks. */
export function generateWebhookSecret(source: WebhookSource): string {
  const bytes = randomBytes(32);
  return source === 'standard' ? `whsec_${bytes.toString('base64')}` : bytes.toString('base64url');
}

/** Problems with a secret given for a source (a path token must fit in a URL path; whsec_ must be base64). */
export function checkWebhookSecret(source: WebhookSource, secret: string): string | undefined {
  if (secret.length < 16) return 'too short: use at least 16 characters';
  if (secret.length > 4096) return 'too long';
  if (source === 'dockerhub' && !/^[A-Za-z0-9._~-]+$/.test(secret)) return 'a path token may hold only letters, digits and . _ ~ -';
  if (source === 'standard') {
    if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret)) return 'a Standard Webhooks secret is "whsec_" followed by base64';
    if (standardWebhookKey(secret).length < 16) return 'a Standard Webhooks key must be at least 16 bytes';
  }
  return undefined;
}

/**
 * Webhook receivers: those of hangar.yaml (secret in the environment variable `secretEnv`) and those added by
 * admins, kept in Redis with the secret encrypted
 * (AES-256-GCM, the key registry passwords use). Secrets are write-only: no view carries one.
 */
export class WebhookReceiverStore {
  private readonly configured = new Map<string, WebhookReceiverConfig>();

  constructor(
    private readonly redis: Redis,
    private readonly key: Buffer,
    configured: readonly WebhookReceiverConfig[],
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    for (const receiver of configured) this.configured.set(receiver.name, receiver);
  }

  private viewOfConfig(receiver: WebhookReceiverConfig): WebhookReceiverView {
    return { name: receiver.name, source: receiver.source, fromConfig: true, secretEnv: receiver.secretEnv, hasSecret: Boolean(receiver.secretEnv && this.env[receiver.secretEnv]), createdAt: undefined };
  }

  private static viewOfStored(record: StoredReceiver): WebhookReceiverView {
    return { name: record.name, source: record.source, fromConfig: false, secretEnv: undefined, hasSecret: Boolean(record.secret), createdAt: new Date(record.createdAt) };
  }

  private static parse(text: string): StoredReceiver | undefined {
    try {
      const record = JSON.parse(text) as StoredReceiver;
      return (WEBHOOK_SOURCES as readonly string[]).includes(record.source) ? record : undefined;
    } catch {
      return undefined;
    }
  }

  async list(): Promise<WebhookReceiverView[]> {
    const stored = Object.values(await this.redis.hgetall(KEY))
      .map((text) => WebhookReceiverStore.parse(text))
      .filter((record): record is StoredReceiver => Boolean(record) && !this.configured.has(record!.name))
      .map((record) => WebhookReceiverStore.viewOfStored(record))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    return [...[...this.configured.values()].map((receiver) => this.viewOfConfig(receiver)), ...stored];
  }

  async has(name: string): Promise<boolean> {
    return this.configured.has(name) || (await this.redis.hexists(KEY, name)) === 1;
  }

  /** A receiver with its secret, for checking one request; the secret never leaves this process. */
  async find(name: string): Promise<{ view: WebhookReceiverView; secret: string | undefined } | undefined> {
    const configured = this.configured.get(name);
    if (configured) return { view: this.viewOfConfig(configured), secret: configured.secretEnv ? this.env[configured.secretEnv] || undefined : undefined };
    const text = await this.redis.hget(KEY, name);
    const record = text ? WebhookReceiverStore.parse(text) : undefined;
    if (!record) return undefined;
    return { view: WebhookReceiverStore.viewOfStored(record), secret: decryptSecret(this.key, record.secret) };
  }

  /** Adds a receiver; CONFLICT when the name is taken (in the configuration or in Redis). */
  async add(receiver: { name: string; source: WebhookSource; secret: string }): Promise<WebhookReceiverView> {
    if (this.configured.has(receiver.name)) throw new HangarError('CONFLICT', `webhook receiver "${receiver.name}" is defined in the configuration`);
    const record: StoredReceiver = { name: receiver.name, source: receiver.source, secret: encryptSecret(this.key, receiver.secret), createdAt: new Date().toISOString() };
    const added = await this.redis.hsetnx(KEY, receiver.name, JSON.stringify(record));
    if (added !== 1) throw new HangarError('CONFLICT', `a webhook receiver named "${receiver.name}" exists`);
    return WebhookReceiverStore.viewOfStored(record);
  }

  /** Removes a receiver added through the API; a configured one cannot be (CONFLICT). */
  async remove(name: string): Promise<boolean> {
    if (this.configured.has(name)) throw new HangarError('CONFLICT', `webhook receiver "${name}" is defined in the configuration: change hangar.yaml`);
    return (await this.redis.hdel(KEY, name)) > 0;
  }
}
