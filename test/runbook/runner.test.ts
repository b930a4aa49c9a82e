import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/runbook/index.js';
import { runner, worldPerTest } from './world.js';

const worlds = worldPerTest();

type Records = ReturnType<
  Awaited<ReturnType<typeof worlds.start>>['cloud']['snapshot']
>['route53']['records'];

/** The zone's records once the SECONDARY serves, or as they are after 2 s (the health checkers' lag is 15 ms here). */
async function settledRecords(
  world: Awaited<ReturnType<typeof worlds.start>>,
  zoneId: string,
): Promise<Records> {
  const read = () => world.cloud.snapshot().route53.records.filter((r) => r.zoneId === zoneId);
  for (const deadline = Date.now() + 2_000; Date.now() < deadline; ) {
    if (read().find((r) => r.failover === 'SECONDARY')?.serving) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return read();
}

describe('runbook runner against the simulated cloud', () => {
  it('completes the payments failover with each mutating call made once, intents audited before outcomes', async () => {
    // Prepare
    const world = await worlds.start();
    const execution = await world.approve('payments');
    // Act
    const done = await runner(world).run(execution.id);
    // Assert
    expect(done.state).toBe('completed');
    expect(world.mutations().sort()).toEqual([
      'autoscaling:UpdateAutoScalingGroup',
      'dynamodb:PutItem',
      'ec2:RunInstances',
      'ecs:UpdateService',
      'rds:SwitchoverGlobalCluster',
      'route53-recovery-cluster:UpdateRoutingControlStates',
      'sns:Publish',
    ]);
    expect(Object.values(done.steps).map((s) => s.state)).toEqual(Array(8).fill('succeeded'));
    const entries = await world.auditEntries();
    const types = entries.filter((e) => e.details.stepId === 'promote-db').map((e) => e.type);
    expect(types).toEqual(['step.intent', 'step.outcome']);
    expect(entries.map((e) => e.type)).toContain('execution.completed');
    expect(world.changes.at(-1)?.state).toBe('completed');
    const snapshot = JSON.stringify(world.cloud.snapshot());
    expect(snapshot).toContain('payments-usw2');
  });

  it('fails over unplanned during a us-east-1 outage that takes Route 53 down: DNS moves on ARC routing controls', async () => {
    // Prepare
    const world = await worlds.start();
    world.cloud.faults.regionOutage('us-east-1');
    const execution = await world.approve('payments', 'unplanned');
    // Act
    const done = await runner(world).run(execution.id);
    // Assert
    expect(done.state, done.lastError).toBe('completed');
    expect(world.mutations()).toContain('rds:FailoverGlobalCluster');
    expect(world.mutations()).toContain('route53-recovery-cluster:UpdateRoutingControlStates');
    expect(world.calls.filter((c) => c.service === 'route53' && c.outcome === 'ok')).toEqual([]);
    const arcCalls = world.calls.filter((c) => c.service === 'route53-recovery-cluster');
    expect(arcCalls.every((c) => c.region !== 'us-east-1')).toBe(true);
    // Route 53's health checkers follow the routing controls with a lag (the simulation's `healthFlip`, 30 s of
    // model time, 15 ms at this world's speed). Known gap: the ARC step reports done when the controls read as
    // set, before the checkers follow (docs/runbook.md); until it waits for them, read the records once the lag
    // has passed, bounded so that records that never move still fail the test.
    const records = await settledRecords(world, 'Z0PAYMENTSZONE');
    expect(records.find((r) => r.failover === 'SECONDARY')?.serving).toBe(true);
    expect(records.find((r) => r.failover === 'PRIMARY')?.serving).toBe(false);
  });

  it('pauses with the reason when an ARC safety rule refuses the change, and never reports DNS moved', async () => {
    // Prepare
    const world = await worlds.start();
    world.cloud.faults.failOperation('route53-recovery-cluster:UpdateRoutingControlStates', {
      times: 100,
      error: 'ConflictException',
      status: 409,
    });
    const execution = await world.approve('payments');
    // Act
    const paused = await runner(world).run(execution.id);
    // Assert
    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.pausedAtStep).toBe('flip-dns');
    expect(paused.lastError).toContain('ConflictException');
    // A cluster's refusal is the same on every endpoint: one call, not one per endpoint.
    const updates = world.calls.filter((c) => c.operation === 'UpdateRoutingControlStates');
    expect(updates).toHaveLength(1);
    const records = world.cloud.snapshot().route53.records.filter((r) => r.zoneId === 'Z0PAYMENTSZONE');
    expect(records.find((r) => r.failover === 'PRIMARY')?.serving).toBe(true);
  });

  it('pauses on a failed step and completes after Retry, audited as step.retry', async () => {
    // Prepare
    const world = await worlds.start();
    world.cloud.faults.failOperation('rds:SwitchoverGlobalCluster', {
      times: 1,
      error: 'InvalidGlobalClusterStateFault',
      status: 400,
    });
    const execution = await world.approve('payments');
    const r = runner(world);
    // Act
    const paused = await r.run(execution.id);
    const decided = await r.decide(execution.id, 'retry', 'U0BOB');
    await r.idle();
    // Assert
    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.pausedAtStep).toBe('promote-db');
    expect(paused.lastError).toContain('InvalidGlobalClusterStateFault');
    expect(decided.state).toBe('running');
    const final = await world.stores.executions.get(execution.id);
    expect(final?.state).toBe('completed');
    expect(final?.steps['promote-db']?.attempts).toBe(2);
    expect(final?.steps['promote-db']?.decidedBy).toBe('U0BOB');
    const retry = (await world.auditEntries()).find((e) => e.type === 'step.retry');
    expect(retry?.actor).toBe('U0BOB');
  });

  it('skips a failed check on Skip and completes, other steps of its parallel group finishing', async () => {
    // Prepare
    const world = await worlds.start();
    world.cloud.faults.failOperation('s3:GetBucketVersioning', {
      times: 100,
      error: 'AccessDenied',
      status: 403,
    });
    const execution = await world.approve('payments');
    const r = runner(world);
    // Act
    const paused = await r.run(execution.id);
    world.cloud.faults.heal();
    await r.decide(execution.id, 'skip', 'U0BOB');
    await r.idle();
    // Assert
    expect(paused.pausedAtStep).toBe('check-receipts');
    expect(paused.steps['promote-db']?.state).toBe('succeeded');
    const final = await world.stores.executions.get(execution.id);
    expect(final?.state).toBe('completed');
    expect(final?.steps['check-receipts']?.state).toBe('skipped');
    expect(final?.steps['start-api']?.state).toBe('succeeded');
    expect((await world.auditEntries()).some((e) => e.type === 'step.skip' && e.actor === 'U0BOB')).toBe(
      true,
    );
  });

  it('aborts plainly: which resources are in which Region’s hands', async () => {
    // Prepare
    const world = await worlds.start();
    world.cloud.faults.failOperation('route53-recovery-cluster:UpdateRoutingControlStates', {
      times: 100,
      error: 'AccessDeniedException',
      status: 403,
    });
    const execution = await world.approve('payments');
    const r = runner(world);
    const paused = await r.run(execution.id);
    // Act
    const aborted = await r.decide(execution.id, 'abort', 'U0CAROL');
    // Assert
    expect(paused.pausedAtStep).toBe('flip-dns');
    expect(aborted.state).toBe('aborted');
    expect(aborted.abortedBy).toBe('U0CAROL');
    const byResource = Object.fromEntries(
      (aborted.abortSummary?.resources ?? []).map((x) => [x.resourceId, [x.status, x.region]]),
    );
    expect(byResource).toEqual({
      'payments-db': ['moved', 'us-west-2'],
      'payments-api': ['moved', 'us-west-2'],
      'payments-ledger': ['moved', 'us-west-2'],
      'payments-receipts': ['moved', 'us-west-2'],
      'payments-web': ['moved', 'us-west-2'],
      'payments-workers': ['moved', 'us-west-2'],
      'payments-routing': ['unchanged', 'us-east-1'],
    });
    expect(aborted.abortSummary?.text).toContain("payments-routing: still in us-east-1's hands");
    expect((await world.auditEntries()).some((e) => e.type === 'execution.aborted')).toBe(true);
    await expect(r.decide(execution.id, 'retry', 'U0BOB')).rejects.toMatchObject({ code: 'not_paused' });
  });

  it('refuses a decision on an execution that is not paused', async () => {
    // Prepare
    const world = await worlds.start();
    const execution = await world.approve('accounts');
    // Act
    const attempt = runner(world).decide(execution.id, 'skip', 'U0BOB');
    // Assert
    await expect(attempt).rejects.toBeInstanceOf(RunbookError);
    await expect(attempt).rejects.toMatchObject({ code: 'not_paused' });
  });

  it('waits while the RDS replica is backing up, then promotes it once', async () => {
    // Prepare
    const world = await worlds.start();
    world.cloud.faults.backingUp('accounts-db-usw2', { region: 'us-west-2', durationMs: 120_000 });
    const execution = await world.approve('accounts');
    // Act
    const done = await runner(world).run(execution.id);
    // Assert
    expect(done.state, done.lastError).toBe('completed');
    expect(world.mutations().filter((m) => m === 'rds:PromoteReadReplica')).toHaveLength(1);
  });

  it('lets only one of two racing runners drive an execution', async () => {
    // Prepare
    const world = await worlds.start();
    const execution = await world.approve('payments');
    const a = runner(world);
    const b = runner(world);
    // Act
    const [ra, rb] = await Promise.all([a.run(execution.id), b.run(execution.id)]);
    // Assert
    const states = [ra.state, rb.state].sort();
    // The loser returns the record as it found it, before the winner's first transition or during the run.
    expect(states.filter((s) => s === 'completed')).toHaveLength(1);
    expect(world.mutations().filter((m) => m === 'rds:SwitchoverGlobalCluster')).toHaveLength(1);
    expect((await world.auditEntries()).filter((e) => e.type === 'execution.started')).toHaveLength(1);
  });

  it('resumes on start only executions that are approved or running and whose lease is free', async () => {
    // Prepare
    const world = await worlds.start();
    const first = world.deps();
    const approved = await world.approve('accounts');
    const pending = await world.approve('payments');
    await world.stores.executions.transition(pending.id, pending.version, {
      ...pending,
      state: 'pendingApproval',
    });
    const index = first.activeIndex;
    await index?.add(approved.id);
    await index?.add(pending.id);
    await index?.add('gone');
    // Act
    await runner(world).resumeAll();
    // Assert
    expect((await world.stores.executions.get(approved.id))?.state).toBe('completed');
    expect((await world.stores.executions.get(pending.id))?.state).toBe('pendingApproval');
    expect((await index?.list())?.sort()).toEqual([pending.id]);
  });
});
