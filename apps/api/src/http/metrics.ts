// `GET /metrics`: Prometheus' text format (version 0.0.4), written by hand; a handful of series needs no client
// library. Counters live in this process (each API replica is scraped on its own); gauges are read at scrape time.
import type { HostRegistry } from '@hangar/core';
import type { JobQueues } from '@hangar/jobs';
import type { NextFunction, Request, Response } from 'express';
import type { ImageEventStreamStats } from '../jobs/image-events.js';

type Labels = Record<string, string>;

/** `name{a="x",b="y"}`, with label values escaped as the format asks (backslash, quote, newline). */
export function series(name: string, labels: Labels = {}): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return pairs.length ? `${name}{${pairs.join(',')}}` : name;
}

/** A family: its HELP and TYPE lines, then one line per sample. */
export function family(name: string, type: 'counter' | 'gauge', help: string, samples: readonly { labels?: Labels; value: number }[]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map((sample) => `${series(name, sample.labels)} ${Number.isFinite(sample.value) ? sample.value : 'NaN'}`)];
  return `${lines.join('\n')}\n`;
}

/** Counters this process keeps: HTTP requests by route and status class, and engine calls made for GraphQL. */
export class Metrics {
  private readonly requests = new Map<string, { labels: Labels; value: number }>();
  engineCalls = 0;
  /** The shared engine /events streams of imageEvents subscriptions, by host. */
  imageEventStreams: () => ImageEventStreamStats[] = () => [];
  private readonly started = Date.now();

  /** Express middleware counting each request when its answer is finished. */
  countRequests() {
    return (req: Request, res: Response, next: NextFunction): void => {
      res.on('finish', () => {
        // originalUrl: under a mounted router (app.use('/graphql', …)) req.path is relative to the mount point.
        const route = routeOf(req.originalUrl.split('?')[0] ?? '/');
        const labels = { method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` };
        const key = JSON.stringify(labels);
        const entry = this.requests.get(key) ?? { labels, value: 0 };
        entry.value++;
        this.requests.set(key, entry);
      });
      next();
    };
  }

  /** The scrape: counters, host health, job counts per host and state, and this process's memory. */
  async render(hosts: HostRegistry, queues: JobQueues): Promise<string> {
    const states = hosts.states();
    const counts = await Promise.all(
      hosts.names().map(async (host) => ({ host, counts: await queues.get(host).getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed') })),
    );
    const memory = process.memoryUsage();
    const visible = new Set(hosts.names());
    const streams = this.imageEventStreams().filter((stream) => visible.has(stream.host));
    return [
      family('hangar_http_requests_total', 'counter', 'HTTP requests answered, by method, route and status class.', [...this.requests.values()]),
      family('hangar_engine_calls_total', 'counter', 'Distinct Docker Engine API calls made to answer GraphQL operations.', [{ value: this.engineCalls }]),
      family('hangar_host_up', 'gauge', 'Whether the host’s engine answered its last health check (1) or not (0).', states.map((state) => ({ labels: { host: state.name }, value: state.status === 'UP' ? 1 : 0 }))),
      family(
        'hangar_host_last_check_age_seconds',
        'gauge',
        'Seconds since the host was last checked (NaN before its first check).',
        states.map((state) => ({ labels: { host: state.name }, value: state.checkedAt ? (Date.now() - state.checkedAt.getTime()) / 1000 : NaN })),
      ),
      family(
        'hangar_jobs',
        'gauge',
        'Jobs in each host’s queue by BullMQ state (queued = waiting + delayed + prioritized; finished jobs are kept for days).',
        counts.flatMap(({ host, counts: c }) => [
          { labels: { host, state: 'queued' }, value: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) },
          { labels: { host, state: 'active' }, value: c.active ?? 0 },
          { labels: { host, state: 'completed' }, value: c.completed ?? 0 },
          { labels: { host, state: 'failed' }, value: c.failed ?? 0 },
        ]),
      ),
      family('hangar_image_event_streams', 'gauge', 'Engine /events streams open for imageEvents subscriptions (one per host, shared).', streams.map((stream) => ({ labels: { host: stream.host }, value: stream.open ? 1 : 0 }))),
      family('hangar_image_event_streams_opened_total', 'counter', 'Engine /events streams opened for imageEvents subscriptions, reconnections included.', streams.map((stream) => ({ labels: { host: stream.host }, value: stream.opened }))),
      family('hangar_image_event_subscribers', 'gauge', 'imageEvents subscriptions following each host.', streams.map((stream) => ({ labels: { host: stream.host }, value: stream.subscribers }))),
      family('process_resident_memory_bytes', 'gauge', 'Resident memory of this API process.', [{ value: memory.rss }]),
      family('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use.', [{ value: memory.heapUsed }]),
      family('process_uptime_seconds', 'gauge', 'Seconds since this API process started.', [{ value: (Date.now() - this.started) / 1000 }]),
    ].join('');
  }
}

/** A route without its variable parts, so that series stay few: `/api/v1/hosts/:host/images/export`. */
export function routeOf(path: string): string {
  if (path.startsWith('/webhooks/')) return '/webhooks/:receiver';
  const host = /^\/api\/v1\/hosts\/[^/]+\/images\/(export|load|import)$/.exec(path);
  if (host) return `/api/v1/hosts/:host/images/${host[1]}`;
  if (['/graphql', '/healthz', '/metrics', '/api/v1/build-contexts'].includes(path)) return path;
  return 'other';
}
