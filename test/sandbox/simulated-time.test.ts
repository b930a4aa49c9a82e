import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failoverCard } from '../../blocks/failover/card.js';
import type { FailoverRequest } from '../../src/approval/types.js';
import { manualClock } from '../../src/domain/clock.js';
import { DURATIONS } from '../../src/sandbox/aws/durations.js';
import { createSimTime, simulatedTimeline } from '../../src/sandbox/aws/time.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

const SCALE = 120;

describe('the simulated timeline', () => {
  it('keeps seeded history as it is and counts clock time since seeding scale times', () => {
    // Prepare
    const clock = manualClock();
    const origin = clock.now();
    const timeline = simulatedTimeline(createSimTime(clock, 60), origin);

    // Act
    const dataAge = timeline.elapsed(origin - 3 * 3_600_000, origin + 1_000);
    const restore = timeline.elapsed(origin + 1_000, origin + 13_000);

    // Assert
    expect(dataAge).toBe(3 * 3_600_000 + 60_000);
    expect(restore).toBe(12 * 60_000);
    expect(timeline.note).toBe('simulated AWS at 60x');
  });
});

describe('the failover progress card on a simulated timeline', () => {
  const request: FailoverRequest = {
    id: 'exec-1',
    service: 'accounts',
    mode: 'unplanned',
    requestedBy: 'U0ALICE',
    reason: 'us-east-1 is down',
    planHash: 'h',
    digest: 'd',
    createdAtMs: 0,
    deadlineMs: 60_000,
    approvalsRequired: 1,
    source: 'slack',
    channel: 'C0ACCOUNTS',
  };
  const model = {
    request,
    execution: { state: 'completed' as const, startedAtMs: 1_000, finishedAtMs: 6_000 },
    approvers: ['U0BOB'],
    steps: [
      {
        id: 'promote-replica',
        record: { state: 'succeeded' as const, startedAtMs: 1_000, finishedAtMs: 6_000, attempts: 1 },
      },
    ],
    now: 7_000,
  };

  it('shows step durations in simulated time and says so', () => {
    // Prepare
    const clock = manualClock(0);
    const timeline = simulatedTimeline(createSimTime(clock, 120), 0);

    // Act
    const card = JSON.stringify(failoverCard({ ...model, timeline }).blocks);

    // Assert: 5 clock seconds at 120x are the model's 10 minutes.
    expect(card).toContain('done in 10 min');
    expect(card).toContain('Durations are simulated AWS at 120x');
  });

  it('shows wall-clock durations without a note against real AWS', () => {
    // Act
    const card = JSON.stringify(failoverCard(model).blocks);

    // Assert
    expect(card).toContain('done in 5 s');
    expect(card).not.toContain('simulated');
  });

  it('says a step AWS showed done at its first look was not called, instead of a run without a time', () => {
    // Act
    const card = JSON.stringify(
      failoverCard({
        ...model,
        steps: [
          { id: 'check-receipts', record: { state: 'succeeded' as const, finishedAtMs: 6_000, attempts: 0 } },
        ],
      }).blocks,
    );

    // Assert
    expect(card).toContain('`check-receipts` already done (nothing to call)');
  });
});

describe('drill figures in the sandbox are simulated AWS time, and say so', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ logLevel: 'silent', timeScale: SCALE });
  });
  afterAll(() => sandbox?.close());

  it('reports the RTO of an RDS restore drill as the time the simulated AWS took, labelled on the card, in the audit log and in the /dr status estimate', async () => {
    // Prepare
    const { drills } = sandbox.bot;
    const requested = await drills.requests.request({
      service: 'accounts',
      requestedBy: 'U0ALICE',
      reason: 'simulated time check',
      channel: 'C0ACCOUNTS',
    });
    if (requested.kind !== 'pending') throw new Error(`drill not requested: ${requested.kind}`);
    const id = requested.drill.id;
    await drills.post(requested.drill);
    const wallStart = Date.now();
    expect((await drills.requests.approve(id, 'U0BOB')).kind).toBe('started');

    // Act
    const measured = await drills.engine.drive(id);
    const wallMs = Date.now() - wallStart;

    // Assert: the restore took the model's 12 minutes, not the few wall-clock seconds it ran for.
    expect(measured?.state).toBe('awaitingCleanup');
    const result = measured?.result;
    expect(result?.rtoMs).toBeGreaterThanOrEqual(DURATIONS.restoreInstance);
    expect(result?.rtoMs).toBeLessThanOrEqual(wallMs * SCALE);
    // Simulated, not wall-clock: more time passed in the model than on the wall (whatever the machine's load).
    expect(result?.rtoMs).toBeGreaterThan(wallMs);
    expect(measured?.steps['accounts-db']?.rtoMs).toBeGreaterThanOrEqual(DURATIONS.restoreInstance);
    expect(result?.timeNote).toBe(`simulated AWS at ${SCALE}x`);

    const card = sandbox.slack.messages('C0ACCOUNTS').find((m) => m.text.startsWith('Drill of accounts'));
    expect(card?.text).toContain(`(simulated AWS at ${SCALE}x)`);
    expect(JSON.stringify(card?.blocks)).toContain(`Durations are simulated AWS at ${SCALE}x`);
    const completed: Record<string, unknown>[] = [];
    for await (const entry of sandbox.bot.audit.query())
      if (entry.type === 'drill.completed' || entry.type === 'drill.failed') completed.push(entry.details);
    expect(completed).toEqual([
      expect.objectContaining({ rtoMs: result?.rtoMs, timeNote: `simulated AWS at ${SCALE}x` }),
    ]);
    const standing = await drills.standing('accounts');
    expect(standing.last).toMatchObject({ rtoMs: result?.rtoMs, timeNote: `simulated AWS at ${SCALE}x` });

    // The RTO estimate of /dr status now uses the drill's simulated check-sessions timing at once
    // (no refresh: the drill feature remembers the result as the drill finishes), and says so.
    await sandbox.slack.sendSlashCommand({
      userId: 'U0BOB',
      channelId: 'C0ACCOUNTS',
      text: 'status accounts',
    });
    await expect
      .poll(() => JSON.stringify(sandbox.slack.ephemerals('U0BOB').map((m) => m.blocks)), { timeout: 20_000 })
      .toContain(`step(s) from drills _(drill timings in simulated AWS at ${SCALE}x)_`);
  }, 60_000);
});
