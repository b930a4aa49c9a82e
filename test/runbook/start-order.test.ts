import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../../src/audit/types.js';
import type { ActiveIndex } from '../../src/runbook/active-index.js';
import { executionLeaseName } from '../../src/runbook/lease.js';
import type { RunbookDeps } from '../../src/runbook/types.js';
import { READ, runner, type World, worldPerTest } from './world.js';

/**
 * Issue 19: the approval hands an execution to the runbook with `track` and `run` at once, and `run` reads the
 * record beside taking the lease. What must still hold, in order: listed as active before it is marked running,
 * `execution.started` and the step's intent audited before the first mutating call, and a failed read never
 * leaves the lease held.
 */

const worlds = worldPerTest();

/** Deps that note, in one sequence, the index writes, the transitions, the audit entries and the mutating calls. */
function observed(world: World, options: { failFirstAdd?: boolean } = {}) {
  const order: string[] = [];
  const base = world.deps();
  const index = base.activeIndex as ActiveIndex;
  let adds = 0;
  const activeIndex: ActiveIndex = {
    ...index,
    add: async (id) => {
      adds += 1;
      if (options.failFirstAdd && adds === 1) throw new Error('table unavailable');
      await index.add(id);
      order.push('listed');
    },
  };
  const executions = world.stores.executions;
  const stores: RunbookDeps['stores'] = {
    ...world.stores,
    executions: {
      ...executions,
      get: (id) => executions.get(id),
      create: (id, record) => executions.create(id, record),
      transition: async (id, version, next) => {
        const written = await executions.transition(id, version, next);
        order.push(`state ${written.state}`);
        return written;
      },
    },
  };
  const audit: AuditLog = {
    ...world.audit,
    append: async (event) => {
      const entry = await world.audit.append(event);
      order.push(`audit ${event.type}`);
      return entry;
    },
  };
  world.cloud.events.on('call', (c: { operation: string; outcome: string }) => {
    if (c.outcome === 'ok' && !READ.test(c.operation)) order.push(`call ${c.operation}`);
  });
  return { order, deps: { activeIndex, stores, audit } };
}

describe('the runbook started by an approval', () => {
  it('tracked and run at once: listed before running, started and intent audited before the first mutating call', async () => {
    // Prepare
    const world = await worlds.start();
    const execution = await world.approve('payments');
    const { order, deps } = observed(world);
    const r = runner(world, deps);

    // Act
    const [, done] = await Promise.all([r.track(execution.id), r.run(execution.id)]);

    // Assert: one listing (the drive reused the one `track` wrote), in order before any mutating call.
    expect(done.state).toBe('completed');
    expect(order.filter((o) => o === 'listed')).toHaveLength(1);
    const first = order.findIndex((o) => o.startsWith('call '));
    expect(order.indexOf('listed')).toBeLessThan(order.indexOf('state running'));
    expect(order.indexOf('state running')).toBeLessThan(order.indexOf('audit execution.started'));
    expect(order.indexOf('audit execution.started')).toBeLessThan(order.indexOf('audit step.intent'));
    expect(order.indexOf('audit step.intent')).toBeLessThan(first);
    expect(first).toBeGreaterThan(0);
  });

  it('lists the execution itself before running it when the listing `track` wrote failed', async () => {
    // Prepare
    const world = await worlds.start();
    const execution = await world.approve('payments');
    const { order, deps } = observed(world, { failFirstAdd: true });
    const r = runner(world, deps);

    // Act
    const [tracked, ran] = await Promise.allSettled([r.track(execution.id), r.run(execution.id)]);

    // Assert
    expect(tracked.status).toBe('rejected');
    expect(ran.status === 'fulfilled' ? ran.value.state : ran.reason).toBe('completed');
    expect(order.indexOf('listed')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('listed')).toBeLessThan(order.indexOf('state running'));
  });

  it('gives the lease up when the read taken beside it fails, so another replica (or a retry) can drive', async () => {
    // Prepare: the first read of the execution fails.
    const world = await worlds.start();
    const execution = await world.approve('payments');
    let reads = 0;
    const executions = world.stores.executions;
    const stores: RunbookDeps['stores'] = {
      ...world.stores,
      executions: {
        ...executions,
        get: (id) => {
          reads += 1;
          return reads === 1 ? Promise.reject(new Error('table unavailable')) : executions.get(id);
        },
        create: (id, record) => executions.create(id, record),
        transition: (id, version, next) => executions.transition(id, version, next),
      },
    };
    const r = runner(world, { stores });

    // Act
    const failed = await r.run(execution.id).catch((error: Error) => error);

    // Assert: no lease left behind, nothing called; a second run drives it.
    expect(failed).toBeInstanceOf(Error);
    expect(await world.stores.leases.current(executionLeaseName(execution.id))).toBeUndefined();
    expect(world.mutations()).toEqual([]);
    expect((await r.run(execution.id)).state).toBe('completed');
  });
});
