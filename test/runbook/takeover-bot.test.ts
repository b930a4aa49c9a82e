import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/records.js';
import { executionLeaseName } from '../../src/runbook/lease.js';
import { startWorld, type World } from '../approval/harness.js';
import { examplePlan } from './plan.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('the bot takes over an execution whose replica died (composition root)', () => {
  it('a replica started while the dead replica still held the lease resumes the execution on its periodic sweep once the lease expires', async () => {
    // Prepare: an approved failover whose replica took the 60 s lease and died (kill -9: no release).
    const plan = examplePlan();
    world = await startWorld(plan);
    const first = await world.start(plan);
    const id = randomUUID();
    const now = world.clock.now();
    const record: ExecutionRecord = {
      id,
      service: 'payments',
      kind: 'failover',
      mode: 'planned',
      state: 'approved',
      requestedBy: 'U0ALICE',
      reason: 'test',
      planHash: plan.hash,
      createdAtMs: now,
      updatedAtMs: now,
      steps: {},
    };
    await first.stores.executions.create(id, record);
    await first.runner.track(id);
    expect(await first.stores.leases.acquire(executionLeaseName(id), 'dead-replica', 60_000)).toBeDefined();
    await first.close(2_000);

    // Act: a replica starts (its start-up sweep finds the lease live), then the lease runs out.
    const bot = await world.start(plan, { sweepIntervalMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const atStart = await bot.stores.executions.get(id);
    world.clock.advance(60_000);
    let current = atStart;
    for (let i = 0; i < 600 && current?.state !== 'completed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      current = await bot.stores.executions.get(id);
    }

    await bot.runner.idle();
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();

    // Assert
    expect(atStart?.state).toBe('approved');
    expect(current?.state, current?.lastError).toBe('completed');
    // The bot's /metrics saw the steps it drove and holds no lease any more.
    expect(metrics).toMatch(
      /^lifeboat_step_duration_seconds_count\{kind="aurora-global",result="succeeded"\} 1$/m,
    );
    expect(metrics).toMatch(/^lifeboat_leases_held 0$/m);
    expect(metrics).toMatch(/^lifeboat_slack_queue_depth \d+$/m);
  }, 60_000);
});
