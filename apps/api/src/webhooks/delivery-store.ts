import { createHash } from 'node:crypto';
import type { RegistryPushEvent, WebhookSource } from '@hangar/core';
import type { Redis } from 'ioredis';
import { NEXT_STREAM_ID_LUA } from '../redis/stream-id.js';

const STREAM = '{hangar}:webhooks:deliveries';
/** Refused requests, in their own capped stream: a flood of them never pushes an accepted delivery out. */
const REJECTED = '{hangar}:webhooks:rejected';
/** The last stream ID given out by either stream, so that IDs (the list's cursors) never collide across the two. */
const LAST_ID = '{hangar}:webhooks:last-id';
const PENDING = '{hangar}:webhooks:pending';
const resultKey = (id: string) => `{hangar}:webhooks:result:${id}`;
const seenKey = (receiver: string, eventId: string) => `{hangar}:webhooks:seen:${receiver}:${createHash('sha256').update(eventId).digest('hex')}`;

/**
 * Accepted (and duplicate, ignored) deliveries kept: beyond this the oldest are dropped, except a pending one, which
 * stays until it is processed. Refused requests kept, in their own stream. And how long an outcome is kept.
 */
export const MAX_DELIVERIES = 100_000;
export const MAX_REJECTED = 10_000;
const RESULT_TTL_SECONDS = 30 * 24 * 3600;

export type DeliveryStatus = 'ACCEPTED' | 'DUPLICATE' | 'REJECTED' | 'IGNORED';
export type EventStatus = 'ACCEPTED' | 'DUPLICATE' | 'IGNORED';

/** An event as received, with why it asks for nothing (a pull, a blob, ...), if so. */
export interface ReceivedEvent extends RegistryPushEvent {
  ignoredReason: string | undefined;
}

/** What is written when a request arrives; it never changes afterwards. Holds no secret and no header. */
interface Receipt {
  receiver: string;
  source: WebhookSource | undefined;
  receivedAt: string;
  /** The source's delivery ID, or a hash of the body where it has none. */
  deliveryId: string | undefined;
  /** For a refused request: its HTTP status and why. */
  rejected: { httpStatus: number; reason: string } | undefined;
  /** Why the delivery as a whole asks for nothing (a GitHub ping, a Harbor scan event). */
  ignoredReason: string | undefined;
  events: ReceivedEvent[];
}

/** What rule matching did for one event. */
export interface RuleMatchOutcome {
  rule: string;
  ref: string | undefined;
  tagAs: string | undefined;
  hosts: string[];
  jobIds: string[];
  errors: { code: string; message: string; host?: string | undefined }[];
}

/** What processing an accepted delivery did, written once it is done. */
export interface DeliveryOutcome {
  processedAt: string;
  /** Per event, by index in `events`. */
  events: { index: number; matches: RuleMatchOutcome[] }[];
}

/** A delivery as the API shows it. */
export interface DeliveryView {
  /** The stream entry's ID: time-ordered, the cursor. */
  id: string;
  receiver: string;
  source: WebhookSource | undefined;
  receivedAt: Date;
  deliveryId: string | undefined;
  status: DeliveryStatus;
  httpStatus: number;
  reason: string | undefined;
  events: (ReceivedEvent & { status: EventStatus; matches: RuleMatchOutcome[] })[];
  /** When rule matching finished; undefined while it runs (or was never needed). */
  processedAt: Date | undefined;
}


/**
 * KEYS: stream, pending, last-id, then one seen-key per actionable event. ARGV: ttl, max, receipt, receivedAt ms.
 * Claims each event ID, appends the delivery, marks it pending when one event was new, then trims the oldest
 * entries beyond `max` that are not pending (a pending delivery is never dropped).
 */
const DEDUPE_SCRIPT = `${NEXT_STREAM_ID_LUA}
local flags = {}
local fresh = false
for i = 4, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[4], 'NX', 'EX', ARGV[1]) then
    flags[#flags + 1] = '1'
    fresh = true
  else
    flags[#flags + 1] = '0'
  end
end
local joined = table.concat(flags, ',')
local id = redis.call('XADD', KEYS[1], next_id(KEYS[3], KEYS[1]), 'receipt', ARGV[3], 'fresh', joined)
if fresh then redis.call('ZADD', KEYS[2], ARGV[4], id) end
local max = tonumber(ARGV[2])
local excess = redis.call('XLEN', KEYS[1]) - max
if excess > 0 then
  local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', excess + redis.call('ZCARD', KEYS[2]))
  local dropped = 0
  for _, entry in ipairs(oldest) do
    if dropped >= excess then break end
    if not redis.call('ZSCORE', KEYS[2], entry[1]) then
      redis.call('XDEL', KEYS[1], entry[1])
      dropped = dropped + 1
    end
  end
end
return {id, joined}
`;

/** KEYS: rejected stream, last-id. ARGV: max, receipt. */
const REJECT_SCRIPT = `${NEXT_STREAM_ID_LUA}
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], next_id(KEYS[2], KEYS[1]), 'receipt', ARGV[2], 'fresh', '')
`;

/** Orders stream IDs (`ms-seq`) by time. */
function compareStreamIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  return am === bm ? (as === bs ? 0 : as < bs ? -1 : 1) : am < bm ? -1 : 1;
}

function statusOf(receipt: Receipt, events: { status: EventStatus; ignoredReason: string | undefined }[]): { status: DeliveryStatus; httpStatus: number; reason: string | undefined } {
  if (receipt.rejected) return { status: 'REJECTED', httpStatus: receipt.rejected.httpStatus, reason: receipt.rejected.reason };
  if (events.some((event) => event.status === 'ACCEPTED')) return { status: 'ACCEPTED', httpStatus: 202, reason: undefined };
  if (events.some((event) => event.status === 'DUPLICATE')) return { status: 'DUPLICATE', httpStatus: 200, reason: 'every event was delivered before' };
  const reasons = [...new Set(events.map((event) => event.ignoredReason).filter(Boolean))];
  return { status: 'IGNORED', httpStatus: 202, reason: receipt.ignoredReason ?? (reasons.join(', ') || 'nothing to act on') };
}

function viewOf(id: string, receipt: Receipt, freshFlags: string, outcome: DeliveryOutcome | undefined): DeliveryView {
  const flags = freshFlags ? freshFlags.split(',') : [];
  let actionable = 0;
  const events = receipt.events.map((event, index) => {
    const status: EventStatus = event.ignoredReason ? 'IGNORED' : flags[actionable++] === '1' ? 'ACCEPTED' : 'DUPLICATE';
    return { ...event, status, matches: outcome?.events.find((e) => e.index === index)?.matches ?? [] };
  });
  return {
    id,
    receiver: receipt.receiver,
    source: receipt.source,
    receivedAt: new Date(receipt.receivedAt),
    deliveryId: receipt.deliveryId,
    ...statusOf(receipt, events),
    events,
    processedAt: outcome ? new Date(outcome.processedAt) : undefined,
  };
}

/**
 * Every webhook delivery, in Redis streams (like the audit log): append-only, capped, read newest first. Refused
 * requests (unknown receiver, failed authentication, bad body) go to a stream of their own with its own cap, so a
 * flood of them can neither push accepted deliveries out nor drop a pending one; the list merges both. An
 * accepted delivery's events are deduplicated by event ID (SET NX with a TTL) in the same atomic step that records
 * it and marks it pending, so a crash between answering and matching rules loses nothing: pending deliveries are
 * processed again at start-up, and their job keys make that enqueue nothing twice.
 */
export class WebhookDeliveryStore {
  constructor(
    private readonly redis: Redis,
    private readonly dedupeTtlSeconds: number,
    private readonly limits: { maxDeliveries: number; maxRejected: number } = { maxDeliveries: MAX_DELIVERIES, maxRejected: MAX_REJECTED },
  ) {}

  /** Records a refused request (bad receiver, auth, size or payload). */
  async reject(entry: { receiver: string; source: WebhookSource | undefined; receivedAt: Date; httpStatus: number; reason: string }): Promise<DeliveryView> {
    const receipt: Receipt = {
      receiver: entry.receiver,
      source: entry.source,
      receivedAt: entry.receivedAt.toISOString(),
      deliveryId: undefined,
      rejected: { httpStatus: entry.httpStatus, reason: entry.reason },
      ignoredReason: undefined,
      events: [],
    };
    const id = (await this.redis.eval(REJECT_SCRIPT, 2, REJECTED, LAST_ID, String(this.limits.maxRejected), JSON.stringify(receipt))) as string;
    return viewOf(id, receipt, '', undefined);
  }

  /**
   * Records an authenticated, parsed delivery: each actionable event is claimed by its ID; the delivery is pending
   * (to be processed) when at least one was new.
   */
  async accept(entry: { receiver: string; source: WebhookSource; receivedAt: Date; deliveryId: string; ignoredReason: string | undefined; events: ReceivedEvent[] }): Promise<{ view: DeliveryView; pending: boolean }> {
    const receipt: Receipt = {
      receiver: entry.receiver,
      source: entry.source,
      receivedAt: entry.receivedAt.toISOString(),
      deliveryId: entry.deliveryId,
      rejected: undefined,
      ignoredReason: entry.ignoredReason,
      events: entry.events,
    };
    const keys = entry.events.filter((event) => !event.ignoredReason).map((event) => seenKey(entry.receiver, event.eventId));
    const [id, flags] = (await this.redis.eval(
      DEDUPE_SCRIPT,
      3 + keys.length,
      STREAM,
      PENDING,
      LAST_ID,
      ...keys,
      String(this.dedupeTtlSeconds),
      String(this.limits.maxDeliveries),
      JSON.stringify(receipt),
      String(entry.receivedAt.getTime()),
    )) as [string, string];
    return { view: viewOf(id, receipt, flags, undefined), pending: flags.split(',').includes('1') };
  }

  /** A delivery by ID (accepted or refused). */
  async get(id: string): Promise<DeliveryView | undefined> {
    const row = ((await this.redis.xrange(STREAM, id, id)) as [string, string[]][])[0] ?? ((await this.redis.xrange(REJECTED, id, id)) as [string, string[]][])[0];
    if (!row) return undefined;
    const outcome = await this.redis.get(resultKey(id));
    return this.toView(row, outcome);
  }

  private toView([id, fields]: [string, string[]], outcome: string | null): DeliveryView {
    const field = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
    return viewOf(id, JSON.parse(field('receipt')) as Receipt, field('fresh'), outcome ? (JSON.parse(outcome) as DeliveryOutcome) : undefined);
  }

  /** Newest first, accepted and refused merged; `before` is the ID of the last delivery of the previous page. */
  async read({ first, before }: { first: number; before?: string | undefined }): Promise<{ deliveries: DeliveryView[]; hasMore: boolean; total: number }> {
    const end = before ? `(${before}` : '+';
    const [accepted, rejected, acceptedCount, rejectedCount] = await Promise.all([
      this.redis.xrevrange(STREAM, end, '-', 'COUNT', first + 1) as Promise<[string, string[]][]>,
      this.redis.xrevrange(REJECTED, end, '-', 'COUNT', first + 1) as Promise<[string, string[]][]>,
      this.redis.xlen(STREAM),
      this.redis.xlen(REJECTED),
    ]);
    const rows = [...accepted, ...rejected].sort(([a], [b]) => compareStreamIds(b, a));
    const total = acceptedCount + rejectedCount;
    const page = rows.slice(0, first);
    const outcomes = page.length ? await this.redis.mget(page.map(([id]) => resultKey(id))) : [];
    return { deliveries: page.map((row, i) => this.toView(row, outcomes[i] ?? null)), hasMore: rows.length > first, total };
  }

  /** Stores what processing did and takes the delivery off the pending list. */
  async finish(id: string, outcome: DeliveryOutcome): Promise<void> {
    await this.redis.multi().set(resultKey(id), JSON.stringify(outcome), 'EX', RESULT_TTL_SECONDS).zrem(PENDING, id).exec();
  }

  /** Takes a delivery off the pending list without an outcome (its record is gone). */
  async forget(id: string): Promise<void> {
    await this.redis.zrem(PENDING, id);
  }

  /** Deliveries still waiting for rule matching, received before `olderThan`. */
  async pending(olderThan: Date, limit = 100): Promise<string[]> {
    return this.redis.zrangebyscore(PENDING, '-inf', `(${olderThan.getTime()}`, 'LIMIT', 0, limit);
  }
}
