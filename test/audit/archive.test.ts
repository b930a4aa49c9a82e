import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { archiveDay } from '../../src/audit/archive.js';
import { dayOf } from '../../src/audit/chain.js';
import { createAuditLog } from '../../src/audit/log.js';
import { createMemoryAuditStore } from '../../src/audit/memory-store.js';
import { verifyArchive } from '../../src/audit/verify-archive.js';
import { manualClock } from '../../src/domain/clock.js';

const s3Mock = mockClient(S3Client);
const DAY_MS = 86_400_000;

async function text(body: unknown): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function dayOfEntries() {
  const clock = manualClock(Date.UTC(2026, 10, 20, 8));
  const store = createMemoryAuditStore();
  const a = createAuditLog(store, { writerId: 'replica-a', clock, shards: 8 });
  const b = createAuditLog(store, { writerId: 'replica-b', clock, shards: 8 });
  for (let i = 0; i < 6; i++) {
    await (i % 2 === 0 ? a : b).append({
      type: 'step.outcome',
      actor: 'lifeboat',
      service: 'payments',
      details: { i },
    });
    clock.advance(60_000);
  }
  const day = dayOf(clock.now());
  clock.set(Date.parse(`${day}T00:00:00Z`) + DAY_MS + 3_600_000);
  return { audit: a, day, clock };
}

describe('archiveDay', () => {
  let bodies: string[];
  beforeEach(() => {
    s3Mock.reset();
    bodies = [];
    s3Mock.on(PutObjectCommand).callsFake(async (input: { Body: unknown }) => {
      bodies.push(await text(input.Body));
      return { VersionId: 'v1' };
    });
  });

  it('writes the day as JSON Lines with its checkpoint, a SHA-256 checksum and Object Lock retention', async () => {
    // Prepare
    const { audit, day } = await dayOfEntries();

    // Act
    const result = await archiveDay(day, {
      audit,
      s3: new S3Client({ region: 'us-east-1' }),
      bucket: 'audit-archive',
      objectLock: { mode: 'COMPLIANCE', retainDays: 365 },
    });

    // Assert
    const input = s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
    const body = bodies[0] ?? '';
    expect(input).toMatchObject({
      Bucket: 'audit-archive',
      Key: `lifeboat/audit/${day}.jsonl`,
      IfNoneMatch: '*',
      ContentLength: Buffer.byteLength(body),
      ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: new Date(Date.parse(`${day}T00:00:00Z`) + 366 * DAY_MS),
    });
    expect(result).toMatchObject({ status: 'written', entries: 6, versionId: 'v1' });
    const lines = body.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(JSON.parse(lines[6] ?? '{}')).toMatchObject({ record: 'checkpoint', day, entries: 6 });
    expect(await verifyArchive(lines)).toMatchObject({
      ok: true,
      entries: 6,
      checkpoints: 1,
      uncheckpointedDays: [],
    });
    const archived = [];
    for await (const e of audit.query()) if (e.type === 'audit.archived') archived.push(e);
    expect(archived[0]?.details).toMatchObject({
      day,
      key: `lifeboat/audit/${day}.jsonl`,
      status: 'written',
    });
  });

  it('reports an existing object instead of overwriting it', async () => {
    // Prepare
    const { audit, day } = await dayOfEntries();
    s3Mock.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
        message: 'At least one of the pre-conditions you specified did not hold',
      }),
    );

    // Act
    const result = await archiveDay(day, {
      audit,
      s3: new S3Client({ region: 'us-east-1' }),
      bucket: 'audit-archive',
    });

    // Assert
    expect(result.status).toBe('exists');
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.ObjectLockMode).toBeUndefined();
  });

  it('refuses to archive a day that is not over yet', async () => {
    // Prepare
    const { audit, clock } = await dayOfEntries();

    // Act / Assert
    await expect(
      archiveDay(dayOf(clock.now()), { audit, s3: new S3Client({ region: 'us-east-1' }), bucket: 'b' }),
    ).rejects.toMatchObject({ code: 'day_open' });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('verifyArchive', () => {
  async function archiveLines(): Promise<string[]> {
    s3Mock.reset();
    let body = '';
    s3Mock.on(PutObjectCommand).callsFake(async (input: { Body: unknown }) => {
      body = await text(input.Body);
      return {};
    });
    const { audit, day } = await dayOfEntries();
    await archiveDay(day, { audit, s3: new S3Client({ region: 'us-east-1' }), bucket: 'b' });
    return body.trimEnd().split('\n');
  }

  it('finds a modified line', async () => {
    // Prepare
    const lines = await archiveLines();
    const entry = JSON.parse(lines[2] ?? '{}') as { id: string };
    lines[2] = JSON.stringify({ ...entry, actor: 'U0MALLORY' });

    // Act
    const report = await verifyArchive(lines);

    // Assert
    expect(report.firstBreak).toMatchObject({ kind: 'hash-mismatch', entryId: entry.id });
  });

  it('finds a removed line through the checkpoint', async () => {
    // Prepare: drop the last entry line before the checkpoint.
    const lines = await archiveLines();
    const removed = JSON.parse(lines[5] ?? '{}') as { id: string };
    lines.splice(5, 1);

    // Act
    const report = await verifyArchive(lines);

    // Assert
    expect(report.firstBreak?.kind).toBe('checkpoint-mismatch');
    expect(report.firstBreak?.entryId).toBe(removed.id);
  });

  it('reports a line that is not JSON', async () => {
    // Prepare
    const lines = await archiveLines();
    lines.splice(1, 0, 'not json');

    // Act
    const report = await verifyArchive(lines);

    // Assert
    expect(report.ok).toBe(false);
    expect(report.problems).toBeGreaterThanOrEqual(1);
    expect(report.firstBreak?.message).toContain('line 2 is not JSON');
  });
});
