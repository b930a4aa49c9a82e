import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createAlarmAudit } from '../../src/alarms/audit-writer.js';
import type { AuditEventInput, AuditLog } from '../../src/audit/types.js';

/**
 * Under a storm the alarm audit writes one entry per batch of notifications, on one hash chain (one
 * DynamoDB partition key), a few per second. DynamoDB serves at most 1,000 write units per second per
 * partition (1 unit per KB) and items of at most 400 KB; the benchmarks keep a 2x margin (issue 19).
 */
describe('alarm audit batches under a storm', () => {
  it('keeps every batch entry within 64 KB, so a chain stays far under the per-partition write limit', async () => {
    // Arrange: the first append hangs until released, so 500 notifications with long alarm names queue up
    const appended: AuditEventInput[] = [];
    let release: () => void = () => undefined;
    const first = new Promise<void>((resolve) => {
      release = resolve;
    });
    const audit = {
      append: async (event: AuditEventInput) => {
        appended.push(event);
        if (appended.length === 1) await first;
        return undefined as never;
      },
    } as unknown as AuditLog;
    const writer = createAlarmAudit(audit, pino({ level: 'silent' }));
    const name = (i: number) => `regional-outage-${i}-${'x'.repeat(230)}`.slice(0, 255);

    // Act
    writer.event({ type: 'alarm.rejected', actor: 'aws', details: {} });
    for (let i = 0; i < 500; i++)
      writer.received({
        messageId: `5f1c3a2e-0000-4000-8000-${String(i).padStart(12, '0')}`,
        source: 'sns',
        topicArn: 'arn:aws:sns:us-east-1:123456789012:lifeboat-alarms',
        alarm: name(i),
        state: i % 3 === 0 ? 'OK' : 'ALARM',
        service: `service-with-a-long-name-${i % 200}`,
        subject: null,
        message: '{}',
      });
    release();
    await writer.idle();

    // Assert: every notification is in an entry, and no entry is over 64 KB
    const batches = appended.slice(1);
    const counted = batches.reduce((n, e) => n + Number((e.details as { count?: number }).count ?? 1), 0);
    expect(counted).toBe(500);
    for (const e of batches)
      expect(Buffer.byteLength(JSON.stringify(e), 'utf8')).toBeLessThanOrEqual(64 * 1024);
  });
});
