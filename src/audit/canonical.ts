import { hash } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json.js';
import type { AuditCheckpoint, AuditEntry, JsonObject, JsonValue } from './types.js';

export { canonicalJson };

/** `details` exactly as it will read back (undefined dropped, NaN as null, key order irrelevant). */
export function normaliseDetails(details: JsonObject | undefined): JsonObject {
  const parsed = JSON.parse(canonicalJson(details ?? {})) as JsonValue;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
}

/** One-shot SHA-256 (no Hash object per call: verify hashes every entry of the range). */
export const sha256Hex = (text: string): string => hash('sha256', text, 'hex');

export const GENESIS_HASH = '0'.repeat(64);

/** Format version in every hashed body, so a future format can coexist with old entries. */
const FORMAT = 1;

/** A member of the hashed body: `,"key":value`, or nothing when the value is undefined (as canonicalJson drops it). */
const member = (key: string, value: unknown): string =>
  value === undefined ? '' : `,"${key}":${canonicalJson(value)}`;

/**
 * The text an entry's hash is taken of: exactly canonicalJson({ v, day, shard, seq, at, type, actor,
 * service, executionId, channel, details, writer, prevHash }), written with the members already in
 * canonical (UTF-16 code unit) key order. Building and sorting that object per entry, then a Hash
 * object per entry, was about half of verify's own CPU per entry (docs/audit.md, "Own CPU per entry").
 * Each value still goes through canonicalJson, so any value (null, a number, nested details)
 * serialises as before; byte equality with the generic form is tested over varied entries in
 * test/audit/canonical-entry.test.ts. The keys are fixed identifiers, so they need no escaping.
 */
export function entryHashInput(entry: Omit<AuditEntry, 'id' | 'hash'>): string {
  const text =
    member('actor', entry.actor) +
    member('at', entry.at) +
    member('channel', entry.channel) +
    member('day', entry.day) +
    member('details', entry.details) +
    member('executionId', entry.executionId) +
    member('prevHash', entry.prevHash) +
    member('seq', entry.seq) +
    member('service', entry.service) +
    member('shard', entry.shard) +
    member('type', entry.type) +
    `,"v":${FORMAT}` +
    member('writer', entry.writer);
  return `{${text.slice(1)}}`;
}

export const entryHash = (entry: Omit<AuditEntry, 'id' | 'hash'>): string => sha256Hex(entryHashInput(entry));

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
