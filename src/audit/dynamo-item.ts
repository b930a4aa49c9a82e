import type { Decoded } from './dynamo-read.js';
import type { AuditEntry } from './types.js';

/**
 * How an audit entry is stored as a DynamoDB item. Two formats, both read:
 *
 * - **v2** (written since 2026-12-07): the keys and `e`, the entry's fields (all but `id`) as one JSON
 *   text. The database then handles three attributes per entry instead of fourteen: dynalite's CPU per
 *   entry read fell from ~20 to ~11-13 µs, the SDK's from ~13 to ~6-8 µs (docs/audit.md, "Item format").
 * - **v1** (older items): every field its own attribute, `details` as JSON text.
 *
 * Reading never repairs: a v2 item with any other attribute is unreadable, and `parseEntry()` checks the
 * record exactly as it checks a v1 item.
 */

/** The partition of a chain's entries (the audit log's other keys are in dynamo-store.ts). */
export const chainPartition = (day: string, shard: number): string => `AUDIT#CHAIN#${day}#${shard}`;

/** The keys of an entry's item. */
export const entryKey = (day: string, shard: number, seq: number) => ({
  pk: chainPartition(day, shard),
  sk: `SEQ#${String(seq).padStart(12, '0')}`,
});

/** The item written for an entry (v2). */
export function entryItem(entry: AuditEntry): Record<string, string> {
  const { id: _id, ...fields } = entry;
  return { ...entryKey(entry.day, entry.shard, entry.seq), e: JSON.stringify(fields) };
}

const V2_ATTRIBUTES: ReadonlySet<string> = new Set(['pk', 'sk', 'e']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The record `parseEntry()` reads from a stored item of either format, or why it cannot be read. A v1 item
 * is its own record (as before); a v2 item is its `e` text, parsed.
 */
export function entryRecord(item: Readonly<Record<string, Decoded>>): Record<string, unknown> | string {
  if (item.e === undefined) return item;
  for (const name of Object.keys(item))
    if (!V2_ATTRIBUTES.has(name)) return `unexpected attribute ${name.slice(0, 40)} in a v2 item`;
  if (typeof item.e !== 'string') return 'e is not text';
  let record: unknown;
  try {
    record = JSON.parse(item.e);
  } catch {
    return 'e is not valid JSON';
  }
  return isRecord(record) ? record : 'e is not an object';
}

/** The entry hash an item of either format holds, if it can be read (a chain's head, the tamper watch). */
export function itemHash(item: Readonly<Record<string, Decoded>>): string | undefined {
  const record = entryRecord(item);
  return typeof record !== 'string' && typeof record.hash === 'string' ? record.hash : undefined;
}
