import type { Redis } from 'ioredis';
import type { Principal } from '../auth/token-store.js';

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

const STREAM = 'hangar:audit';
/** About a year of a busy fleet; older entries are trimmed. */
const MAX_ENTRIES = 1_000_000;

const SECRET_KEY = /pass(word)?|secret|token|auth|credential/i;

/** Copies a value with anything that looks like a secret replaced, so no caller can log one by accident. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? '[redacted]' : redactSecrets(inner)]));
  }
  return value;
}

/** The audit trail in a Redis stream: append-only, ordered, capped, readable newest first. */
export class AuditLog {
  constructor(private readonly redis: Redis) {}

  async record(principal: Principal, entry: Omit<AuditEntry, 'id' | 'at' | 'actor'>): Promise<void> {
    const body: Omit<AuditEntry, 'id'> = {
      at: new Date().toISOString(),
      actor: { name: principal.name, role: principal.role, tokenId: principal.tokenId },
      ...entry,
      target: redactSecrets(entry.target) as Record<string, unknown>,
    };
    await this.redis.xadd(STREAM, 'MAXLEN', '~', String(MAX_ENTRIES), '*', 'entry', JSON.stringify(body));
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async read({ first, before }: { first: number; before?: string | undefined }): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
    const end = before ? `(${before}` : '+';
    const rows = (await this.redis.xrevrange(STREAM, end, '-', 'COUNT', first + 1)) as [string, string[]][];
    const entries = rows.slice(0, first).map(([id, fields]) => ({ id, ...(JSON.parse(fields[1] ?? '{}') as Omit<AuditEntry, 'id'>) }));
    return { entries, hasMore: rows.length > first };
  }
}
