import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { OutboundMessage, SlackOutbox } from '../../src/adapters/slack/outbox-types.js';
import { ConflictError, type Versioned, type VersionedStore } from '../../src/adapters/store/versioned.js';
import { createIncidentSlack } from '../../src/alarms/incident-slack.js';
import { manualClock } from '../../src/domain/clock.js';
import type { IncidentRecord } from '../../src/domain/records.js';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import type { ReadinessService } from '../../src/readiness/service.js';
import type { MoveInfo, ServiceStateRecord } from '../../src/state/types.js';
import { acceptingStandalonePlan } from '../helpers/plans.js';
import { paymentsReadiness } from '../readiness/fixtures.js';

const plan = acceptingStandalonePlan();
const clock = manualClock();
const T0 = clock.now();

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
  const box = { current: incident };
  const store = {
    get: async () => box.current,
    // Conditional on the version, as the DynamoDB store is: a stale writer gets the current record back.
    transition: async (_id: string, version: number, next: IncidentRecord) => {
      if (version !== box.current.version) throw new ConflictError('version moved', box.current);
      box.current = { ...next, version: box.current.version + 1 };
      return box.current;
    },
  } as unknown as VersionedStore<IncidentRecord>;
  return { store, box };
}

const readingWith = (phase: ServiceStateRecord['phase'], move: MoveInfo): ServiceReadiness => ({
  ...paymentsReadiness(),
  operating: {
    known: true,
    state: {
      service: 'payments',
      phase,
      primaryRegion: 'us-east-1',
      recoveryRegion: 'us-west-2',
      sinceMs: move.finishedAtMs ?? T0,
      resources: {},
      move,
      source: 'runbook',
      updatedAtMs: move.reportedAtMs,
      version: 3,
    },
  },
});

const move = (kind: MoveInfo['kind'], id: string, startedAtMs: number): MoveInfo => ({
  executionId: id,
  kind,
  mode: 'unplanned',
  requestedBy: 'U0ALICE',
  approvedBy: ['U0BOB'],
  startedAtMs,
  finishedAtMs: startedAtMs + 240_000,
  outcome: 'completed',
  reportedAtMs: startedAtMs + 240_000,
});

describe('incident card: what was done', () => {
  it('the resolved card tells the failover and the failback that ran while the incident was open', async () => {
    const incident: IncidentRecord & Versioned = {
      id: 'inc-1',
      service: 'payments',
      state: 'open',
      openedAtMs: T0,
      channel: 'C0PAYMENTS',
      alarms: { 'payments-writer-down': { state: 'ALARM', changedAtMs: T0, count: 1, firedAtMs: T0 } },
      version: 1,
    };
    let reading = readingWith('running-in-recovery-unprotected', move('failover', 'ex-fo', T0 + 60_000));
    const readiness: ReadinessService = {
      check: async () => reading,
      checkAll: () => Promise.reject(new Error('unused')),
      peek: () => undefined,
      invalidate: () => undefined,
    };
    const { outbox, shown } = fakeOutbox();
    const { store, box } = incidentStore(incident);
    const slack = createIncidentSlack({
      outbox,
      incidents: store,
      getPlan: () => plan,
      readiness,
      clock,
      logger: pino({ level: 'silent' }),
      instanceId: 'replica-a',
    });
    slack.changed(incident, []);
    await slack.idle();
    expect(JSON.stringify(shown.get('1.0')?.blocks)).toContain('Failed over to us-west-2');

    // The failback runs, then every alarm is OK: the resolved card still says both.
    reading = readingWith('normal-in-primary', move('failback', 'ex-fb', T0 + 3_600_000));
    slack.refresh(box.current);
    await slack.idle();
    const resolved: IncidentRecord & Versioned = {
      ...box.current,
      state: 'resolved',
      resolvedAtMs: T0 + 4_000_000,
      alarms: {
        'payments-writer-down': { state: 'OK', changedAtMs: T0 + 4_000_000, count: 2, firedAtMs: T0 },
      },
    };
    box.current = resolved;
    slack.changed(resolved, [
      { alarm: 'payments-writer-down', from: 'ALARM', to: 'OK', atMs: T0 + 4_000_000, reason: 'ok' },
    ]);
    await slack.idle();
    const card = JSON.stringify(shown.get('1.0')?.blocks);
    expect(card).toContain('Resolved: payments');
    expect(card).toContain('Failed over to us-west-2');
    expect(card).toContain('Failed back to us-east-1');
    expect(card.indexOf('Failed over')).toBeLessThan(card.indexOf('Failed back'));
  });
});
