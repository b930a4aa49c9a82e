import { PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { LEAVING_PRIMARY_BUDGET_MS } from '../../src/approval/measure.js';
import { createFailoverRequests } from '../../src/approval/requests.js';
import { createRequestStore } from '../../src/approval/store.js';
import type { FailoverMode } from '../../src/approval/types.js';
import { createAwsCheckers } from '../../src/readiness/aws/index.js';
import { createReadinessEngine } from '../../src/readiness/engine.js';
import { createReadinessService } from '../../src/readiness/service.js';
import {
  type DrillWorld,
  drillWorldPerTest,
  isMutating,
  planApprovers,
  type SimCall,
} from '../drills/fixture.js';

/**
 * Issue 19: an unplanned failover's approval measures the Region it leaves with one attempt per call and a short
 * budget (LEAVING_PRIMARY_BUDGET_MS), through real SDK clients (maxAttempts 1, a per-call abort signal) against
 * the simulated cloud; the recovery Region keeps its retries and can still refuse; a planned switchover keeps
 * every retry.
 */

const TABLE = 'lifeboat-drills';

/** The composition root's failover flow (fresh readiness at approval), on the drill world. */
function flow(w: DrillWorld) {
  const readiness = createReadinessService({
    engine: createReadinessEngine({ checkers: createAwsCheckers(w.aws), clock: w.clock }),
    getPlan: () => w.plan,
    clock: w.clock,
  });
  const requests = createFailoverRequests({
    stores: w.stores,
    requests: createRequestStore(w.documents, TABLE),
    audit: w.audit,
    approvers: planApprovers,
    readiness,
    getPlan: () => w.plan,
    clock: w.clock,
  });
  /** Alice requests, Bob approves; the AWS calls made while Bob's approval ran. */
  const approve = async (mode: FailoverMode) => {
    const created = await requests.create({
      service: 'accounts',
      mode,
      reason: 'us-east-1 is impaired',
      requestedBy: 'U0ALICE',
      source: 'slack',
      where: { channel: 'C0ACCOUNTS' },
    });
    if (created.kind !== 'created') throw new Error(`request not created: ${created.kind}`);
    const from = w.calls.length;
    const outcome = await requests.approve(created.request.id, 'U0BOB', created.request.digest);
    return { outcome, id: created.request.id, calls: w.calls.slice(from) };
  };
  return { approve, readiness };
}

/** How many attempts each distinct call (operation and input) of a Region made. */
function attempts(calls: readonly SimCall[], region: string): number[] {
  const counts = new Map<string, number>();
  for (const c of calls.filter((x) => x.region === region && x.service !== 'sts')) {
    const key = `${c.service}:${c.operation} ${JSON.stringify(c.input)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.values()];
}

describe('an unplanned approval measures the Region it leaves with one attempt per call', () => {
  const worlds = drillWorldPerTest();

  it('makes one attempt per us-east-1 call while the recovery Region keeps its retries, and is approved with warnings', async () => {
    // Prepare: us-east-1 answers 503; the recovery replica's first read fails once (retryable).
    const world = await worlds.start();
    world.cloud.faults.regionOutage('us-east-1');
    world.cloud.faults.failOperation('rds:DescribeDBInstances', {
      region: 'us-west-2',
      times: 1,
      status: 500,
    });

    // Act
    const { outcome, calls } = await flow(world).approve('unplanned');

    // Assert
    expect(outcome.kind, JSON.stringify(outcome)).toBe('approved');
    const east = attempts(calls, 'us-east-1');
    expect(east.length).toBeGreaterThan(0);
    expect(east.every((n) => n === 1)).toBe(true);
    const replicaReads = calls.filter(
      (c) => c.region === 'us-west-2' && c.operation === 'DescribeDBInstances',
    );
    expect(replicaReads.map((c) => c.outcome)).toEqual(['error', 'ok']);
    if (outcome.kind !== 'approved') return;
    expect(outcome.preconditions?.ok).toBe(true);
    expect(outcome.preconditions?.lines.filter((l) => l.status === 'warn').length).toBeGreaterThan(0);
    // Nothing mutating was called to measure (the runbook's own order: test/runbook/start-order.test.ts).
    expect(calls.filter(isMutating)).toEqual([]);
    const types = (await world.auditEntries()).map((e) => e.type);
    expect(types.indexOf('decision.intent')).toBeLessThan(types.indexOf('approval.granted'));
  });

  it('proceeds with a warning naming the Region and the budget when us-east-1 does not answer', async () => {
    // Prepare: every us-east-1 attempt hangs (its simulated timeout waits on the manual clock, never advanced).
    const world = await worlds.start();
    world.cloud.faults.regionOutage('us-east-1', { mode: 'timeout' });

    // Act
    const { outcome, calls } = await flow(world).approve('unplanned');

    // Assert
    expect(outcome.kind, JSON.stringify(outcome)).toBe('approved');
    if (outcome.kind !== 'approved') return;
    expect(outcome.preconditions?.lines).toContainEqual({
      status: 'warn',
      text: expect.stringContaining(
        `us-east-1 did not answer within ${LEAVING_PRIMARY_BUDGET_MS / 1000} s (one attempt: the Region is being left)`,
      ),
    });
    expect(attempts(calls, 'us-east-1').every((n) => n === 1)).toBe(true);
  });

  it('still refuses when a recovery check is not ready (the replica is standalone)', async () => {
    // Prepare
    const world = await worlds.start();
    await world.west.rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'accounts-db-usw2' }));
    world.clock.advance(10 * 60_000);
    await world.cloud.tick();
    world.cloud.faults.regionOutage('us-east-1');

    // Act
    const { outcome, calls } = await flow(world).approve('unplanned');

    // Assert
    expect(outcome.kind).toBe('refused');
    if (outcome.kind !== 'refused') return;
    expect(outcome.refusal.message).toContain('accounts-db-usw2 is standalone');
    expect(attempts(calls, 'us-east-1').every((n) => n === 1)).toBe(true);
  });

  it('keeps every retry to the primary Region for a planned switchover (and refuses it: the primary is down)', async () => {
    // Prepare
    const world = await worlds.start();
    world.cloud.faults.regionOutage('us-east-1');

    // Act
    const { outcome, calls } = await flow(world).approve('planned');

    // Assert: the fixture's clients make 3 attempts.
    expect(outcome.kind).toBe('refused');
    const east = attempts(calls, 'us-east-1');
    expect(east.length).toBeGreaterThan(0);
    expect(east.every((n) => n === 3)).toBe(true);
  });

  it('neither caches its result nor joins a status check in flight', async () => {
    // Prepare
    const world = await worlds.start();
    world.cloud.faults.regionOutage('us-east-1');
    const { readiness } = flow(world);
    const from = world.calls.length;

    // Act: a status check and an approval's measurement at once, then a status check.
    const leaving = { budgetMs: LEAVING_PRIMARY_BUDGET_MS };
    const [status, approval] = await Promise.all([
      readiness.check('accounts'),
      readiness.check('accounts', { leaving }),
    ]);
    const cached = await readiness.check('accounts');

    // Assert: two runs (3 attempts and 1 to us-east-1); the status's own result is the one cached.
    expect(status).not.toBe(approval);
    expect(cached).toBe(status);
    const east = attempts(world.calls.slice(from), 'us-east-1');
    expect(east.every((n) => n === 4)).toBe(true);
  });
});
