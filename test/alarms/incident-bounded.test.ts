import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlarmMessage } from '../../src/alarms/cloudwatch.js';
import { applyNotices, type Notice, openIncident } from '../../src/alarms/incident-state.js';
import type { AlarmSystem } from '../../src/alarms/system.js';
import { alarmCounts } from '../../src/domain/incident-summary.js';
import type { IncidentRecord } from '../../src/domain/records.js';
import { metricAlarm } from './fixtures.js';
import { type Harness, startHarness, TOPIC } from './harness.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
// CloudWatch alarm names may be 255 characters long; take long ones.
const name = (i: number) => `payments-bulk-${i}-${'x'.repeat(180)}`;
const notice = (id: string, alarm: string, state: 'ALARM' | 'OK', at: number): Notice => ({
  id,
  event: parseAlarmMessage(metricAlarm(alarm, state, at)),
});
/** DynamoDB's item limit is 400 KB of attribute names and values; JSON is a close upper estimate. */
const itemBytes = (record: IncidentRecord) => Buffer.byteLength(JSON.stringify(record));

/** Issue 21: incidents grew without bound; past a few hundred alarms the item exceeded 400 KB. */
describe('bounded incident record', () => {
  it('2,000 distinct alarms stay far below 400 KB, are all counted, and resolve only when every one is OK', () => {
    let incident = openIncident({
      id: 'inc-1',
      service: 'payments',
      channel: 'C0PAYMENTS',
      unrouted: false,
      first: notice('n-0', name(0), 'ALARM', T0),
    });
    for (let batch = 0; batch < 20; batch++) {
      const notices = Array.from({ length: 100 }, (_, j) => {
        const i = batch * 100 + j;
        return notice(`a-${i}`, name(i), 'ALARM', T0 + i * 1000);
      }).filter((n) => n.id !== 'a-0');
      incident = applyNotices(incident, notices).next;
    }
    expect(itemBytes(incident)).toBeLessThan(300_000);
    expect(alarmCounts(incident)).toMatchObject({ total: 2_000, byState: { ALARM: 2_000, OK: 0 } });

    // All but the last go OK: still open; the last OK resolves it.
    const late = T0 + 10_000_000;
    const oks = Array.from({ length: 1_999 }, (_, i) => notice(`o-${i}`, name(i), 'OK', late + i));
    const applied = applyNotices(incident, oks);
    expect(applied.resolved).toBe(false);
    expect(alarmCounts(applied.next).byState).toMatchObject({ ALARM: 1, OK: 1_999 });
    const last = applyNotices(applied.next, [notice('o-last', name(1_999), 'OK', late + 5_000)]);
    expect(last.resolved).toBe(true);
    expect(last.transitions.map((t) => t.to)).toEqual(['OK']);
  });
});

describe('2,000 distinct alarms on one service, against the emulator and embedded DynamoDB', () => {
  let h: Harness;
  let system: AlarmSystem;
  beforeAll(async () => {
    h = await startHarness();
    system = h.system({ options: { batchSize: 100, batchGapMs: 100 } });
    await system.start();
  });
  afterAll(() => h.close());

  it('keeps the thread updating: every notification applied, the card counts all 2,000', async () => {
    for (let i = 0; i < 2_000; i += 100)
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          system.ingest({
            id: `bulk-${i + j}`,
            source: 'sns-http',
            topicArn: TOPIC,
            message: metricAlarm(name(i + j), 'ALARM', T0 + (i + j) * 1000),
          }),
        ),
      );
    await system.idle();

    const receipts = await Promise.all([0, 999, 1_999].map((i) => system.receipts.get(`bulk-${i}`)));
    expect(receipts.map((r) => r?.status)).toEqual(['applied', 'applied', 'applied']);
    const incident = await h.stores.incidents.get(receipts[2]?.incidentId ?? '');
    expect(incident?.notifications).toBe(2_000);
    const card = h.emulator
      .messages('C0PAYMENTS')
      .find((m) => m.thread_ts === undefined || m.thread_ts === m.ts);
    expect(JSON.stringify(card?.blocks)).toContain('2000 alarm(s): 2000 in ALARM');
  }, 240_000);
});
