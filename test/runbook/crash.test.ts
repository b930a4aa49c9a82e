import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../../src/adapters/store/index.js';
import { createRunbookRunner } from '../../src/runbook/index.js';
import { Crash, crashingRunner } from './crash-runner.js';
import { startState, startWorld } from './world.js';

let state: Awaited<ReturnType<typeof startState>>;
beforeAll(async () => {
  state = await startState();
});
afterAll(async () => {
  await state?.close();
});

const MUTATIONS = [
  'dynamodb:PutItem',
  'ec2:RunInstances',
  'rds:SwitchoverGlobalCluster',
  'route53-recovery-cluster:UpdateRoutingControlStates',
  'sns:Publish',
];

describe('runbook crash recovery (in-process)', () => {
  it('completes after a crash at every step boundary, each mutating call made at most once', async () => {
    // Prepare: how many transitions a clean run persists.
    const clean = await startWorld(state);
    const cleanRun = crashingRunner(clean, Number.POSITIVE_INFINITY);
    await cleanRun.runner.run((await clean.approve('payments')).id);
    const boundaries = cleanRun.transitions();
    cleanRun.close();
    await clean.close();
    expect(boundaries).toBeGreaterThan(10);

    for (let n = 1; n < boundaries; n++) {
      const world = await startWorld(state);
      const execution = await world.approve('payments');
      const crashing = crashingRunner(world, n);
      // Act: the first runner dies after n transitions; a new one (lease expired) takes over.
      const crashed = await crashing.runner.run(execution.id).then(
        () => false,
        (error: unknown) => {
          if (!(error instanceof Crash)) throw error;
          return true;
        },
      );
      expect(crashed, `runner crashed after transition ${n}`).toBe(true);
      crashing.close();
      const later: Stores = createStores(state.documents, world.tableName, {
        now: () => Date.now() + 60_000,
      });
      const done = await createRunbookRunner(world.deps({ stores: later })).run(execution.id);
      // Assert
      expect(done.state, `crash after transition ${n}: ${done.lastError ?? ''}`).toBe('completed');
      const made = world.mutations();
      for (const m of MUTATIONS) {
        const count = made.filter((x) => x === m).length;
        expect(count, `${m} after a crash at transition ${n}`).toBeLessThanOrEqual(1);
        if (m !== 'sns:Publish') expect(count, `${m} after a crash at transition ${n}`).toBe(1);
      }
      await world.close();
    }
  }, 120_000);
});
