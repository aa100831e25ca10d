import { describe, expect, it } from 'vitest';
import { ConnectionSlot, PendingConnections, SubscriptionLimits } from './subscription-limits.js';

const settings = { maxSubscriptionsPerConnection: 2, maxSubscriptionsPerToken: 3, maxWebSocketConnectionsPerToken: 2 };

function slot(limits: SubscriptionLimits, token: string): ConnectionSlot {
  const made = limits.connect(token);
  if (!(made instanceof ConnectionSlot)) throw new Error(made.refused);
  return made;
}

describe('SubscriptionLimits', () => {
  it('refuses past the per-connection and per-token limits, and counts tokens apart', () => {
    const limits = new SubscriptionLimits(settings);
    const a = slot(limits, 't1');
    const b = slot(limits, 't1');
    const [p1, p2, p3, p4] = [{}, {}, {}, {}];
    expect(a.start(p1)).toBeUndefined();
    expect(a.start(p2)).toBeUndefined();
    expect(a.start(p3)).toMatch(/2 subscriptions running.*maxSubscriptionsPerConnection/);
    expect(b.start(p3)).toBeUndefined();
    expect(b.start(p4)).toMatch(/this token has 3 subscriptions running.*maxSubscriptionsPerToken/);
    const other = slot(limits, 't2');
    expect(other.start({})).toBeUndefined();
    expect(limits.usage('t1')).toEqual({ subscriptions: 3, connections: 2 });
    expect(limits.usage('t2')).toEqual({ subscriptions: 1, connections: 1 });
  });

  it('a ticket ended twice, or ended without being counted, gives back nothing extra', () => {
    const limits = new SubscriptionLimits(settings);
    const a = slot(limits, 't');
    const counted = {};
    const refusedTicket = {};
    a.start(counted);
    a.start({});
    expect(a.start(refusedTicket)).toBeDefined();
    a.end(refusedTicket);
    expect(limits.usage('t').subscriptions).toBe(2);
    a.end(counted);
    a.end(counted);
    expect(limits.usage('t').subscriptions).toBe(1);
    expect(a.running).toBe(1);
  });

  it('closing a connection gives back its subscriptions and its connection slot, once', () => {
    const limits = new SubscriptionLimits(settings);
    const a = slot(limits, 't');
    const b = slot(limits, 't');
    expect(limits.connect('t')).toEqual({ refused: expect.stringContaining('maxWebSocketConnectionsPerToken: 2') });
    a.start({});
    a.start({});
    b.start({});
    a.close();
    a.close();
    expect(limits.usage('t')).toEqual({ subscriptions: 1, connections: 1 });
    expect(a.start({})).toBe('the connection is closing');
    const c = slot(limits, 't');
    expect(c.start({})).toBeUndefined();
    expect(c.start({})).toBeUndefined();
    expect(c.start({})).toMatch(/maxSubscriptionsPerConnection/);
    b.close();
    c.close();
    expect(limits.usage('t')).toEqual({ subscriptions: 0, connections: 0 });
  });
});

describe('PendingConnections', () => {
  it('holds at most max unauthenticated connections per address, and frees a place once settled', () => {
    const pending = new PendingConnections<object>(2);
    const [a, b, c, d] = [{}, {}, {}, {}];
    expect(pending.add(a, '10.0.0.1')).toBe(true);
    expect(pending.add(b, '10.0.0.1')).toBe(true);
    expect(pending.add(c, '10.0.0.1')).toBe(false);
    expect(pending.add(d, '::1')).toBe(true);
    pending.settle(a);
    pending.settle(a);
    pending.settle(c);
    expect(pending.count('10.0.0.1')).toBe(1);
    expect(pending.add(c, '10.0.0.1')).toBe(true);
    for (const connection of [b, c, d]) pending.settle(connection);
    expect([pending.count('10.0.0.1'), pending.count('::1')]).toEqual([0, 0]);
  });
});
