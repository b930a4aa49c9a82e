import { createHash } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createAlarmAudit } from '../../src/alarms/audit-writer.js';
import { entryItem } from '../../src/audit/dynamo-store.js';
import { createAuditLog } from '../../src/audit/log.js';
import { createMemoryAuditStore } from '../../src/audit/memory-store.js';
import type { AuditStore } from '../../src/audit/store.js';
import type { AuditEventInput, AuditLog } from '../../src/audit/types.js';
import { manualClock } from '../../src/domain/clock.js';

/** An item's size as DynamoDB counts it: attribute names and values (strings as UTF-8, numbers ~their digits). */
const itemBytes = (item: Record<string, unknown>) =>
  Object.entries(item).reduce(
    (n, [name, value]) =>
      n +
      Buffer.byteLength(name) +
      (typeof value === 'string' ? Buffer.byteLength(value) : String(value).length),
    0,
  );

/**
 * In the regional storm the alarm chain took 515 write units in one second (1 per KB): while the log kept
 * up, every notification was its own entry carrying its raw message (issue 19). Time here is a fake that
 * only the test moves, so the per-second figures are exact.
 */
describe('alarm audit write units', () => {
  it('keeps its chain under 500 write units in every second when notifications outrun the budget', async () => {
    // Arrange: a store that notes each write's units at the fake time; the budget sleeps on that time
    let t = 0;
    const sleepers: { until: number; wake: () => void }[] = [];
    const advance = (ms: number) => {
      t += ms;
      for (const s of sleepers.filter((x) => x.until <= t)) {
        sleepers.splice(sleepers.indexOf(s), 1);
        s.wake();
      }
    };
    const writes: { at: number; units: number; count: number }[] = [];
    const inner = createMemoryAuditStore();
    const store: AuditStore = {
      ...inner,
      putEntry: async (entry) => {
        const units = Math.ceil(itemBytes(entryItem(entry)) / 1024);
        writes.push({ at: t, units, count: Number(entry.details.count ?? 1) });
        return inner.putEntry(entry);
      },
    };
    const log = createAuditLog(store, {
      writerId: 'replica-a/alarms',
      clock: manualClock(),
      writeBudget: {
        now: () => t,
        sleep: (ms) => new Promise<void>((wake) => sleepers.push({ until: t + ms, wake })),
      },
    });
    const writer = createAlarmAudit(log, pino({ level: 'silent' }));
    const message = JSON.stringify({ AlarmName: 'x', NewStateReason: 'y'.repeat(3_000) });
    const n = 3_000;

    // Act: 500 notifications a second (1,500 KB a second of raw messages), each after the last was handled
    for (let i = 0; i < n; i++) {
      writer.received({
        messageId: `m-${i}`,
        source: 'sns',
        topicArn: 'arn:aws:sns:us-east-1:123456789012:lifeboat-alarms',
        alarm: `alarm-${i % 2_000}`,
        state: 'ALARM',
        service: `service-${i % 200}`,
        subject: null,
        message,
      });
      for (let k = 0; k < 3; k++) await new Promise((resolve) => setImmediate(resolve));
      advance(2);
    }
    let idle = false;
    const done = writer.idle().then(() => {
      idle = true;
    });
    while (!idle) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      advance(20);
    }
    await done;

    // Assert: every notification is in the trail, and no second holds more than 500 write units
    expect(writes.reduce((sum, w) => sum + w.count, 0)).toBe(n);
    const peak = Math.max(
      ...writes.map((w) =>
        writes.filter((x) => x.at >= w.at && x.at < w.at + 1_000).reduce((s, x) => s + x.units, 0),
      ),
    );
    expect(peak).toBeLessThanOrEqual(500);
    expect(await log.verify()).toMatchObject({ ok: true });
  });
});

describe('alarm audit item size', () => {
  it('keeps a single entry under 200 KB when SNS delivers a 256 KB message, with its size and SHA-256', async () => {
    // Arrange
    const appended: AuditEventInput[] = [];
    const audit = {
      append: async (event: AuditEventInput) => {
        appended.push(event);
        return undefined as never;
      },
    } as unknown as AuditLog;
    const writer = createAlarmAudit(audit, pino({ level: 'silent' }));
    const message = 'é'.repeat(128 * 1024);

    // Act
    writer.received({
      messageId: 'm-big',
      source: 'sns',
      topicArn: null,
      alarm: 'big',
      state: 'ALARM',
      service: null,
      subject: null,
      message,
    });
    await writer.idle();

    // Assert
    const [entry] = appended;
    expect(Buffer.byteLength(JSON.stringify(entry), 'utf8')).toBeLessThan(200 * 1024);
    expect(entry?.details).toMatchObject({
      messageTruncated: true,
      messageBytes: 256 * 1024,
      messageSha256: createHash('sha256').update(message, 'utf8').digest('hex'),
    });
  });
});
