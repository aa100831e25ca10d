// How `docker pull` and `docker push` show progress, for Hangar jobs: per-layer bars redrawn in place on a
// terminal, one line per layer status change otherwise. Pure: these functions build text, callers write it.
import type { Job } from '@hangar/sdk';
import { humanSize4 } from '../format/go-units.js';

type LayerProgress = NonNullable<Job['progress']>['layers'][number];

/** Width of docker's bar: 50 `=` when done. */
const BAR_WIDTH = 50;

/**
 * docker's JSONProgress.String: `[=====>      ]  1.2MB/3.4MB` when the total is known, the bytes alone when
 * it is not, nothing when there are no bytes.
 */
export function progressBar(current: number | null | undefined, total: number | null | undefined): string {
  if (current == null || current < 0) return '';
  if (total == null || total <= 0) return humanSize4(current).padStart(8);
  const filled = Math.min(BAR_WIDTH, Math.trunc(Math.trunc((current / total) * 100) / 2));
  const bar = `[${'='.repeat(filled)}>${' '.repeat(Math.max(0, BAR_WIDTH - filled))}] `;
  const numbers = current > total ? humanSize4(current).padStart(8) : `${humanSize4(current).padStart(8)}/${humanSize4(total)}`;
  return bar + numbers;
}

/** One layer's line: `<id>: Downloading [====>   ]  1.2MB/3.4MB`, or `<id>: Pull complete`. */
export function layerLine(layer: LayerProgress): string {
  const bar = progressBar(layer.current, layer.total);
  return bar ? `${layer.id}: ${layer.status} ${bar}` : `${layer.id}: ${layer.status}`;
}

/** What docker prints once a pull or push is done (`Digest: …`, `Status: …`), or why it is not. */
export function finishLines(job: Job): string[] {
  if (job.state === 'COMPLETED') {
    const digest = job.result?.digest;
    switch (job.kind) {
      case 'PULL':
        return [...(digest ? [`Digest: ${digest}`] : []), `Status: Downloaded newer image for ${job.subject}`];
      case 'PUSH':
        return digest ? [`${tagOf(job.subject)}: digest: ${digest}`] : [`Pushed ${job.subject}`];
      default:
        return [`${job.kind.toLowerCase()} complete${job.result?.imageId ? `: ${job.result.imageId}` : ''}`];
    }
  }
  if (job.state === 'FAILED') return [`Error: ${job.error?.code ?? 'FAILED'}: ${job.error?.message ?? 'failed'}`];
  if (job.state === 'CANCELLED') return ['Cancelled'];
  return [];
}

/** The tag of `name:tag` (docker's push prints `TAG: digest: …`); `latest` when there is none. */
export function tagOf(ref: string): string {
  const name = ref.split('@')[0]!;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? name.slice(colon + 1) : 'latest';
}

/** The line a job shows before it has layers: docker's `Pulling from …`/`The push refers to …`, or the queue. */
export function headerLine(job: Job): string {
  if (job.state === 'QUEUED') return `Waiting (queued): ${job.subject}`;
  if (job.kind === 'PULL') return `Pulling from ${job.subject}`;
  if (job.kind === 'PUSH') return `The push refers to repository [${job.subject}]`;
  if (job.kind === 'COPY') return `Copying ${job.subject} to ${job.host}`;
  return `${job.kind.toLowerCase()}: ${job.subject}`;
}

/** A job that moves bytes without layers (a copy: the source's save piped into the target's load): one bar while it runs. */
export function streamLine(job: Job, hasLayers: boolean): string[] {
  if (hasLayers || job.state !== 'ACTIVE' || job.progress?.bytesDone == null) return [];
  const bar = progressBar(job.progress.bytesDone, job.progress.bytesTotal);
  return bar ? [`${job.progress.phase} ${bar}`] : [];
}

/**
 * The terminal view: one block per job (per host), each line prefixed `host: ` when several hosts take part.
 * Layers keep the place they first appeared at, as docker's do.
 */
export class ProgressBoard {
  readonly #jobs = new Map<string, Job>();
  readonly #layerOrder = new Map<string, string[]>();

  constructor(
    jobs: readonly Job[],
    readonly multiHost: boolean,
  ) {
    for (const job of jobs) this.update(job);
  }

  update(job: Job): void {
    const previous = this.#jobs.get(job.id);
    // A late update without progress (the final state) keeps the layers already shown.
    const merged = job.progress || !previous ? job : { ...job, progress: previous.progress };
    this.#jobs.set(job.id, merged);
    const order = this.#layerOrder.get(job.id) ?? [];
    for (const layer of merged.progress?.layers ?? []) if (!order.includes(layer.id)) order.push(layer.id);
    this.#layerOrder.set(job.id, order);
  }

  get jobs(): Job[] {
    return [...this.#jobs.values()];
  }

  /** Every line of the board, top to bottom. */
  lines(): string[] {
    const out: string[] = [];
    for (const job of this.#jobs.values()) {
      const prefix = this.multiHost ? `${job.host}: ` : '';
      const layers = new Map((job.progress?.layers ?? []).map((layer) => [layer.id, layer]));
      const layerLines = (this.#layerOrder.get(job.id) ?? []).map((id) => layerLine(layers.get(id) ?? { id, status: 'Waiting', current: null, total: null }));
      const block = [headerLine(job), ...layerLines, ...streamLine(job, layerLines.length > 0), ...finishLines(job)];
      for (const line of block) out.push(prefix + line);
    }
    return out;
  }
}

/**
 * The text that replaces the `previous` lines drawn last time with `lines`: cursor up, then each line cleared
 * and written again. Lines are cut to `columns - 1` so that none wraps (which would break the cursor math).
 */
export function redraw(previous: number, lines: readonly string[], columns?: number): string {
  const up = previous > 0 ? `\x1b[${previous}A` : '';
  const cut = (line: string) => (columns && columns > 1 && line.length >= columns ? line.slice(0, columns - 1) : line);
  const body = lines.map((line) => `\x1b[2K\r${cut(line)}\n`).join('');
  // Fewer lines than before: clear what is left below.
  const extra = previous > lines.length ? `${'\x1b[2K\n'.repeat(previous - lines.length)}\x1b[${previous - lines.length}A` : '';
  return up + body + extra;
}

/** The non-terminal view: a line per layer status change (no byte counts), and the finish lines once. */
export class PlainProgress {
  readonly #seen = new Map<string, string>();
  readonly #finished = new Set<string>();
  readonly #headed = new Set<string>();

  constructor(readonly multiHost: boolean) {}

  /** The new lines this update brings. */
  update(job: Job): string[] {
    const prefix = this.multiHost ? `${job.host}: ` : '';
    const out: string[] = [];
    if (!this.#headed.has(job.id) && job.state !== 'QUEUED') {
      this.#headed.add(job.id);
      out.push(prefix + headerLine(job));
    }
    for (const layer of job.progress?.layers ?? []) {
      const key = `${job.id} ${layer.id}`;
      if (this.#seen.get(key) === layer.status) continue;
      this.#seen.set(key, layer.status);
      out.push(`${prefix}${layer.id}: ${layer.status}`);
    }
    if (!this.#finished.has(job.id) && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.state)) {
      this.#finished.add(job.id);
      if (!this.#headed.has(job.id)) {
        this.#headed.add(job.id);
        out.unshift(prefix + headerLine({ ...job, state: 'ACTIVE' }));
      }
      for (const line of finishLines(job)) out.push(prefix + line);
    }
    return out;
  }
}
