import { createHash } from 'node:crypto';
import { checkpointHash, entryHash, GENESIS_HASH, normaliseDetails } from './canonical.js';
import type { AuditCheckpoint, AuditEntry, AuditEventInput, ChainHead } from './types.js';

/** Pure chain arithmetic: where an entry goes and what it must contain. */

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const DAY_MS = 86_400_000;

export const isDay = (text: string): boolean =>
  DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));

/** UTC day (YYYY-MM-DD) of an epoch-ms time. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const dayStart = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);

/** Every UTC day from the day of `since` to the day of `until - 1` (until exclusive), in order. */
export function daysBetween(since: number, until: number): string[] {
  const days: string[] = [];
  for (let t = dayStart(dayOf(since)); t < until; t += DAY_MS) days.push(dayOf(t));
  return days;
}

/** The shard a writer appends to: stable per writer, spread over `shards` chains per day. */
export function shardOf(writerId: string, shards: number): number {
  return createHash('sha256').update(writerId).digest().readUInt32BE(0) % shards;
}

export const chainName = (day: string, shard: number): string => `${day}/${shard}`;
export const entryId = (day: string, shard: number, seq: number): string => `${day}/${shard}/${seq}`;

/** What an append knows of its chain before writing: the current head, if any. */
export interface ChainTip {
  readonly seq: number;
  readonly hash: string;
  readonly at: string;
}

/**
 * The entry that follows `tip` in chain (day, shard). Its time is the clock's, raised to the tip's
 * time if a replica's clock is behind, so time order within a chain equals sequence order.
 */
export function nextEntry(
  tip: ChainTip | undefined,
  event: AuditEventInput,
  where: { readonly day: string; readonly shard: number; readonly now: number; readonly writer: string },
): AuditEntry {
  const clockAt = new Date(where.now).toISOString();
  const at = tip && tip.at > clockAt ? tip.at : clockAt;
  const seq = (tip?.seq ?? 0) + 1;
  const body = {
    day: where.day,
    shard: where.shard,
    seq,
    at,
    type: event.type,
    actor: event.actor,
    ...(event.service !== undefined ? { service: event.service } : {}),
    ...(event.executionId !== undefined ? { executionId: event.executionId } : {}),
    ...(event.channel !== undefined ? { channel: event.channel } : {}),
    details: normaliseDetails(event.details),
    writer: where.writer,
    prevHash: tip?.hash ?? GENESIS_HASH,
  };
  return { id: entryId(where.day, where.shard, seq), ...body, hash: entryHash(body) };
}

export function buildCheckpoint(
  day: string,
  heads: readonly ChainHead[],
  previous: AuditCheckpoint | undefined,
  where: { readonly now: number; readonly writer: string },
): AuditCheckpoint {
  const chains = [...heads].sort((a, b) => a.shard - b.shard);
  const body = {
    day,
    chains,
    entries: chains.reduce((sum, c) => sum + c.seq, 0),
    at: new Date(where.now).toISOString(),
    writer: where.writer,
    prevDay: previous?.day ?? null,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...body, hash: checkpointHash(body) };
}
