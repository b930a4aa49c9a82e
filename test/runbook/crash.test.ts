import type { FinalizeRequestMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import { createStores, type Stores } from '../../src/adapters/store/index.js';
import type { AuditLog } from '../../src/audit/types.js';
import { createRunbookRunner } from '../../src/runbook/index.js';
import { startState, startWorld, type World } from './world.js';

class Crash extends Error {
  constructor() {
    super('crashed');
    this.name = 'Crash';
  }
}

/**
 * A runner whose process "dies" right after its N-th persisted transition: from then on every store
 * call, audit append, AWS call and sleep fails at once, as if the process were gone. AWS calls already
 * sent still take effect in the simulated cloud.
 */
function crashingRunner(world: World, crashAfter: number) {
  let transitions = 0;
  let dead = false;
  const check = () => {
    if (dead) throw new Crash();
  };
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, key) {
        const value = Reflect.get(obj, key) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          check();
          const out = await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
          check();
          return out;
        };
      },
    });
  const executions = wrap(world.stores.executions);
  const stores: Stores = {
    ...world.stores,
    leases: wrap(world.stores.leases),
    executions: {
      ...executions,
      async transition(id, expected, next, options) {
        const saved = await executions.transition(id, expected, next, options);
        transitions += 1;
        if (transitions >= crashAfter) dead = true;
        check();
        return saved;
      },
    },
  };
  const aws = createAwsClients({
    maxAttempts: 1,
    onClient: (client, region) => {
      world.cloud.attach(client, region);
      const stack = client.middlewareStack as unknown as MiddlewareStack<object, MetadataBearer>;
      const gate: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => async (args) => {
        check();
        return next(args);
      };
      stack.add(gate, { step: 'finalizeRequest', priority: 'high', name: 'crashGate' });
    },
  });
  const audit: AuditLog = wrap(world.audit);
  const runner = createRunbookRunner(
    world.deps({
      stores,
      aws,
      audit,
      sleep: async (ms) => {
        check();
        await new Promise((resolve) => setTimeout(resolve, ms));
        check();
      },
    }),
  );
  return { runner, transitions: () => transitions, close: () => aws.destroy() };
}

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
  'route53:UpdateHealthCheck',
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
