import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json.js';
import type { AuditCheckpoint, AuditEntry, JsonObject, JsonValue } from './types.js';

export { canonicalJson };

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
