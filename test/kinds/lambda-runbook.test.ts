import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/types.js';
import { runner, type World, worldPerTest } from '../runbook/world.js';
import { lambdaPlan } from './lambda-fixture.js';

const worlds = worldPerTest();

/** Runs of the simulated functions (each invocation that ran the code, or was answered from its key store). */
function runs(world: World): string[] {
  const out: string[] = [];
  world.cloud.events.on('change', (c: { kind: string; id: string; invocation?: string }) => {
    if (c.kind === 'lambda-function' && c.invocation) out.push(`${c.id}:${c.invocation}`);
  });
  return out;
}

async function approved(world: World) {
  const execution = await world.approve('shop');
  await world.stores.approvals.record({
    executionId: execution.id,
    userId: 'U0BOB',
    decision: 'approve',
    atMs: Date.now(),
    planHash: world.plan.hash,
  });
  return execution;
}

const stepEntries = (entries: AuditEntry[], type: string) =>
  entries.filter((e) => e.type === type && e.details?.stepId === 'warm');

describe('lambda-invoke in a runbook against the simulated cloud', () => {
  it('invokes the recovery function once with who requested and approved, and records its answer', async () => {
    const world = await worlds.start({ plan: lambdaPlan() });
    const ran = runs(world);
    const events: unknown[] = [];
    world.cloud.events.on('call', (c: { operation: string; input: { Payload?: Uint8Array } }) => {
      if (c.operation === 'Invoke') events.push(JSON.parse(new TextDecoder().decode(c.input.Payload)));
    });
    const execution = await approved(world);

    const done = await runner(world).run(execution.id);

    expect(done.state).toBe('completed');
    expect(ran).toEqual(['shop-warm-caches:ok']);
    expect(world.mutations()).toEqual(['lambda:Invoke']);
    expect(events).toEqual([
      {
        lifeboat: expect.objectContaining({
          executionId: execution.id,
          stepId: 'warm',
          direction: 'failover',
          requestedBy: 'U0ALICE',
          approvedBy: ['U0BOB'],
          idempotencyKey: `lifeboat:${execution.id}:warm`,
        }),
        input: { tier: 'gold', keys: 500 },
      },
    ]);
    const step = done.steps.warm;
    expect(step).toMatchObject({ state: 'succeeded', region: 'us-west-2' });
    expect(step?.observed).toMatchObject({ statusCode: 200, functionError: null });
    expect(String(step?.observed?.result)).toContain(
      `shop-warm-caches in us-west-2 answered 200; payload: {"ok":true`,
    );
    expect(String(step?.observed?.excerpt)).toContain(`"idempotencyKey":"lifeboat:${execution.id}:warm"`);
    const entries = await world.auditEntries();
    expect(stepEntries(entries, 'step.intent')[0]?.details).toMatchObject({
      calls: ['lambda:Invoke'],
      region: 'us-west-2',
    });
    expect(stepEntries(entries, 'step.outcome')[0]?.details).toMatchObject({ result: 'succeeded' });
  });

  it('a function error pauses the runbook with the error; Retry after the fix invokes it again and completes', async () => {
    const world = await worlds.start({ plan: lambdaPlan() });
    const ran = runs(world);
    world.cloud.scenarios.lambdaFunction('us-west-2', 'shop-warm-caches', { behaviour: 'error' });
    const execution = await approved(world);
    const r = runner(world);

    const paused = await r.run(execution.id);

    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.pausedAtStep).toBe('warm');
    expect(paused.steps.warm?.error).toContain(
      'answered 200 with FunctionError Unhandled (Error: shop-warm-caches: downstream dependency refused the request',
    );
    world.cloud.scenarios.lambdaFunction('us-west-2', 'shop-warm-caches', { behaviour: 'ok' });
    await r.decide(execution.id, 'retry', 'U0BOB', { stepId: 'warm', attempt: 1 });
    await r.idle();
    const final = await world.stores.executions.get(execution.id);
    expect(final?.state).toBe('completed');
    expect(final?.steps.warm?.attempts).toBe(2);
    expect(ran).toEqual(['shop-warm-caches:error', 'shop-warm-caches:ok']);
  });

  it('a function that runs past its timeout pauses with "Task timed out"', async () => {
    const world = await worlds.start({ plan: lambdaPlan() });
    world.cloud.scenarios.lambdaFunction('us-west-2', 'shop-warm-caches', { timeoutS: 5, runMs: 60_000 });
    const paused = await runner(world).run((await approved(world)).id);
    expect(paused.pausedAtStep).toBe('warm');
    expect(paused.steps.warm?.error).toContain('Sandbox.Timedout: RequestId:');
    expect(paused.steps.warm?.error).toContain('Task timed out after 5.00 seconds');
  });

  it('after a crash between the intent and the answer it does not invoke again: it pauses and says what to check', async () => {
    const world = await worlds.start({ plan: lambdaPlan() });
    const ran = runs(world);
    const execution = await approved(world);
    // As a replica leaves it when it stops after recording the intent, before the call returned.
    const { version, ...record } = execution;
    await world.stores.executions.transition(execution.id, version, {
      ...record,
      state: 'running',
      startedAtMs: Date.now(),
      steps: { warm: { state: 'intent', attempts: 1, startedAtMs: Date.now(), region: 'us-west-2' } },
    });

    const paused = await runner(world).run(execution.id);

    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.steps.warm?.error).toContain('has no recorded outcome');
    expect(paused.steps.warm?.error).toContain(`lifeboat:${execution.id}:warm`);
    expect(ran).toEqual([]);
    expect(world.mutations()).toEqual([]);
  });

  it('a failback runs the primary Region’s clean-up function', async () => {
    const world = await worlds.start({ plan: lambdaPlan() });
    const ran = runs(world);
    const execution = await world.approve('shop');
    const { version, ...record } = execution;
    await world.stores.executions.transition(execution.id, version, { ...record, kind: 'failback' });
    const done = await runner(world).run(execution.id);
    expect(done.state).toBe('completed');
    expect(done.steps.cleanup).toMatchObject({ state: 'succeeded', region: 'us-east-1' });
    expect(ran).toEqual(['shop-cleanup:ok']);
  });
});

describe('the sandbox fault panel: function errors', () => {
  it('makes the resource’s function throw (the step pauses) until Heal everything', async () => {
    const { applyFault } = await import('../../src/sandbox/panel.js');
    const world = await worlds.start({ plan: lambdaPlan() });
    const ran = runs(world);
    applyFault(world.cloud.faults, { action: 'function-errors', resourceId: 'caches' });
    const execution = await approved(world);
    const r = runner(world);

    const paused = await r.run(execution.id);
    expect(paused.steps.warm?.error).toContain('FunctionError Unhandled');
    expect(world.cloud.faults.describe().functionErrors).toEqual(['caches']);

    applyFault(world.cloud.faults, { action: 'heal' });
    await r.decide(execution.id, 'retry', 'U0BOB', { stepId: 'warm', attempt: 1 });
    await r.idle();
    expect((await world.stores.executions.get(execution.id))?.state).toBe('completed');
    expect(ran).toEqual(['shop-warm-caches:error', 'shop-warm-caches:ok']);
  });
});

describe('lambda-invoke in a dry run', () => {
  it('lists the one Invoke in the function’s Region and invokes nothing; a function timeout beyond the step’s is a warning', async () => {
    const world = await worlds.start({ plan: lambdaPlan() });
    const r = runner(world);

    const failover = await r.dryRun('shop', 'planned');
    world.cloud.scenarios.lambdaFunction('us-west-2', 'shop-warm-caches', { timeoutS: 900 });
    const slow = await r.dryRun('shop', 'planned');
    const failback = await r.dryRun('shop', 'planned', 'failback');

    expect(failover.steps).toEqual([
      expect.objectContaining({
        id: 'warm',
        action:
          "Invoke Lambda function shop-warm-caches in us-west-2 synchronously with the execution's context",
        region: 'us-west-2',
        timeoutMs: 120_000,
        calls: [expect.objectContaining({ client: 'lambda', command: 'Invoke', region: 'us-west-2' })],
      }),
    ]);
    expect(failover.warnings).toEqual([]);
    expect(slow.warnings).toEqual([
      expect.stringContaining('900 s: a run longer than 120 s pauses the step'),
    ]);
    expect(failback.steps).toEqual([expect.objectContaining({ id: 'cleanup', region: 'us-east-1' })]);
    expect(world.mutations()).toEqual([]);
  });
});
