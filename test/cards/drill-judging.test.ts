import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drillCard } from '../../blocks/drills/card.js';
import { makeDrillCommand } from '../../handlers/commands/drill.js';
import { manualClock } from '../../src/domain/clock.js';
import type { Timeline } from '../../src/domain/timeline.js';
import type { DrillFeature } from '../../src/drills/feature.js';
import { heartbeatEvery, judge, rpoTargetFor } from '../../src/drills/results.js';
import type { Drill, DrillStepRecord } from '../../src/drills/types.js';
import { parsePlan } from '../../src/plan/load.js';
import { createSimTime, simulatedTimeline } from '../../src/sandbox/aws/time.js';

const plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'), 'dr-plan.example.yml');
const payments = plan.services.payments;
if (!payments) throw new Error('payments missing from the example plan');
const T0 = Date.UTC(2026, 11, 7, 1, 0, 0);
const MIN = 60_000;

/** The sandbox's clock and its simulated AWS at 60x, seeded 10 minutes before the drill. */
function sandboxTimeline(): { timeline: Timeline; now: number } {
  const clock = manualClock(T0);
  const timeline = simulatedTimeline(createSimTime(clock, 60), T0 - 10 * MIN);
  return { timeline, now: T0 };
}

const step = (
  over: Partial<DrillStepRecord> & Pick<DrillStepRecord, 'id' | 'kind' | 'resourceId'>,
): DrillStepRecord => ({
  region: 'us-west-2',
  state: 'ready',
  names: [],
  startedAtMs: T0,
  readyAtMs: T0 + MIN,
  rtoMs: MIN,
  ...over,
});

const drill = (steps: DrillStepRecord[], over: Partial<Drill> = {}): Drill => ({
  id: 'd1',
  service: 'payments',
  state: 'awaitingCleanup',
  requestedBy: 'U0ALICE',
  reason: 'quarterly drill',
  planHash: plan.hash,
  createdAtMs: T0,
  updatedAtMs: T0,
  approvalsRequired: 1,
  approvers: ['U0BOB'],
  channel: 'C0PAYMENTS',
  startedAtMs: T0,
  readyAtMs: T0 + 5 * MIN,
  order: steps.map((s) => s.id),
  steps: Object.fromEntries(steps.map((s) => [s.id, s])),
  version: 3,
  ...over,
});

describe('drills are judged on what a drill proves', () => {
  it('a canary heartbeat 4 simulated hours old (the canary writes every 5 min of clock = 5 h at 60x) does not fail the drill', () => {
    const { timeline, now } = sandboxTimeline();
    const ledger = payments.resources.find((r) => r.kind === 'dynamodb-global-table');
    if (!ledger) throw new Error('the example plan has a DynamoDB table');
    const everyMs = heartbeatEvery(payments, ledger.id, plan.checkInterval);
    expect(everyMs).toBeGreaterThanOrEqual(5 * MIN);
    const target = rpoTargetFor('read-dynamodb', payments, plan.defaults.backupInterval, {
      everyMs: everyMs ?? 0,
      nowMs: now,
      timeline,
    });
    expect(target).toBe(payments.rpo + 60 * (everyMs ?? 0));
    const d = drill([
      step({
        id: 's1',
        kind: 'read-dynamodb',
        resourceId: ledger.id,
        rpoMs: 4 * 60 * MIN,
        ...(target !== undefined ? { rpoTargetMs: target } : {}),
      }),
    ]);
    const result = judge(d, payments, T0 + 5 * MIN, { elapsed: (a, b) => b - a });
    expect(result.reasons).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it('a snapshot is judged against the backup interval, replicated application data against the RPO', () => {
    expect(rpoTargetFor('restore-aurora', payments, plan.defaults.backupInterval)).toBe(
      payments.backupInterval ?? plan.defaults.backupInterval,
    );
    expect(rpoTargetFor('read-s3', payments, plan.defaults.backupInterval)).toBe(payments.rpo);
  });

  it('rows and summary agree: a failed drill always shows the failing row', () => {
    const cases: Drill[] = [
      // Time to ready over the RTO, every step ready.
      drill([step({ id: 's1', kind: 'launch-ec2', resourceId: 'payments-api' })], {
        readyAtMs: T0 + payments.rto + MIN,
      }),
      // A copy older than its own target.
      drill([
        step({
          id: 's1',
          kind: 'read-s3',
          resourceId: 'payments-receipts',
          rpoMs: 10 * MIN,
          rpoTargetMs: MIN,
        }),
      ]),
    ];
    for (const c of cases) {
      const result = judge(c, payments, T0 + 60 * MIN, { elapsed: (a, b) => b - a });
      expect(result.passed).toBe(false);
      const card = drillCard({ ...c, result }, T0 + 60 * MIN);
      const text = JSON.stringify(card.blocks);
      expect(text).toContain(':red_circle: *Failed*');
      const rows = card.blocks.filter((b) => b.type === 'section').map((b) => JSON.stringify(b));
      expect(rows.some((r) => r.includes(':x:'))).toBe(true);
    }
  });

  it('a drill started by hand is never labelled "Scheduled recovery drill"', async () => {
    const requested: { reason: string }[] = [];
    const drills = {
      requests: {
        request: async (input: { reason: string }) => {
          requested.push(input);
          return { kind: 'refused', message: 'stop here' };
        },
      },
    } as unknown as DrillFeature;
    const command = makeDrillCommand({ drills, getPlan: () => plan });
    await command({
      args: ['payments'],
      userId: 'U0ALICE',
      channelId: 'C0PAYMENTS',
      respond: async () => undefined,
    } as unknown as Parameters<typeof command>[0]);
    expect(requested[0]?.reason).not.toMatch(/scheduled/i);
  });
});
