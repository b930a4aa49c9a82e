import { type ChainTip, entryId } from './chain.js';
import {
  AUDIT_EVENT_TYPES,
  type AuditCheckpoint,
  type AuditEntry,
  type AuditEventType,
  type ChainHead,
  type JsonObject,
} from './types.js';
import type { StoredAt } from './verify.js';

/**
 * The storage port under the audit log: only conditional puts and reads, so it maps onto one
 * DynamoDB table (dynamo-store.ts) or memory (memory-store.ts). There is no update and no delete.
 */
export interface AuditStore {
  /** Writes the entry at (day, shard, seq) only if that position is free; false when it is taken. */
  putEntry(entry: AuditEntry): Promise<boolean>;
  /** The hash stored at a position, if any (to recognise our own write after a retried request). */
  hashAt(day: string, shard: number, seq: number): Promise<string | undefined>;
  /** The newest entry of a chain as (seq, hash, at), read consistently. */
  head(day: string, shard: number): Promise<ChainTip | undefined>;
  /** A chain's items in sequence order, page by page; `filter` is applied by the store when it can. */
  readChain(day: string, shard: number, filter?: ChainFilter): AsyncIterable<StoredItem>;
  /** Records that chain (day, shard) exists; idempotent. */
  markChain(day: string, shard: number): Promise<void>;
  /** Known chains whose day is within [fromDay, toDay] (both optional), in day order. */
  listChains(fromDay?: string, toDay?: string): Promise<{ day: string; shard: number }[]>;
  /** Writes a checkpoint only if the day has none; false when one exists. */
  putCheckpoint(checkpoint: AuditCheckpoint): Promise<boolean>;
  /** Checkpoints whose day is within [fromDay, toDay] (both optional), in day order. */
  readCheckpoints(fromDay?: string, toDay?: string): AsyncIterable<StoredCheckpoint>;
  /** The newest checkpoint strictly before `day` (or the newest of all without a day). */
  checkpointBefore(day?: string): Promise<AuditCheckpoint | undefined>;
}

export interface ChainFilter {
  /** Inclusive ISO lower bound on `at`. */
  readonly since?: string;
  /** Exclusive ISO upper bound on `at`. */
  readonly until?: string;
  readonly service?: string;
}

export type StoredItem =
  | { readonly at: StoredAt; readonly entry: AuditEntry }
  | { readonly at: StoredAt; readonly problem: string };

export type StoredCheckpoint =
  | { readonly day: string; readonly checkpoint: AuditCheckpoint }
  | { readonly day: string; readonly problem: string };

const EVENT_TYPES: ReadonlySet<string> = new Set(AUDIT_EVENT_TYPES);
const HASH = /^[0-9a-f]{64}$/;

const str = (v: unknown): v is string => typeof v === 'string';
const int = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const optStr = (v: unknown) => v === undefined || v === null || typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads a stored or archived record as an entry. `details` may be a JSON string (table) or an
 * object (archive). Returns a reason when the record is not a well-formed entry.
 */
export function parseEntry(record: Record<string, unknown>): AuditEntry | string {
  const { day, shard, seq, at, type, actor, service, executionId, channel, writer, prevHash, hash } = record;
  let details = record.details;
  if (str(details)) {
    try {
      details = JSON.parse(details);
    } catch {
      return 'details is not valid JSON';
    }
  }
  if (!str(day) || !int(shard) || !int(seq)) return 'missing day, shard or seq';
  if (!str(at) || !str(type) || !EVENT_TYPES.has(type) || !str(actor) || !str(writer))
    return 'missing at, type, actor or writer';
  if (!optStr(service) || !optStr(executionId) || !optStr(channel) || !isObject(details))
    return 'malformed optional fields';
  if (!str(prevHash) || !HASH.test(prevHash) || !str(hash) || !HASH.test(hash))
    return 'missing or malformed hashes';
  return {
    id: entryId(day, shard, seq),
    day,
    shard,
    seq,
    at,
    type: type as AuditEventType,
    actor,
    ...(str(service) ? { service } : {}),
    ...(str(executionId) ? { executionId } : {}),
    ...(str(channel) ? { channel } : {}),
    details: details as JsonObject,
    writer,
    prevHash,
    hash,
  };
}

export function parseCheckpoint(record: Record<string, unknown>): AuditCheckpoint | string {
  const { day, chains, entries, at, writer, prevDay, prevHash, hash } = record;
  if (!str(day) || !int(entries) || !str(at) || !str(writer)) return 'missing day, entries, at or writer';
  if (!(prevDay === null || str(prevDay)) || !str(prevHash) || !str(hash)) return 'missing links';
  if (!Array.isArray(chains)) return 'missing chains';
  const heads: ChainHead[] = [];
  for (const c of chains) {
    if (!isObject(c) || !int(c.shard) || !int(c.seq) || !str(c.hash)) return 'malformed chain head';
    heads.push({ shard: c.shard, seq: c.seq, hash: c.hash });
  }
  return { day, chains: heads, entries, at, writer, prevDay: prevDay ?? null, prevHash, hash };
}
