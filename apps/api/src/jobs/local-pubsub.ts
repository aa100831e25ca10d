import { Channel } from './channel.js';

/**
 * type-graphql wants a PubSub for topic-based subscriptions. Hangar's subscriptions all bring their own
 * `subscribe` (backed by Redis, so they work across processes); this in-process PubSub serves any topic-based one
 * a future resolver might declare, within one process.
 */
export class LocalPubSub {
  private readonly channels = new Map<string, Set<Channel<unknown>>>();

  publish(routingKey: string, ...args: unknown[]): void {
    for (const channel of this.channels.get(routingKey) ?? []) channel.push(args[0]);
  }

  subscribe(routingKey: string, dynamicId?: unknown): AsyncIterable<unknown> {
    const key = dynamicId === undefined ? routingKey : `${routingKey}:${String(dynamicId)}`;
    const channel: Channel<unknown> = new Channel<unknown>(() => this.channels.get(key)?.delete(channel));
    if (!this.channels.has(key)) this.channels.set(key, new Set());
    this.channels.get(key)!.add(channel);
    return channel;
  }
}
