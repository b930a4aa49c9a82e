import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmRaised, AlarmSystem } from '../../src/alarms/system.js';
import { metricAlarm } from '../alarms/fixtures.js';
import { type Harness, startHarness, TOPIC } from '../alarms/harness.js';

const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);
let seq = 0;
const notify = (system: AlarmSystem, message: string) =>
  system.ingest({ id: `int-${++seq}`, source: 'sns-http', topicArn: TOPIC, message });

/**
 * What the alarm module offers other features, against the Slack emulator and embedded DynamoDB: the
 * "alarm entered ALARM" hook (with the rule's autoRequestFailover), the open incident's thread for
 * failover requests, and the list of open incidents for the digest.
 */
describe('alarm module integration points', () => {
  let h: Harness;
  let system: AlarmSystem;
  const raised: AlarmRaised[] = [];
  /** What a failover request raised from the hook would find: asked right after the incident write. */
  const threadsAsked: ReturnType<AlarmSystem['findIncidentThread']>[] = [];

  beforeAll(async () => {
    h = await startHarness();
    system = h.system({
      onAlarmRaised: (r) => {
        raised.push(r);
        threadsAsked.push(system.findIncidentThread(r.incident.service));
      },
    });
    await system.start();
  });
  afterAll(() => h.close());

  it('tells the hook about every alarm entering ALARM, not only the one that opened the incident', async () => {
    // Act: the incident opens with one alarm, then the auto-request alarm joins it, then repeats, clears and returns
    await notify(system, metricAlarm('payments-api-5xx', 'ALARM', T0));
    await system.idle();
    await notify(system, metricAlarm('payments-db-writer-unavailable', 'ALARM', T0 + 60_000));
    await notify(system, metricAlarm('payments-db-writer-unavailable', 'ALARM', T0 + 90_000));
    await system.idle();
    await notify(system, metricAlarm('payments-db-writer-unavailable', 'OK', T0 + 120_000));
    await notify(system, metricAlarm('payments-db-writer-unavailable', 'ALARM', T0 + 180_000));
    await system.idle();

    // Assert: three transitions into ALARM (a repeated ALARM is not one), with each alarm's own rule
    expect(raised.map((r) => [r.alarm, r.route.kind === 'service' && r.route.autoRequestFailover])).toEqual([
      ['payments-api-5xx', false],
      ['payments-db-writer-unavailable', true],
      ['payments-db-writer-unavailable', true],
    ]);
    expect(new Set(raised.map((r) => r.incident.id)).size).toBe(1);
    expect(raised[1]?.reason).toContain('Threshold Crossed');
  });

  it("finds the open incident's parent message for a service, and nothing for a service without one", async () => {
    // Act
    const thread = await system.findIncidentThread('payments');
    const none = await system.findIncidentThread('accounts');

    // Assert
    const parent = h.emulator.messages('C0PAYMENTS').find((m) => m.ts === thread?.ts);
    expect(thread?.channel).toBe('C0PAYMENTS');
    expect(parent?.thread_ts ?? parent?.ts).toBe(thread?.ts);
    expect(JSON.stringify(parent?.blocks)).toContain('payments-api-5xx');
    expect(none).toBeUndefined();
  });

  it('waits for the parent of an incident that has just opened before answering its thread', async () => {
    // Act: the hook asks as soon as the incident is written, before its parent message is posted
    await notify(system, metricAlarm('accounts-login-errors', 'ALARM', T0));
    await system.idle();
    const opening = raised.at(-1);
    const thread = await threadsAsked.at(-1);

    // Assert
    expect(opening?.incident.service).toBe('accounts');
    expect(opening?.incident.threadTs).toBeUndefined();
    expect(thread?.channel).toBe('C0ACCOUNTS');
    expect(h.emulator.messages('C0ACCOUNTS').some((m) => m.ts === thread?.ts)).toBe(true);
  });

  it('answers no thread once the incident is resolved', async () => {
    // Prepare: a service whose only incident resolves
    await notify(system, metricAlarm('accounts-session-errors', 'ALARM', T0 + 30_000));
    await system.idle();

    // Act
    const listed = (await system.listOpenIncidents()).map((i) => i.service);
    await notify(system, metricAlarm('accounts-login-errors', 'OK', T0 + 60_000));
    await notify(system, metricAlarm('accounts-session-errors', 'OK', T0 + 60_000));
    await system.idle();
    const thread = await system.findIncidentThread('accounts');

    // Assert
    expect(listed).toEqual(['payments', 'accounts']);
    expect(thread).toBeUndefined();
  });

  it('lists open incidents oldest first, resolved ones left out', async () => {
    // Act
    const open = await system.listOpenIncidents();

    // Assert
    expect(open.map((i) => [i.service, i.state])).toEqual([['payments', 'open']]);
  });
});
