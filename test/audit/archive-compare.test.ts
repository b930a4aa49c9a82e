import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anchorHeads } from '../../src/audit/anchor.js';
import { archiveDay } from '../../src/audit/archive.js';
import { s3ArchiveSource } from '../../src/audit/archive-source.js';
import { dayOf } from '../../src/audit/chain.js';
import { createAuditLog } from '../../src/audit/log.js';
import { createMemoryAuditStore } from '../../src/audit/memory-store.js';
import type { AuditStore } from '../../src/audit/store.js';
import { manualClock } from '../../src/domain/clock.js';
import { fakeArchiveBucket } from './fake-s3.js';

const START = Date.UTC(2026, 10, 20, 8);
const DAY_MS = 86_400_000;
const BUCKET = 'lifeboat-audit-archive';

/** A day of six entries written by two replicas into `store`; `what` varies the content (the "history"). */
async function writeDay(store: AuditStore, what: string, count = 6) {
  const clock = manualClock(START);
  const a = createAuditLog(store, { writerId: 'replica-a', clock, shards: 8 });
  const b = createAuditLog(store, { writerId: 'replica-b', clock, shards: 8 });
  for (let i = 0; i < count; i++) {
    await (i % 2 === 0 ? a : b).append({
      type: 'approval.granted',
      actor: i === 3 ? what : 'U0ALICE',
      service: 'payments',
      details: { requestId: `r${i}` },
    });
    clock.advance(60_000);
  }
  return { audit: a, clock, day: dayOf(START) };
}

describe('verify compares the table with the Object-Locked archive', () => {
  let bucket: ReturnType<typeof fakeArchiveBucket>;
  beforeEach(() => {
    bucket = fakeArchiveBucket();
  });
  afterEach(() => bucket.restore());

  it('reports a whole day rewritten and re-sealed consistently in the table (the table alone verifies)', async () => {
    // Prepare: the real day, archived at 00:10 the next day.
    const { audit, clock, day } = await writeDay(createMemoryAuditStore(), 'U0BOB');
    clock.set(START + DAY_MS);
    await archiveDay(day, { audit, s3: bucket.s3, bucket: BUCKET });
    // The attacker (the bot's own role) rewrites the day: other approver, hashes and seal recomputed.
    const forged = createMemoryAuditStore();
    const rewritten = await writeDay(forged, 'U0MALLORY');
    rewritten.clock.set(START + DAY_MS);
    await rewritten.audit.checkpoint(day);

    // Act
    const alone = await rewritten.audit.verify();
    const compared = await rewritten.audit.verify({
      archive: s3ArchiveSource({ s3: bucket.s3, bucket: BUCKET }),
    });

    // Assert
    expect(alone.ok).toBe(true);
    expect(compared.ok).toBe(false);
    expect(compared.firstBreak?.kind).toBe('archive-mismatch');
    expect(compared.firstBreak?.message).toMatch(/differs from the archived one/);
    expect(compared.archive).toEqual({ days: 1, anchors: 0 });
  });

  it('reports a sealed, archived day whose checkpoint and entries were removed from the table', async () => {
    // Prepare
    const { audit, clock, day } = await writeDay(createMemoryAuditStore(), 'U0BOB');
    clock.set(START + DAY_MS);
    await archiveDay(day, { audit, s3: bucket.s3, bucket: BUCKET });
    const emptied = createAuditLog(createMemoryAuditStore(), { writerId: 'replica-a', clock });

    // Act
    const report = await emptied.verify({ archive: s3ArchiveSource({ s3: bucket.s3, bucket: BUCKET }) });

    // Assert
    expect(report.ok).toBe(false);
    expect(report.firstBreak?.kind).toBe('archive-mismatch');
    expect(report.firstBreak?.message).toMatch(/in the archive but not in the table/);
    // Each chain the archived seal names is reported as cut short.
    expect(report.problems).toBe(3);
    expect(report.days).toEqual([day]);
  });

  it('finds the newest entries of an unsealed day deleted after an hourly anchor', async () => {
    // Prepare: today's chains anchored.
    const { audit, clock, day } = await writeDay(createMemoryAuditStore(), 'U0BOB');
    const results = await anchorHeads({
      audit,
      s3: bucket.s3,
      bucket: BUCKET,
      now: clock.now(),
      writer: 'replica-a',
      objectLock: { mode: 'COMPLIANCE', retainDays: 365 },
    });
    expect(results.find((r) => r.day === day)?.status).toBe('written');
    expect(bucket.objects.size).toBe(1);
    const archive = s3ArchiveSource({ s3: bucket.s3, bucket: BUCKET });
    const intact = await audit.verify({ archive });
    // Everything anchored is still there in the original table.
    expect(intact).toMatchObject({ ok: true, archive: { days: 0, anchors: 1 } });
    // The forged table: the same history without its last two entries (the tail deleted), which the
    // table alone cannot tell: there is nothing after them and no checkpoint yet.
    const { audit: shorter } = await writeDay(createMemoryAuditStore(), 'U0BOB', 4);
    expect((await shorter.verify()).ok).toBe(true);

    // Act
    const report = await shorter.verify({ archive });

    // Assert
    expect(report.ok).toBe(false);
    expect(report.firstBreak?.kind).toBe('anchor-mismatch');
    expect(report.firstBreak?.message).toMatch(/anchored in the archive at .* is not in the table: deleted/);
    expect(report.uncheckpointedDays).toEqual([day]);
  });

  it('anchors are write-once: a second anchor at the same moment by the same writer is reported as existing', async () => {
    // Prepare
    const { audit, clock } = await writeDay(createMemoryAuditStore(), 'U0BOB');
    const options = { audit, s3: bucket.s3, bucket: BUCKET, now: clock.now(), writer: 'replica-a' };

    // Act
    await anchorHeads(options);
    const again = await anchorHeads(options);

    // Assert
    expect(again.map((r) => r.status)).toEqual(['empty', 'exists']);
    expect([...bucket.objects.keys()].filter((k) => k.includes('/anchors/'))).toHaveLength(1);
  });

  it('says what the archive held even when it holds nothing for the range', async () => {
    // Prepare
    const { audit } = await writeDay(createMemoryAuditStore(), 'U0BOB');

    // Act
    const report = await audit.verify({ archive: s3ArchiveSource({ s3: bucket.s3, bucket: BUCKET }) });

    // Assert
    expect(report).toMatchObject({ ok: true, archive: { days: 0, anchors: 0 } });
  });
});

describe('anchors catch a rewrite of an unsealed day', () => {
  it('reports an anchored entry whose content was replaced', async () => {
    const bucket = fakeArchiveBucket();
    try {
      // Prepare
      const { audit, clock, day } = await writeDay(createMemoryAuditStore(), 'U0BOB');
      await anchorHeads({ audit, s3: bucket.s3, bucket: BUCKET, now: clock.now(), writer: 'replica-a' });
      const { audit: rewritten } = await writeDay(createMemoryAuditStore(), 'U0MALLORY');

      // Act
      const report = await rewritten.verify({ archive: s3ArchiveSource({ s3: bucket.s3, bucket: BUCKET }) });

      // Assert
      expect(report.ok).toBe(false);
      expect(report.firstBreak).toMatchObject({ kind: 'anchor-mismatch' });
      expect(report.firstBreak?.message).toMatch(/rewritten after anchoring/);
      expect(report.days).toEqual([day]);
    } finally {
      bucket.restore();
    }
  });
});
