import { z } from 'zod';
import { hasUserInfo } from '../secrets/redact.js';
import { parseEndpoint } from '../docker/endpoint.js';
import { WEBHOOK_SOURCES } from '../webhooks/sources.js';
import { parseAllowEntry, parseDenyEntry } from '../egress/policy.js';

const name = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, 'must be 1-63 letters, digits, "_", "." or "-", starting with a letter or digit');

const endpoint = z.string().superRefine((value, ctx) => {
  try {
    parseEndpoint(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

const labels = z.record(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_./-]*$/, 'bad label key'), z.string()).default({});

/** A zod check from a parser that throws with a message. */
function checkEntry(parse: (entry: string) => unknown) {
  return (value: string, ctx: z.RefinementCtx) => {
    try {
      parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  };
}

export const hostConfigSchema = z.strictObject({
  name,
  endpoint,
  labels,
  maxConcurrentJobs: z.int().min(1).max(64).default(2),
  tls: z
    .strictObject({
      ca: z.string().optional(),
      cert: z.string().optional(),
      key: z.string().optional(),
      /** Check the engine's certificate against `ca` and its name (default true). */
      verify: z.boolean().default(true),
    })
    .optional(),
  ssh: z
    .strictObject({
      privateKey: z.string().optional(),
      passphraseEnv: z.string().optional(),
    })
    .optional(),
  /** Bound for one short engine call, connect included. */
  requestTimeoutMs: z.int().min(100).max(600_000).optional(),
});

/** A registry URL's host is a DNS name (or an address): labels of at most 63 characters, 253 in all. */
function registryHostFits(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return true; // z.url reports it
  }
  return host.length <= 253 && host.split('.').every((label) => label.length <= 63);
}

export const registryConfigSchema = z.strictObject({
  name,
  /** Never with credentials in it (`https://user:pass@...`): those go in username and passwordEnv (or addRegistry's password). */
  url: z
    .string()
    // Checked as written: the URL parser strips tabs and newlines and percent-encodes the rest.
    .refine((url) => !/[\s\u0000-\u001f\u007f]/.test(url), { message: 'must not hold white space or control characters' })
    .pipe(
      z
        .url({ protocol: /^https?$/ })
        .refine((url) => !hasUserInfo(url), { message: 'must not hold credentials (user:password@): give username, and the password through passwordEnv (or addRegistry’s password)' })
        .refine((url) => !/[?#]/.test(url), { message: 'must not hold a query or a fragment' })
        .refine((url) => registryHostFits(url), { message: 'the host name is not a DNS name (labels of at most 63 characters, 253 in all)' }),
    ),
  /** distribution: registry:2 and compatibles (search lists the catalog); harbor: Harbor's API; index: a
   * Docker Hub-style index with /v1/search, searched through an engine. */
  kind: z.enum(['distribution', 'harbor', 'index']).default('distribution'),
  username: z.string().optional(),
  passwordEnv: z.string().optional(),
});

export const webhookReceiverSchema = z.strictObject({
  name,
  /** What sends to it, which fixes the payload format and how it authenticates (see docs/webhooks.md). */
  source: z.enum(WEBHOOK_SOURCES),
  /** The environment variable holding its secret: bearer token, path token, or HMAC key (`whsec_...`). */
  secretEnv: z.string().optional(),
});

export const webhookRuleSchema = z.strictObject({
  name,
  /** The receiver whose events it looks at. */
  receiver: name,
  /** Go path.Match glob on the repository path (`team/web*`; `*` does not cross `/`). */
  repository: z.string().min(1),
  /** Glob on the pushed tag. */
  tag: z.string().default('*'),
  /** Tags matching any of these globs start nothing (`*-rc`). */
  excludeTags: z.array(z.string()).default([]),
  /** pull: pull the pushed digest on the selected hosts and tag it with the pushed tag. */
  action: z.enum(['pull']).default('pull'),
  /** Hosts by name, by labels (all must match), or both. */
  hosts: z.strictObject({ names: z.array(name).optional(), labels: z.record(z.string(), z.string()).optional() }),
});

export const configSchema = z.strictObject({
  listen: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.int().min(0).max(65535).default(4000) }).prefault({}),
  redis: z.strictObject({ url: z.string().regex(/^rediss?:\/\/|^unix:\/\//, 'must be redis://, rediss:// or unix://') }).optional(),
  dataDir: z.string().default('.hangar'),
  health: z
    .strictObject({
      /** How often every host is checked in the background. */
      intervalMs: z.int().min(500).default(10_000),
      /** Bound for one health check: a host that does not answer within it is DOWN. */
      timeoutMs: z.int().min(100).max(60_000).default(3_000),
    })
    .prefault({}),
  fleet: z
    .strictObject({
      /** Bound for one host's part of a fleet-wide answer, and the default bound of one engine call. */
      hostTimeoutMs: z.int().min(100).max(600_000).default(10_000),
    })
    .prefault({}),
  archives: z
    .strictObject({
      /** Largest tar accepted by the load and import endpoints; a bigger upload is refused with 413. */
      maxUploadBytes: z.int().min(1024).default(20 * 1024 ** 3),
      /** A stream to or from an engine with no byte for this long is cut as stalled. */
      stallTimeoutMs: z.int().min(1000).default(120_000),
    })
    .prefault({}),
  limits: z
    .strictObject({
      /** Requests one token may have in flight at once (GraphQL and REST); more are answered 429 RATE_LIMITED. */
      maxConcurrentRequestsPerToken: z.int().min(1).max(10_000).default(64),
      /** Subscriptions one WebSocket connection may have running at once; more are refused with RATE_LIMITED. */
      maxSubscriptionsPerConnection: z.int().min(1).max(100_000).default(100),
      /** Subscriptions one token may have running at once over all its connections (per API process). */
      maxSubscriptionsPerToken: z.int().min(1).max(1_000_000).default(500),
      /** WebSocket connections one token may have open at once (per API process); more are closed with 4429. */
      maxWebSocketConnectionsPerToken: z.int().min(1).max(100_000).default(100),
      /** Build-context uploads one token may have in flight at once (per API process); more are answered 429. */
      maxConcurrentBuildContextUploadsPerToken: z.int().min(1).max(1000).default(2),
      /** Bytes of build contexts one token may have stored (they are kept an hour); past it uploads are 413 QUOTA_EXCEEDED. */
      buildContextQuotaBytes: z.int().min(1024).default(256 * 1024 ** 2),
      /** maxmemory of the embedded redis-server (policy noeviction: jobs are never evicted); 0: no limit. */
      embeddedRedisMaxMemoryBytes: z
        .int()
        .refine((value) => value === 0 || value >= 64 * 1024 ** 2, 'must be 0 (no limit) or at least 64 MiB (67108864)')
        .default(2 * 1024 ** 3),
      /** Field nesting one GraphQL operation may have (introspection not counted); deeper is QUERY_TOO_DEEP. */
      maxDepth: z.int().min(2).max(100).default(12),
      /** Aliased fields one operation may have, counted through fragments; more is TOO_MANY_ALIASES. */
      maxAliases: z.int().min(0).max(10_000).default(30),
      /** Directives one operation may have, counted through fragments; more is TOO_MANY_DIRECTIVES. */
      maxDirectives: z.int().min(0).max(10_000).default(50),
      /** Lexical tokens one GraphQL document may have; the parser stops at the first past it (TOO_MANY_TOKENS). */
      maxTokens: z.int().min(500).max(1_000_000).default(5000),
      /** Estimated cost of one operation (graphql-armor's cost model, `first`/`last` multiply); more is QUERY_TOO_COMPLEX. */
      maxCost: z.number().min(100).default(50_000),
      /** Engine calls one request may make; past it each further call fails with ENGINE_CALL_BUDGET_EXCEEDED. */
      maxEngineCallsPerRequest: z.int().min(10).max(1_000_000).default(5000),
    })
    .prefault({}),
  jobs: z
    .strictObject({
      /** How long a worker's claim on a running job lasts without renewal; a dead worker's jobs are taken over after it. */
      lockDurationMs: z.int().min(1000).default(30_000),
      /** How often workers look for jobs whose worker died. */
      stalledIntervalMs: z.int().min(500).default(15_000),
      /** Attempts before a job fails for good (retries only for faults that can pass). */
      attempts: z.int().min(1).max(20).default(3),
    })
    .prefault({}),
  /** Where URLs given to Hangar may lead (loadImage, importImage, remote build contexts, searchImages indexes). */
  egress: z
    .strictObject({
      /** URL patterns (`https://artifacts.example.com/*`), host names (`registry.internal`, `*.corp.example`, `host:port`), addresses and CIDR networks that are allowed, internal ones included. */
      allow: z.array(z.string().superRefine(checkEntry(parseAllowEntry))).default([]),
      /** Networks never reached, whatever `allow` says (added to the default denied networks, which `allow` can open). */
      deny: z.array(z.string().superRefine(checkEntry(parseDenyEntry))).default([]),
      /** Public addresses need no `allow` entry; false: only what `allow` names is reached. */
      allowPublic: z.boolean().default(true),
    })
    .prefault({}),
  hosts: z.array(hostConfigSchema).default([]),
  registries: z.array(registryConfigSchema).default([]),
  webhooks: z
    .strictObject({
      receivers: z.array(webhookReceiverSchema).default([]),
      rules: z.array(webhookRuleSchema).default([]),
      /** Largest body a receiver reads; a bigger one is refused with 413. */
      maxBodyBytes: z.int().min(1024).max(64 * 1024 ** 2).default(1024 ** 2),
      /** How far a signed timestamp (Standard Webhooks) may be from this clock, either way. */
      toleranceSeconds: z.int().min(10).max(3600).default(300),
      /** How long an event ID is remembered, so that a redelivery starts nothing. */
      dedupeTtlSeconds: z.int().min(60).default(7 * 24 * 3600),
      /** Attempts of a job a webhook starts: a host that is down is retried, not skipped. */
      jobAttempts: z.int().min(1).max(50).default(10),
      /** First retry delay of such a job, doubled at each attempt (10 attempts from 5 s span about 40 minutes). */
      jobBackoffMs: z.int().min(100).max(3_600_000).default(5_000),
    })
    .prefault({}),
});

export type HangarConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type HostConfig = z.output<typeof hostConfigSchema>;
export type RegistryConfig = z.output<typeof registryConfigSchema>;
export type WebhookReceiverConfig = z.output<typeof webhookReceiverSchema>;
