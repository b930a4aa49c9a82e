import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../blocks/ids.js';
import type { AlarmSystem } from '../../src/alarms/system.js';
import { metricAlarm } from './fixtures.js';
import { type Harness, startHarness, TOPIC } from './harness.js';

const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);
let seq = 0;
const notify = (system: AlarmSystem, message: string) =>
  system.ingest({ id: `msg-${++seq}`, source: 'sns-http', topicArn: TOPIC, message });

const buttons = (message: { blocks?: unknown[] } | undefined) =>
  (message?.blocks ?? [])
    .flatMap((b) =>
      (b as { type: string; elements?: { action_id?: string }[] }).type === 'actions'
        ? ((b as { elements: { action_id?: string }[] }).elements ?? [])
        : [],
    )
    .map((e) => e.action_id);
const parentsIn = (h: Harness, channel: string) =>
  h.emulator.messages(channel).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts);
const cardText = (message: { blocks?: unknown[] } | undefined) => JSON.stringify(message?.blocks ?? []);

describe('incident threads, against the Slack emulator and embedded DynamoDB', () => {
  let h: Harness;
  let system: AlarmSystem;

  beforeAll(async () => {
    h = await startHarness();
    system = h.system();
    await system.start();
  });
  afterAll(() => h.close());

  it('opens one incident with one parent message on the first ALARM, then threads later alarms and updates the card', async () => {
    // Act: first ALARM
    await notify(system, metricAlarm('payments-db-lag', 'ALARM', T0));
    await system.idle();

    // Assert: one parent with the three buttons, the record holds its ts
    const parents = parentsIn(h, 'C0PAYMENTS');
    expect(parents).toHaveLength(1);
    const parent = parents[0];
    expect(buttons(parent)).toEqual([
      ActionId.readinessRequestFailover,
      ActionId.readinessDryRun,
      ActionId.incidentAcknowledge,
    ]);
    expect(cardText(parent)).toContain('payments-db-lag');
    expect(cardText(parent)).toContain('runbooks/payments');

    // Act: a second alarm, then a repeated ALARM of the first one
    await notify(system, metricAlarm('payments-api-5xx', 'ALARM', T0 + 60_000));
    await system.idle();
    await notify(system, metricAlarm('payments-db-lag', 'ALARM', T0 + 120_000));
    await system.idle();

    // Assert: still one parent; one thread reply (the second alarm), none for the repeat; counters updated in place
    expect(parentsIn(h, 'C0PAYMENTS')).toHaveLength(1);
    const thread = h.emulator.thread('C0PAYMENTS', parent?.ts ?? '');
    const replies = thread.filter((m) => m.ts !== parent?.ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('payments-api-5xx');
    const card = parentsIn(h, 'C0PAYMENTS')[0];
    expect(cardText(card)).toContain('2 alarm(s): 2 in ALARM, 0 OK');
    expect(cardText(card)).toContain('3 notification(s)');
    expect(card?.edited).toBeDefined();
  });

  it('updates the card on OK and resolves when every alarm is OK; the next ALARM opens a new incident', async () => {
    // Act
    await notify(system, metricAlarm('payments-db-lag', 'OK', T0 + 180_000));
    await system.idle();
    const parent = parentsIn(h, 'C0PAYMENTS')[0];
    expect(cardText(parent)).toContain('1 in ALARM, 1 OK');

    await notify(system, metricAlarm('payments-api-5xx', 'OK', T0 + 240_000));
    await system.idle();

    // Assert: resolved card without buttons, a resolution line in the thread
    const resolved = parentsIn(h, 'C0PAYMENTS')[0];
    expect(cardText(resolved)).toContain('Resolved: payments');
    expect(buttons(resolved)).toEqual([]);
    const replies = h.emulator.thread('C0PAYMENTS', resolved?.ts ?? '').map((m) => m.text);
    expect(replies.some((t) => t.includes('incident resolved'))).toBe(true);

    // Act: a new ALARM after resolution
    await notify(system, metricAlarm('payments-db-lag', 'ALARM', T0 + 300_000));
    await system.idle();

    // Assert: a second incident, with its own parent; opening and resolving are audited
    expect(parentsIn(h, 'C0PAYMENTS')).toHaveLength(2);
    const opened = await h.auditEntries('incident.opened');
    const resolvedEntries = await h.auditEntries('incident.resolved');
    expect(opened.map((e) => [e.service, e.details.alarm])).toEqual([
      ['payments', 'payments-db-lag'],
      ['payments', 'payments-db-lag'],
    ]);
    expect(resolvedEntries).toEqual([
      expect.objectContaining({
        service: 'payments',
        details: expect.objectContaining({ incidentId: opened[0]?.details.incidentId, durationMs: 240_000 }),
      }),
    ]);
  });

  it('records who acknowledged, audits it and shows it on the card', async () => {
    // Prepare
    const latest = parentsIn(h, 'C0PAYMENTS').at(-1);
    const incidentId = (latest?.blocks ?? [])
      .flatMap((b) => (b as { elements?: { action_id?: string; value?: string }[] }).elements ?? [])
      .find((e) => e.action_id === ActionId.incidentAcknowledge)?.value;
    expect(incidentId).toBeDefined();

    // Act
    const first = await system.acknowledge(incidentId ?? '', 'U0ALICE');
    const second = await system.acknowledge(incidentId ?? '', 'U0BOB');
    await system.idle();

    // Assert
    expect(first.status).toBe('acknowledged');
    expect(second.status).toBe('already');
    expect(second.incident?.acknowledgedBy).toBe('U0ALICE');
    const card = parentsIn(h, 'C0PAYMENTS').at(-1);
    expect(cardText(card)).toContain('Acknowledged by <@U0ALICE>');
    expect(buttons(card)).not.toContain(ActionId.incidentAcknowledge);
    const audited = await h.auditEntries('incident.acknowledged');
    expect(audited).toEqual([
      expect.objectContaining({ actor: 'U0ALICE', service: 'payments', details: { incidentId } }),
    ]);
  });

  it('flags unrouted alarms and posts them to the unrouted channel', async () => {
    // Act
    await notify(system, metricAlarm('nobody-owns-this', 'ALARM', T0));
    await system.idle();

    // Assert
    const [card] = parentsIn(h, 'C0DROPS');
    expect(cardText(card)).toContain('Unrouted');
    expect(buttons(card)).toEqual([ActionId.incidentAcknowledge]);
  });
});
