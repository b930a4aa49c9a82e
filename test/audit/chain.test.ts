import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf } from '../../src/audit/chain.js';
import { createDynamoAuditStore } from '../../src/audit/dynamo-store.js';
import { createAuditLog } from '../../src/audit/log.js';
import type { AuditLog } from '../../src/audit/types.js';
import { manualClock } from '../../src/domain/clock.js';
import { rewriteAsV1, startTestTable, type TestTable, tamper } from './helpers.js';

const DAY_MS = 86_400_000;
let table: TestTable;
let counter = 0;

beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.close();
});

/** A log on its own day (each test gets a fresh day far apart) so tests do not see each other's chains. */
/** Items as written today (v2: the entry as JSON text) and as written before 2026-12-07 (v1: a field per attribute). */
const FORMATS = [
  { name: 'v2 items', format: 'v2' },
  { name: 'v1 items (older tables)', format: 'v1' },
] as const;

async function logWithEntries(count: number, options: { shards?: number; format?: 'v1' | 'v2' } = {}) {
  const clock = manualClock(Date.UTC(2030, 0, 1 + 10 * counter++, 9, 0, 0));
  const log = createAuditLog(createDynamoAuditStore(table.client, table.tableName), {
    writerId: 'replica-a',
    clock,
    shards: options.shards ?? 1,
  });
  for (let i = 0; i < count; i++) {
    await log.append({
      type: 'command',
      actor: 'U0ALICE',
      service: 'payments',
      details: { text: `status ${i}` },
    });
    clock.advance(1_000);
  }
  const day = dayOf(clock.now());
  if (options.format === 'v1')
    for (let shard = 0; shard < (options.shards ?? 1); shard++) await rewriteAsV1(table, day, shard);
  const range = { since: Date.parse(`${day}T00:00:00Z`), until: Date.parse(`${day}T00:00:00Z`) + DAY_MS };
  return { log, clock, day, range };
}

async function sealDay(log: AuditLog, clock: ReturnType<typeof manualClock>, day: string) {
  clock.set(Date.parse(`${day}T00:00:00Z`) + DAY_MS + 10 * 60_000);
  return log.checkpoint(day);
}

describe.each(FORMATS)('audit hash chain, $name', ({ format }) => {
  it('links each entry to the previous one and verifies clean', async () => {
    // Prepare / Act
    const { log, day, range } = await logWithEntries(5, { format });
    const entries = [];
    for await (const e of log.query(range)) entries.push(e);

    // Assert
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]?.prevHash).toBe('0'.repeat(64));
    expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
    const report = await log.verify(range);
    expect(report).toMatchObject({ ok: true, days: [day], entries: 5, problems: 0 });
  });

  it('detects a modified entry as a hash mismatch', async () => {
    // Prepare
    const { log, day, range } = await logWithEntries(5, { format });
    await tamper(table).edit(day, 0, 3, (record) => ({ ...record, actor: 'U0MALLORY' }));

    // Act
    const report = await log.verify(range);

    // Assert
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ kind: 'hash-mismatch', entryId: `${day}/0/3` });
  });

  it('detects a modified entry whose hash was recomputed as a broken link', async () => {
    // Prepare: the attacker rewrites entry 3 consistently with its own hash; entry 4 still points at the old one.
    const { log, day, range } = await logWithEntries(5, { format });
    const { entryHash } = await import('../../src/audit/canonical.js');
    const { parseEntry } = await import('../../src/audit/store.js');
    await tamper(table).edit(day, 0, 3, (record) => {
      const forged = {
        ...(parseEntry(record) as Exclude<ReturnType<typeof parseEntry>, string>),
        actor: 'U0MALLORY',
      };
      return { ...record, actor: 'U0MALLORY', hash: entryHash(forged) };
    });

    // Act
    const report = await log.verify(range);

    // Assert
    expect(report.firstBreak).toMatchObject({ kind: 'prev-hash-mismatch', entryId: `${day}/0/4` });
  });

  it('detects a deleted entry as a missing sequence number', async () => {
    // Prepare
    const { log, day, range } = await logWithEntries(5, { format });
    await tamper(table).remove(day, 0, 3);

    // Act
    const report = await log.verify(range);

    // Assert
    expect(report.firstBreak).toMatchObject({ kind: 'missing-sequence', entryId: `${day}/0/3` });
  });

  it('detects two swapped entries', async () => {
    // Prepare
    const { log, day, range } = await logWithEntries(5, { format });
    const t = tamper(table);
    const three = await t.read(day, 0, 3);
    const four = await t.read(day, 0, 4);
    await t.write({ ...four, pk: three.pk, sk: three.sk });
    await t.write({ ...three, pk: four.pk, sk: four.sk });

    // Act
    const report = await log.verify(range);

    // Assert
    expect(report.firstBreak).toMatchObject({ kind: 'position-mismatch', entryId: `${day}/0/3` });
  });

  it('detects a truncated tail once the day is sealed by a checkpoint', async () => {
    // Prepare
    const { log, clock, day, range } = await logWithEntries(5, { format });
    const checkpoint = await sealDay(log, clock, day);
    await tamper(table).remove(day, 0, 5);

    // Act
    const report = await log.verify(range);

    // Assert
    expect(checkpoint.chains).toEqual([expect.objectContaining({ shard: 0, seq: 5 })]);
    expect(report.firstBreak).toMatchObject({ kind: 'checkpoint-mismatch', entryId: `${day}/0/5` });
  });

  it('cannot detect a truncated tail of a day that has no checkpoint yet (documented limit)', async () => {
    // Prepare
    const { log, day, range } = await logWithEntries(5, { format });
    await tamper(table).remove(day, 0, 5);

    // Act
    const report = await log.verify(range);

    // Assert
    expect(report.ok).toBe(true);
    expect(report.uncheckpointedDays).toEqual([day]);
  });

  it('detects a removed checkpoint through the next checkpoint link', async () => {
    // Prepare: three sealed days, then the middle seal is removed.
    const { log, clock, day } = await logWithEntries(2, { format });
    const days = [day];
    await sealDay(log, clock, day);
    for (let i = 0; i < 2; i++) {
      await log.append({ type: 'command', actor: 'U0ALICE' });
      const current = dayOf(clock.now());
      days.push(current);
      await sealDay(log, clock, current);
    }
    await tamper(table).removeCheckpoint(days[1] as string);

    // Act
    const report = await log.verify({
      since: Date.parse(`${days[0]}T00:00:00Z`),
      until: Date.parse(`${days[2]}T00:00:00Z`) + DAY_MS,
    });

    // Assert
    expect(report.firstBreak).toMatchObject({ kind: 'checkpoint-mismatch', chain: `checkpoint/${days[2]}` });
  });

  it('refuses to seal a day before it is over, and returns the existing checkpoint when sealed twice', async () => {
    // Prepare
    const { log, clock, day } = await logWithEntries(1, { format });

    // Act / Assert
    await expect(log.checkpoint(day)).rejects.toMatchObject({ code: 'day_open' });
    const first = await sealDay(log, clock, day);
    expect(await log.checkpoint(day)).toEqual(first);
  });

  it('recovers from a lost sequence number by reading the head and retrying', async () => {
    // Prepare: two replicas on the same (single) shard with stale views of the head.
    const clock = manualClock(Date.UTC(2031, 5, format === 'v1' ? 2 : 1, 12));
    const store = createDynamoAuditStore(table.client, table.tableName);
    const a = createAuditLog(store, { writerId: 'a', clock, shards: 1 });
    const b = createAuditLog(store, { writerId: 'b', clock, shards: 1 });
    await a.append({ type: 'command', actor: 'U1' });
    await b.append({ type: 'command', actor: 'U2' });

    // Act: a still believes the head is seq 1.
    const third = await a.append({ type: 'command', actor: 'U3' });

    // Assert
    expect(third.seq).toBe(3);
    const day = dayOf(clock.now());
    expect(
      (
        await a.verify({
          since: Date.parse(`${day}T00:00:00Z`),
          until: Date.parse(`${day}T00:00:00Z`) + DAY_MS,
        })
      ).ok,
    ).toBe(true);
  });
});

describe('audit ranges', () => {
  it('returns nothing for an empty or inverted range instead of failing', async () => {
    // Prepare
    const { log, range } = await logWithEntries(2);
    const entries = [];

    // Act
    for await (const e of log.query({ since: range.until, until: range.since })) entries.push(e);
    const report = await log.verify({ since: range.until, until: range.since });

    // Assert
    expect(entries).toEqual([]);
    expect(report).toMatchObject({ ok: true, days: [], entries: 0 });
  });
});
