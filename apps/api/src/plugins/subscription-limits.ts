/** The WebSocket limits of one API process (from hangar.yaml's `limits`). */
export interface SubscriptionLimitSettings {
  maxSubscriptionsPerConnection: number;
  maxSubscriptionsPerToken: number;
  maxWebSocketConnectionsPerToken: number;
}

/** The close code for a connection refused because its token has too many (4429, after HTTP 429). */
export const TOO_MANY_CONNECTIONS = 4429;

/**
 * Counts WebSocket connections and running subscriptions per token and per connection, in this process.
 *
 * A subscription is counted from the moment it is accepted (graphql-ws `onSubscribe`) until it ends, whichever way:
 * completed by the client or the server, failed validation, failed while running, or its connection closed. Each
 * subscribe message is one ticket (graphql-ws hands the same payload object to `onSubscribe`, `onError` and
 * `onComplete`), and releasing a ticket twice or one never counted does nothing, so no path counts twice or leaks.
 */
export class SubscriptionLimits {
  private readonly subscriptions = new Map<string, number>();
  private readonly connections = new Map<string, number>();

  constructor(private readonly settings: SubscriptionLimitSettings) {}

  /** A new connection for `tokenId`, or the reason it is refused. */
  connect(tokenId: string): ConnectionSlot | { refused: string } {
    const open = this.connections.get(tokenId) ?? 0;
    if (open >= this.settings.maxWebSocketConnectionsPerToken) {
      return { refused: `too many WebSocket connections for this token (limits.maxWebSocketConnectionsPerToken: ${this.settings.maxWebSocketConnectionsPerToken})` };
    }
    this.connections.set(tokenId, open + 1);
    return new ConnectionSlot(this, tokenId);
  }

  /** Running subscriptions of a token, and its open connections (for tests and diagnostics). */
  usage(tokenId: string): { subscriptions: number; connections: number } {
    return { subscriptions: this.subscriptions.get(tokenId) ?? 0, connections: this.connections.get(tokenId) ?? 0 };
  }

  /** @internal */
  tryStart(tokenId: string, running: number): string | undefined {
    if (running >= this.settings.maxSubscriptionsPerConnection) {
      return `this connection has ${running} subscriptions running, the most allowed (limits.maxSubscriptionsPerConnection); end one first`;
    }
    const total = this.subscriptions.get(tokenId) ?? 0;
    if (total >= this.settings.maxSubscriptionsPerToken) {
      return `this token has ${total} subscriptions running, the most allowed (limits.maxSubscriptionsPerToken); end one first`;
    }
    this.subscriptions.set(tokenId, total + 1);
    return undefined;
  }

  /** @internal */
  release(map: 'subscriptions' | 'connections', tokenId: string, count = 1): void {
    const counts = map === 'subscriptions' ? this.subscriptions : this.connections;
    const left = (counts.get(tokenId) ?? 0) - count;
    if (left > 0) counts.set(tokenId, left);
    else counts.delete(tokenId);
  }
}

/** One connection's share of the limits; `close` gives back everything it still holds. */
export class ConnectionSlot {
  private readonly tickets = new Set<object>();
  private closed = false;

  constructor(
    private readonly limits: SubscriptionLimits,
    readonly tokenId: string,
  ) {}

  /** Counts a subscription (its subscribe payload is the ticket), or answers why it is refused. */
  start(ticket: object): string | undefined {
    if (this.closed) return 'the connection is closing';
    if (this.tickets.has(ticket)) return undefined;
    const refused = this.limits.tryStart(this.tokenId, this.tickets.size);
    if (!refused) this.tickets.add(ticket);
    return refused;
  }

  /** The subscription of this ticket ended; a ticket not counted (refused, or released already) is ignored. */
  end(ticket: object): void {
    if (this.tickets.delete(ticket)) this.limits.release('subscriptions', this.tokenId);
  }

  get running(): number {
    return this.tickets.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.limits.release('subscriptions', this.tokenId, this.tickets.size);
    this.tickets.clear();
    this.limits.release('connections', this.tokenId);
  }
}

/** WebSocket connections one address may have open before they authenticate (connection_init). */
export const MAX_PENDING_PER_ADDRESS = 64;
/** The close code for a connection refused because its address has too many unauthenticated ones (Try Again Later). */
export const TOO_MANY_PENDING = 1013;

/**
 * Counts WebSocket connections that have not sent connection_init yet, per remote address. Before authentication a
 * connection costs a socket and up to a message (1 MiB) of buffer, for up to the init timeout: an address may hold
 * only `max` of them. Legitimate clients spend milliseconds in that state, so even many clients behind one proxy
 * address stay far below it.
 */
export class PendingConnections<K extends object> {
  private readonly byAddress = new Map<string, number>();
  private readonly pending = new Map<K, string>();

  constructor(private readonly max = MAX_PENDING_PER_ADDRESS) {}

  /** Counts `connection` for `address`; false (and nothing counted) when the address already has `max`. */
  add(connection: K, address: string): boolean {
    const count = this.byAddress.get(address) ?? 0;
    if (count >= this.max) return false;
    this.byAddress.set(address, count + 1);
    this.pending.set(connection, address);
    return true;
  }

  /** The connection authenticated or closed; a second call (or one for a connection not counted) does nothing. */
  settle(connection: K): void {
    const address = this.pending.get(connection);
    if (address === undefined) return;
    this.pending.delete(connection);
    const left = (this.byAddress.get(address) ?? 1) - 1;
    if (left > 0) this.byAddress.set(address, left);
    else this.byAddress.delete(address);
  }

  count(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }
}
