import { createHash } from 'node:crypto';
import type { AuditCheckpoint, AuditEntry, JsonObject, JsonValue } from './types.js';

/**
 * Canonical JSON, the input of every audit hash: object keys sorted by UTF-16 code unit at every
 * depth, undefined members dropped, no whitespace, strings and numbers as JSON.stringify writes them.
 * Owned here (not shared with the plan loader) so the hash format only changes on purpose.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `details` exactly as it will read back (undefined dropped, NaN as null, key order irrelevant). */
export function normaliseDetails(details: JsonObject | undefined): JsonObject {
  const parsed = JSON.parse(canonicalJson(details ?? {})) as JsonValue;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export const GENESIS_HASH = '0'.repeat(64);

/** Format version in every hashed body, so a future format can coexist with old entries. */
const FORMAT = 1;

export function entryHash(entry: Omit<AuditEntry, 'id' | 'hash'>): string {
  return sha256Hex(
    canonicalJson({
      v: FORMAT,
      day: entry.day,
      shard: entry.shard,
      seq: entry.seq,
      at: entry.at,
      type: entry.type,
      actor: entry.actor,
      service: entry.service,
      executionId: entry.executionId,
      channel: entry.channel,
      details: entry.details,
      writer: entry.writer,
      prevHash: entry.prevHash,
    }),
  );
}

export function checkpointHash(checkpoint: Omit<AuditCheckpoint, 'hash'>): string {
  return sha256Hex(
    canonicalJson({
      v: FORMAT,
      kind: 'checkpoint',
      day: checkpoint.day,
      chains: checkpoint.chains.map((c) => ({ shard: c.shard, seq: c.seq, hash: c.hash })),
      entries: checkpoint.entries,
      at: checkpoint.at,
      writer: checkpoint.writer,
      prevDay: checkpoint.prevDay,
      prevHash: checkpoint.prevHash,
    }),
  );
}
