import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Timer } from '../../src/adapters/slack/timer.js';
import type { AlarmSystem } from '../../src/alarms/system.js';
import { metricAlarm } from './fixtures.js';
import { type Harness, startHarness, TOPIC } from './harness.js';

const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);

/** Virtual time that moves only when the test releases the sleepers. */
function gatedTimer() {
  let now = 0;
  let sleepers: { until: number; wake: () => void }[] = [];
  const timer: Timer & { sleeping(): number; release(): void } = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        sleepers.push({ until: now + ms, wake: resolve });
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
    sleeping: () => sleepers.length,
    release() {
      now = Math.max(now, ...sleepers.map((s) => s.until));
      const woken = sleepers;
      sleepers = [];
      for (const s of woken) s.wake();
    },
  };
  return timer;
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 1_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('applying a storm of alarms in batches', () => {
  let h: Harness;
  let system: AlarmSystem;
  const timer = gatedTimer();

  beforeAll(async () => {
    h = await startHarness();
    system = h.system({ options: { batchGapMs: 250, timer } });
    await system.start();
  });
  afterAll(() => h.close());

  it('applies the first alarm at once and gathers the next ones of the service into one incident write', async () => {
    // Prepare: the first ALARM opens the incident without waiting
    await system.ingest({
      id: 'batch-1',
      source: 'sns-http',
      topicArn: TOPIC,
      message: metricAlarm('payments-db-lag', 'ALARM', T0),
    });
    await system.idle();
    const first = await system.receipts.get('batch-1');
    expect(first?.status).toBe('applied');
    const incidentId = first?.incidentId ?? '';
    const opened = await h.stores.incidents.get(incidentId);

    // Act: five more within the gap are recorded, then wait for the gap to pass
    for (let i = 2; i <= 6; i++)
      await system.ingest({
        id: `batch-${i}`,
        source: 'sns-http',
        topicArn: TOPIC,
        message: metricAlarm(`payments-api-${i}`, 'ALARM', T0 + i * 1_000),
      });
    await until(() => timer.sleeping() > 0);
    const waiting = await system.receipts.get('batch-6');
    timer.release();
    await system.idle();

    // Assert: recorded (pending) before the gap passed, then all five applied by one write
    expect(waiting?.status).toBe('pending');
    for (let i = 2; i <= 6; i++) expect((await system.receipts.get(`batch-${i}`))?.status).toBe('applied');
    const after = await h.stores.incidents.get(incidentId);
    expect(after?.version).toBe((opened?.version ?? 0) + 1);
    expect(Object.keys(after?.alarms ?? {})).toHaveLength(6);
  });
});
