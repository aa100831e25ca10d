import { redactDeep, redactText } from '@hangar/core';
import type { Redis } from 'ioredis';
import type { Principal } from '../auth/token-store.js';
import { NEXT_STREAM_ID_LUA } from '../redis/stream-id.js';

/** One recorded call: who did what, where, and how it ended. Never holds a secret. */
export interface AuditEntry {
  id: string;
  at: string;
  actor: { name: string; role: string; tokenId: string };
  /** The operation, e.g. `removeImages`, `exportImages`. */
  action: string;
  hosts: string[];
  /** What the call was about: references, filters, container names. */
  target: Record<string, unknown>;
  outcome: 'ok' | 'partial' | 'failed' | 'dry-run';
  /** A short summary of the result or the error. */
  detail: string | undefined;
}

/** Calls that did something (ok, partial, dry-run): about a year of a busy fleet; older entries are trimmed. */
const STREAM = 'hangar:audit';
/**
 * Calls that failed (refused, invalid, or failing): their own stream with their own cap, so a token flooding
 * refused requests (a viewer naming unknown hosts) can never push real entries out. Both are listed together.
 */
const FAILED_STREAM = 'hangar:audit:failed';
/** How many failed calls there were, per action (the failed stream keeps only the latest). */
const FAILED_COUNTS = 'hangar:audit:failed-count';
/** The last ID given out by either stream: IDs (the list's cursors) never collide across the two. */
const LAST_ID = 'hangar:audit:last-id';
export const MAX_ENTRIES = 1_000_000;
export const MAX_FAILED_ENTRIES = 100_000;

/** Bounds of one entry: each string, each list, the target as JSON. Longer values are cut (and say so). */
export const AUDIT_LIMITS = { maxString: 1024, maxList: 100, maxTargetBytes: 8 * 1024, maxDepth: 6 } as const;

const SECRET_KEY = /pass(word)?|secret|token|auth|credential/i;

/** Copies a value with anything that looks like a secret replaced, so no caller can log one by accident. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? '[redacted]' : redactSecrets(inner)]));
  }
  return value;
}

/** A string cut to `max` characters (whole code points), saying how much was cut. */
function cut(text: string, max: number = AUDIT_LIMITS.maxString): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}… (${chars.length - max} more characters)`;
}

/** A value with every string, list and nesting level bounded (AUDIT_LIMITS). */
export function boundValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cut(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= AUDIT_LIMITS.maxDepth) return '[nested too deep]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, AUDIT_LIMITS.maxList).map((inner) => boundValue(inner, depth + 1));
    return value.length > AUDIT_LIMITS.maxList ? [...kept, `… (${value.length - AUDIT_LIMITS.maxList} more)`] : kept;
  }
  const entries = Object.entries(value);
  const kept = entries.slice(0, AUDIT_LIMITS.maxList).map(([key, inner]) => [cut(key, 128), boundValue(inner, depth + 1)]);
  if (entries.length > AUDIT_LIMITS.maxList) kept.push(['…', `${entries.length - AUDIT_LIMITS.maxList} more keys`]);
  return Object.fromEntries(kept);
}

/** The target as stored: secrets redacted (by key and in text), bounded, at most maxTargetBytes of JSON. */
export function boundTarget(target: Record<string, unknown>): Record<string, unknown> {
  const bounded = boundValue(redactDeep(redactSecrets(target))) as Record<string, unknown>;
  const json = JSON.stringify(bounded);
  if (Buffer.byteLength(json) <= AUDIT_LIMITS.maxTargetBytes) return bounded;
  return { truncated: true, json: cut(json, AUDIT_LIMITS.maxTargetBytes / 4) };
}

/** Lua: the next ID after the last given out by either stream (KEYS[1] the stream written, KEYS[2] LAST_ID). */
const ADD_SCRIPT = `${NEXT_STREAM_ID_LUA}
local id = next_id(KEYS[2], KEYS[1])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], id, 'entry', ARGV[2])
if KEYS[3] then redis.call('HINCRBY', KEYS[3], ARGV[3], 1) end
return id
`;

/** Orders stream IDs (`ms-seq`) by time. */
function compareStreamIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  return am === bm ? (as === bs ? 0 : as < bs ? -1 : 1) : am < bm ? -1 : 1;
}

/**
 * The audit trail in Redis streams: append-only, ordered, capped, readable newest first. Every entry is redacted
 * (secret-looking keys, URL credentials, Authorization values) and bounded in size; failed calls are kept apart
 * (their own cap) so that no flood of refused requests can evict what was done.
 */
export class AuditLog {
  constructor(
    private readonly redis: Redis,
    private readonly limits: { maxEntries: number; maxFailed: number } = { maxEntries: MAX_ENTRIES, maxFailed: MAX_FAILED_ENTRIES },
  ) {}

  async record(principal: Principal, entry: Omit<AuditEntry, 'id' | 'at' | 'actor'>): Promise<void> {
    const body: Omit<AuditEntry, 'id'> = {
      at: new Date().toISOString(),
      actor: { name: cut(principal.name, 256), role: principal.role, tokenId: principal.tokenId },
      action: cut(entry.action, 128),
      hosts: (boundValue(entry.hosts) as string[]) ?? [],
      target: boundTarget(entry.target ?? {}),
      outcome: entry.outcome,
      detail: entry.detail === undefined ? undefined : cut(redactText(entry.detail)),
    };
    const failed = entry.outcome === 'failed';
    const keys = failed ? [FAILED_STREAM, LAST_ID, FAILED_COUNTS] : [STREAM, LAST_ID];
    await this.redis.eval(ADD_SCRIPT, keys.length, ...keys, String(failed ? this.limits.maxFailed : this.limits.maxEntries), JSON.stringify(body), body.action);
  }

  /** Newest first, both streams merged; `before` is the id of the last entry of the previous page. */
  async read({ first, before }: { first: number; before?: string | undefined }): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
    const end = before ? `(${before}` : '+';
    const [done, failed] = (await Promise.all([
      this.redis.xrevrange(STREAM, end, '-', 'COUNT', first + 1),
      this.redis.xrevrange(FAILED_STREAM, end, '-', 'COUNT', first + 1),
    ])) as [string, string[]][][];
    const rows = [...done!, ...failed!].sort(([a], [b]) => compareStreamIds(b, a));
    const entries = rows.slice(0, first).map(([id, fields]) => ({ id, ...(JSON.parse(fields[1] ?? '{}') as Omit<AuditEntry, 'id'>) }));
    return { entries, hasMore: rows.length > first };
  }

  /** How many failed calls were recorded, per action, since the start (the failed list keeps only the latest). */
  async failedCounts(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(FAILED_COUNTS);
    return Object.fromEntries(Object.entries(raw).map(([action, count]) => [action, Number(count)]));
  }
}
