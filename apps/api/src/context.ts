import type { EngineReader, HangarConfig, HostRegistry, RegistryDirectory } from '@hangar/core';
import type { CredentialStore, JobQueues } from '@hangar/jobs';
import type { Redis } from 'ioredis';
import type { JobEventsHub } from './jobs/job-events.js';
import type { ImageEventsHub } from './jobs/image-events.js';
import type { AuditLog } from './audit/audit-log.js';
import type { Principal, TokenStore } from './auth/token-store.js';
import type { Webhooks } from './webhooks/webhooks.js';

/** What every resolver gets: the caller, the services it may call, and this request's engine reader. */
export interface HangarContext {
  principal: Principal;
  hosts: HostRegistry;
  config: HangarConfig;
  /** The registries (configured and added), with their clients; read once per request. */
  registries: () => Promise<RegistryDirectory>;
  audit: AuditLog;
  redis: Redis;
  queues: JobQueues;
  jobEvents: JobEventsHub;
  /** The engines' image events, one shared /events stream per host for the whole process. */
  imageEvents: ImageEventsHub;
  credentials: CredentialStore;
  webhooks: Webhooks;
  /** API tokens (admins manage them). */
  tokens: TokenStore;
  /** Memoises engine reads for this one request, so no engine endpoint is asked twice. */
  reader: EngineReader;
}
