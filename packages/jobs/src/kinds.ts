import { z } from 'zod';

/** Every kind of job: one long operation on one host. */
export const JOB_KINDS = ['pull', 'push', 'build', 'import', 'load', 'copy'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

const ref = z.string().min(1).max(512);
const host = z.string().min(1).max(63);
/**
 * A URL that held credentials (user info, query values) is kept twice: `url` redacted, for every view, and
 * `sealedUrl`, the real one encrypted with the secret key (encryptSecret), which only the worker opens.
 */
const sealedUrl = z.string().optional();

/** What each kind of job carries. The API validates with these before enqueueing; the worker again before running. */
export const jobDataSchemas = {
  pull: z.strictObject({ ref, platform: z.string().optional(), registry: z.string().optional(), tagAs: ref.optional() }),
  push: z.strictObject({ ref, registry: z.string().optional() }),
  build: z.strictObject({
    context: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('inline'), dockerfile: z.string().min(1), files: z.record(z.string(), z.string()).optional() }),
      z.strictObject({ kind: z.literal('remote'), url: z.string().min(1), sealedUrl }),
      z.strictObject({ kind: z.literal('upload'), key: z.string().min(1), bytes: z.int().nonnegative() }),
    ]),
    dockerfile: z.string().optional(),
    tags: z.array(ref).default([]),
    buildArgs: z.record(z.string(), z.string()).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    target: z.string().optional(),
    noCache: z.boolean().optional(),
    pull: z.boolean().optional(),
    platform: z.string().optional(),
  }),
  import: z.strictObject({ url: z.string().url(), sealedUrl, repo: z.string().optional(), tag: z.string().optional(), message: z.string().optional(), changes: z.array(z.string()).default([]) }),
  load: z.strictObject({ url: z.string().url(), sealedUrl }),
  copy: z.strictObject({ sourceHost: host, ref }),
} satisfies Record<JobKind, z.ZodType>;

export type JobData<K extends JobKind = JobKind> = z.output<(typeof jobDataSchemas)[K]>;

/** Every job's envelope: its kind, host, batch, and the kind's data. */
export const jobEnvelopeSchema = z.strictObject({
  kind: z.enum(JOB_KINDS),
  host,
  batchId: z.string().optional(),
  /** Who asked: a token name, or `webhook:<delivery>`. */
  requestedBy: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type JobEnvelope = z.output<typeof jobEnvelopeSchema>;

export const layerProgressSchema = z.strictObject({
  id: z.string(),
  status: z.string(),
  current: z.number().nonnegative().optional(),
  total: z.number().nonnegative().optional(),
});

/** Progress as workers publish it and the API re-validates it. */
export const jobProgressSchema = z.strictObject({
  phase: z.string(),
  percent: z.number().min(0).max(100).optional(),
  bytesDone: z.number().nonnegative().optional(),
  bytesTotal: z.number().nonnegative().optional(),
  message: z.string().optional(),
  layers: z.array(layerProgressSchema).max(500).default([]),
});
export type JobProgress = z.output<typeof jobProgressSchema>;

export const jobResultSchema = z.strictObject({
  imageId: z.string().optional(),
  repoTags: z.array(z.string()).optional(),
  digest: z.string().optional(),
  bytes: z.number().optional(),
});
export type JobResult = z.output<typeof jobResultSchema>;

/** Drops undefined fields so a progress object validates and stores compactly. */
export function compactProgress(progress: { phase: string; percent?: number | undefined; bytesDone?: number | undefined; bytesTotal?: number | undefined; message?: string | undefined; layers: { id: string; status: string; current?: number | undefined; total?: number | undefined }[] }): JobProgress {
  const clean = <T extends object>(value: T) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
  return jobProgressSchema.parse({ ...clean(progress), layers: progress.layers.slice(0, 500).map((layer) => clean(layer)) });
}
