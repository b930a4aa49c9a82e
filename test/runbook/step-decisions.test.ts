import { describe, expect, it } from 'vitest';
import { parseStepDecisionValue, stepDecisionValue } from '../../blocks/failover/card.js';
import type { Cards } from '../../src/approval/cards.js';
import { createFailoverRequests } from '../../src/approval/requests.js';
import type { FailoverSlackDeps } from '../../src/approval/slack-shared.js';
import { createStepDecisions } from '../../src/approval/slack-step-decisions.js';
import { createRequestStore } from '../../src/approval/store.js';
import type { AuditLog } from '../../src/audit/types.js';
import { createInFlight } from '../../src/domain/inflight.js';
import { createLogger } from '../../src/logger.js';
import { planApprovers } from '../drills/fixture.js';
import { runner, type World, worldPerTest } from './world.js';

const worlds = worldPerTest();

/** An audit log whose appends of the given types fail. */
function flaky(audit: AuditLog, failing: ReadonlySet<string>): AuditLog {
  return {
    ...audit,
    append: (e) =>
      failing.has(e.type) ? Promise.reject(new Error('audit table unavailable')) : audit.append(e),
  };
}

/** accounts paused on its irreversible promote-replica step (PromoteReadReplica refused). */
async function pausedOnPromote(world: World) {
  world.cloud.faults.failOperation('rds:PromoteReadReplica', {
    times: 100,
    error: 'AccessDenied',
    status: 403,
  });
  const execution = await world.approve('accounts');
  const paused = await runner(world).run(execution.id);
  expect(paused.pausedAtStep).toBe('promote-replica');
  return paused;
}

describe('decisions on a paused runbook step', () => {
  it('refuses a decision bound to another attempt than the one paused now', async () => {
    // Prepare: attempt 1 fails, is retried, attempt 2 fails.
    const world = await worlds.start();
    const paused = await pausedOnPromote(world);
    const r = runner(world);
    await r.decide(paused.id, 'retry', 'U0BOB', { stepId: 'promote-replica', attempt: 1 });
    await r.idle();
    const again = await world.stores.executions.get(paused.id);
    expect(again?.steps['promote-replica']?.attempts).toBe(2);

    // Act: a late click on the card that showed attempt 1.
    const late = r.decide(paused.id, 'abort', 'U0BOB', { stepId: 'promote-replica', attempt: 1 });

    // Assert
    await expect(late).rejects.toMatchObject({ code: 'outdated' });
    expect((await world.stores.executions.get(paused.id))?.state).toBe('pausedByFailedStep');
  });

  it('refuses a skip by the requester, and a skip of an irreversible step agreed by one approver only', async () => {
    // Prepare
    const world = await worlds.start();
    const paused = await pausedOnPromote(world);
    const r = runner(world);
    const bound = { stepId: 'promote-replica', attempt: 1 };

    // Act
    const bySelf = r.decide(paused.id, 'skip', 'U0ALICE', bound);
    const byOne = r.decide(paused.id, 'skip', 'U0BOB', { ...bound, approvers: ['U0BOB'] });

    // Assert
    await expect(bySelf).rejects.toMatchObject({ code: 'self_skip' });
    await expect(byOne).rejects.toMatchObject({ code: 'second_approver' });
    expect((await world.stores.executions.get(paused.id))?.state).toBe('pausedByFailedStep');
    const skipped = await r.decide(paused.id, 'skip', 'U0CAROL', {
      ...bound,
      approvers: ['U0BOB', 'U0CAROL'],
    });
    expect(skipped.steps['promote-replica']?.state).toBe('skipped');
    await r.idle();
  });

  it('audits the decision before it takes effect: no intent entry, no effect', async () => {
    // Prepare
    const world = await worlds.start();
    const paused = await pausedOnPromote(world);
    const r = runner(world, { audit: flaky(world.audit, new Set(['decision.intent', 'step.retry'])) });

    // Act
    const attempt = r.decide(paused.id, 'retry', 'U0BOB', { stepId: 'promote-replica', attempt: 1 });

    // Assert
    await expect(attempt).rejects.toThrow(/audit/);
    expect((await world.stores.executions.get(paused.id))?.state).toBe('pausedByFailedStep');
    const retry = await runner(world).decide(paused.id, 'retry', 'U0BOB', {
      stepId: 'promote-replica',
      attempt: 1,
    });
    expect(retry.state).toBe('running');
    const types = (await world.auditEntries()).filter((e) => e.executionId === paused.id).map((e) => e.type);
    expect(types.indexOf('decision.intent')).toBeLessThan(types.indexOf('step.retry'));
  });
});

describe('Slack side of step decisions', () => {
  function slackSide(world: World) {
    const refreshed: string[] = [];
    const requests = createFailoverRequests({
      stores: world.stores,
      requests: createRequestStore(world.stores as never, world.tableName),
      audit: world.audit,
      approvers: planApprovers,
      readiness: { check: () => Promise.reject(new Error('not used')) },
      getPlan: () => world.plan,
      clock: { now: () => Date.now() },
    });
    const r = runner(world);
    const deps = {
      requests: {
        ...requests,
        load: async (id: string) => ({
          execution: await world.stores.executions.get(id),
          request: undefined,
        }),
      },
      cards: { refresh: async (id: string) => void refreshed.push(id) } as unknown as Cards,
      runner: { decide: r.decide },
      // accounts lists two approvers; U0CAROL is one through a user group here.
      approvers: {
        isApprover: async (_plan: unknown, _service: string, userId: string) =>
          ['U0ALICE', 'U0BOB', 'U0CAROL'].includes(userId),
      },
      audit: world.audit,
      getPlan: () => world.plan,
      logger: createLogger({ level: 'silent' }),
      inflight: createInFlight(),
      skipVotes: world.stores.approvals,
      clock: { now: () => Date.now() },
    } as unknown as FailoverSlackDeps;
    return { decisions: createStepDecisions(deps), refreshed, r };
  }

  it('binds the buttons to the step and attempt shown', () => {
    expect(parseStepDecisionValue(stepDecisionValue('ex-1', 'promote-replica', 2))).toEqual({
      id: 'ex-1',
      stepId: 'promote-replica',
      attempt: 2,
    });
    expect(parseStepDecisionValue('ex-1').attempt).toBe(-1);
  });

  it('refuses a click on an outdated card and refreshes the card', async () => {
    // Prepare
    const world = await worlds.start();
    const paused = await pausedOnPromote(world);
    const { decisions, refreshed } = slackSide(world);

    // Act: the card showed another step.
    const answer = await decisions.decide({
      executionId: paused.id,
      decision: 'skip',
      userId: 'U0BOB',
      stepId: 'check-sessions',
      attempt: 1,
    });

    // Assert
    expect(answer.text).toContain('out of date');
    expect(refreshed).toContain(paused.id);
    expect((await world.stores.executions.get(paused.id))?.state).toBe('pausedByFailedStep');
    const refusal = (await world.auditEntries()).find((e) => e.details.code === 'outdated-card');
    expect(refusal?.actor).toBe('U0BOB');
  });

  it('skips an irreversible step only once a second approver confirms; the requester cannot', async () => {
    // Prepare
    const world = await worlds.start();
    const paused = await pausedOnPromote(world);
    const { decisions, r } = slackSide(world);
    const click = (userId: string) =>
      decisions.decide({
        executionId: paused.id,
        decision: 'skip',
        userId,
        stepId: 'promote-replica',
        attempt: 1,
      });

    // Act
    const requester = await click('U0ALICE');
    const first = await click('U0BOB');
    const repeat = await click('U0BOB');
    const afterOne = await world.stores.executions.get(paused.id);
    const second = await click('U0CAROL');
    await r.idle();

    // Assert
    expect(requester.text).toContain('cannot skip');
    expect(first.text).toContain('second approver must confirm');
    expect(repeat.text).toContain('second approver must confirm');
    expect(afterOne?.steps['promote-replica']?.state).toBe('failed');
    expect(second.text).toContain('Skip recorded');
    const final = await world.stores.executions.get(paused.id);
    expect(final?.steps['promote-replica']?.state).toBe('skipped');
    const entries = (await world.auditEntries()).filter((e) => e.executionId === paused.id);
    expect(entries.map((e) => e.type)).toEqual(expect.arrayContaining(['step.skip.proposed', 'step.skip']));
    expect(entries.find((e) => e.type === 'step.skip')?.details.approvers).toEqual(['U0BOB', 'U0CAROL']);
  });
});
