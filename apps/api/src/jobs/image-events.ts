import { watchImageEvents, type DockerHostClient, type ImageEvent } from '@hangar/core';
import { Channel } from './channel.js';

/** What one host's shared event stream looks like right now (for /metrics and tests). */
export interface ImageEventStreamStats {
  host: string;
  /** Subscriptions following the host. */
  subscribers: number;
  /** Whether the engine's /events stream is open (false while it is being opened or reconnected). */
  open: boolean;
  /** /events streams opened to the host since this process started. */
  opened: number;
}

interface HostStream {
  readonly subscribers: Set<Channel<ImageEvent>>;
  readonly controller: AbortController;
  open: boolean;
}

export interface ImageEventsHubOptions {
  log?: (line: string) => void;
  /** First wait before reconnecting to an engine whose stream failed or ended; doubled each time up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Events a slow subscriber may fall behind before the oldest are dropped. */
  subscriberBuffer?: number;
}

/**
 * All `imageEvents` subscriptions of this process share ONE engine `/events` stream per host: it is opened with a
 * host's first subscriber and closed when its last leaves. When the engine drops it (restart, network), it is
 * opened again with exponential backoff for as long as anyone follows the host; events during the gap are lost
 * (an engine keeps no history across restarts). Each subscriber gets the events of the hosts it asked for only,
 * so the caller checks a token's host scope before subscribing.
 */
export class ImageEventsHub {
  private readonly streams = new Map<string, HostStream>();
  private readonly openedCount = new Map<string, number>();
  private closed = false;
  private readonly log: (line: string) => void;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly subscriberBuffer: number;

  constructor(
    private readonly clientFor: (host: string) => DockerHostClient,
    options: ImageEventsHubOptions = {},
  ) {
    this.log = options.log ?? (() => {});
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.subscriberBuffer = options.subscriberBuffer ?? 1000;
  }

  /** The events of `hosts` until the iterator is returned (or the hub closes). */
  subscribe(hosts: readonly string[]): AsyncIterableIterator<ImageEvent> {
    const unique = [...new Set(hosts)];
    const channel: Channel<ImageEvent> = new Channel<ImageEvent>(() => {
      for (const host of unique) this.leave(host, channel);
    }, this.subscriberBuffer);
    if (this.closed) channel.close();
    else for (const host of unique) this.join(host, channel);
    return channel;
  }

  stats(): ImageEventStreamStats[] {
    const hosts = new Set([...this.streams.keys(), ...this.openedCount.keys()]);
    return [...hosts].sort().map((host) => {
      const stream = this.streams.get(host);
      return { host, subscribers: stream?.subscribers.size ?? 0, open: stream?.open ?? false, opened: this.openedCount.get(host) ?? 0 };
    });
  }

  /** Ends every subscription and closes every engine stream. */
  close(): void {
    this.closed = true;
    for (const stream of [...this.streams.values()]) {
      stream.controller.abort();
      for (const channel of [...stream.subscribers]) channel.close();
    }
    this.streams.clear();
  }

  private join(host: string, channel: Channel<ImageEvent>): void {
    let stream = this.streams.get(host);
    if (!stream) {
      stream = { subscribers: new Set(), controller: new AbortController(), open: false };
      this.streams.set(host, stream);
      void this.follow(host, stream);
    }
    stream.subscribers.add(channel);
  }

  private leave(host: string, channel: Channel<ImageEvent>): void {
    const stream = this.streams.get(host);
    if (!stream || !stream.subscribers.delete(channel) || stream.subscribers.size > 0) return;
    this.streams.delete(host);
    stream.controller.abort();
  }

  /** Keeps one /events stream to `host` open while `stream` has subscribers. */
  private async follow(host: string, stream: HostStream): Promise<void> {
    const { signal } = stream.controller;
    let backoff = this.initialBackoffMs;
    let failures = 0;
    while (!signal.aborted) {
      let reason = 'the engine closed the stream';
      try {
        const onOpen = () => {
          stream.open = true;
          backoff = this.initialBackoffMs;
          if (failures > 0) this.log(`image events: ${host} reconnected`);
          failures = 0;
          this.openedCount.set(host, (this.openedCount.get(host) ?? 0) + 1);
        };
        for await (const event of watchImageEvents(this.clientFor(host), signal, { onOpen })) {
          for (const channel of stream.subscribers) channel.push(event);
        }
      } catch (error) {
        reason = (error as Error).message;
      } finally {
        stream.open = false;
      }
      if (signal.aborted) break;
      // Jitter, so that many API processes do not all reconnect to a restarted engine at the same instant.
      const wait = Math.round(backoff * (0.75 + Math.random() * 0.5));
      if (failures++ === 0) this.log(`image events: ${host}: ${reason}; reconnecting (backoff from ${wait} ms up to ${this.maxBackoffMs} ms)`);
      backoff = Math.min(backoff * 2, this.maxBackoffMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, wait);
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }
}
