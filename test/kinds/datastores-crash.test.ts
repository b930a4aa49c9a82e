import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../../src/adapters/store/index.js';
import { createRunbookRunner } from '../../src/runbook/index.js';
import { Crash, crashingRunner } from '../runbook/crash-runner.js';
import { startState, startWorld } from '../runbook/world.js';
import { datastoresPlan } from './datastores-fixture.js';

let state: Awaited<ReturnType<typeof startState>>;
beforeAll(async () => {
  state = await startState();
});
afterAll(async () => {
  await state?.close();
});

const MUTATIONS = ['elasticache:FailoverGlobalReplicationGroup', 'docdb:SwitchoverGlobalCluster'];

describe('ElastiCache and DocumentDB steps across crashes', () => {
  it('complete after a crash at every step boundary, each promotion sent exactly once', async () => {
    const clean = await startWorld(state, { plan: datastoresPlan() });
    const cleanRun = crashingRunner(clean, Number.POSITIVE_INFINITY);
    await cleanRun.runner.run((await clean.approve('storefront')).id);
    const boundaries = cleanRun.transitions();
    cleanRun.close();
    await clean.close();
    expect(boundaries).toBeGreaterThan(4);

    for (let n = 1; n < boundaries; n++) {
      const world = await startWorld(state, { plan: datastoresPlan() });
      const execution = await world.approve('storefront');
      const crashing = crashingRunner(world, n);
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
      expect(done.state, `crash after transition ${n}: ${done.lastError ?? ''}`).toBe('completed');
      const made = world.mutations();
      for (const m of MUTATIONS)
        expect(made.filter((x) => x === m).length, `${m} after a crash at transition ${n}`).toBe(1);
      await world.close();
    }
  }, 120_000);
});
