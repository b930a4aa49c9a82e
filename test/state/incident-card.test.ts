import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { OutboundMessage, SlackOutbox } from '../../src/adapters/slack/outbox-types.js';
import type { Timer } from '../../src/adapters/slack/timer.js';
import type { Versioned, VersionedStore } from '../../src/adapters/store/versioned.js';
import { createIncidentSlack } from '../../src/alarms/incident-slack.js';
import { manualClock } from '../../src/domain/clock.js';
import type { IncidentRecord } from '../../src/domain/records.js';
import type { ReadinessService } from '../../src/readiness/service.js';
import { acceptingStandalonePlan } from '../helpers/plans.js';

const plan = acceptingStandalonePlan();
const clock = manualClock();

/** An outbox that renders every update at once and keeps the last text of each message. */
function fakeOutbox() {
  const shown = new Map<string, OutboundMessage>();
  const outbox = {
    post: async (_channel: string, message: OutboundMessage) => {
      shown.set('1.0', message);
      return '1.0';
    },
    reply: async () => undefined,
    update: async (_c: string, ts: string, render: () => Promise<OutboundMessage | undefined>) => {
      const m = await render();
      if (m) shown.set(ts, m);
    },
    idle: async () => undefined,
  } as unknown as SlackOutbox;
  return { outbox, shown };
}

function incidentStore(incident: IncidentRecord & Versioned) {
  let current = incident;
  return {
    get: async () => current,
    transition: async (_id: string, _v: number, next: IncidentRecord) => {
      current = { ...next, version: current.version + 1 };
      return current;
    },
  } as unknown as VersionedStore<IncidentRecord>;
}

describe('incident card readiness section', () => {
  it('shows "could not measure" with the reason when the measurement fails, never "Checking readiness…"', async () => {
    const incident: IncidentRecord & Versioned = {
      id: 'inc-1',
      service: 'payments',
      state: 'open',
      openedAtMs: clock.now(),
      channel: 'C0PAYMENTS',
      alarms: { 'payments-writer-down': { state: 'ALARM', changedAtMs: clock.now(), count: 1 } },
      version: 1,
    };
    const { outbox, shown } = fakeOutbox();
    const readiness: ReadinessService = {
      check: () => Promise.reject(new Error('AccessDenied: rds:DescribeGlobalClusters')),
      checkAll: () => Promise.reject(new Error('unused')),
      peek: () => undefined,
      invalidate: () => undefined,
    };
    const slack = createIncidentSlack({
      outbox,
      incidents: incidentStore(incident),
      getPlan: () => plan,
      readiness,
      clock,
      logger: pino({ level: 'silent' }),
      instanceId: 'replica-a',
    });

    slack.changed(incident, []);
    await slack.idle();

    const card = JSON.stringify(shown.get('1.0')?.blocks ?? []);
    expect(card).not.toContain('Checking readiness');
    expect(card).toContain('Could not measure readiness: AccessDenied');
  });

  it('coalesces the card re-measure per service during an alarm storm, and still shows a run started after the last alarm', async () => {
    // Arrange: a measurement that stays in flight until the test lets it finish
    const incident: IncidentRecord & Versioned = {
      id: 'inc-2',
      service: 'payments',
      state: 'open',
      openedAtMs: clock.now(),
      channel: 'C0PAYMENTS',
      alarms: { 'payments-writer-down': { state: 'ALARM', changedAtMs: clock.now(), count: 1 } },
      version: 1,
    };
    const { outbox, shown } = fakeOutbox();
    const finish: ((error: Error) => void)[] = [];
    let invalidated = 0;
    const readiness: ReadinessService = {
      check: () => new Promise((_resolve, reject) => finish.push(reject)),
      checkAll: () => Promise.reject(new Error('unused')),
      peek: () => undefined,
      invalidate: () => {
        invalidated++;
      },
    };
    let t = 0;
    const timer: Timer = {
      now: () => t,
      sleep: async (ms) => {
        t += ms;
      },
    };
    const slack = createIncidentSlack({
      outbox,
      incidents: incidentStore(incident),
      getPlan: () => plan,
      readiness,
      clock,
      logger: pino({ level: 'silent' }),
      instanceId: 'replica-a',
      remeasureGapMs: 5_000,
      timer,
    });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

    // Act: the incident opens, then 50 alarm changes arrive while the first measurement runs
    slack.changed(incident, []);
    await settle();
    for (let i = 0; i < 50; i++) {
      const to = i % 2 === 0 ? 'OK' : 'ALARM';
      slack.changed(incident, [
        {
          alarm: 'payments-writer-down',
          from: to === 'OK' ? 'ALARM' : 'OK',
          to,
          atMs: clock.now(),
          reason: 'flap',
        },
      ]);
    }
    await settle();
    finish.shift()?.(new Error('measured before the storm'));
    await settle();

    // Assert: the cache was dropped at every change (so /dr status never reuses an older measurement), but the
    // card started one more measurement for all 50 changes, at least the gap after the first
    expect(invalidated).toBeGreaterThanOrEqual(50);
    expect(finish).toHaveLength(1);
    expect(t).toBeGreaterThanOrEqual(5_000);
    finish.shift()?.(new Error('measured after the last alarm'));
    await slack.idle();
    expect(finish).toHaveLength(0);
    const card = JSON.stringify(shown.get('1.0')?.blocks ?? []);
    expect(card).toContain('measured after the last alarm');
  });
});
