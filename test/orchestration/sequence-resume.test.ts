import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/records.js';
import { runner, type World, worldPerTest } from '../runbook/world.js';

/**
 * A request for several services after a crash: whichever replica resumes, a later service never starts before the
 * one it recovers after completed, and each mutating call is made once.
 */
describe('request for several services: resume after a crash', () => {
  const worlds = worldPerTest();

  const member = async (
    w: World,
    id: string,
    service: string,
    index: number,
    state: ExecutionRecord['state'],
  ) => {
    const now = Date.now();
    const group = { id: 'grp-1', services: ['accounts', 'payments'], index };
    return w.stores.executions.create(id, {
      id,
      service,
      kind: 'failover',
      mode: 'unplanned',
      state,
      requestedBy: 'U0ALICE',
      reason: 'test',
      planHash: w.plan.hash,
      createdAtMs: now,
      updatedAtMs: now,
      steps: {},
      group,
    });
  };

  it('holds the later service while the first runs, then runs it once the first completed', async () => {
    const w = await worlds.start();
    // Both listed as active and approved, as after a crash between approving the next and completing the first.
    await member(w, 'grp-1', 'accounts', 0, 'approved');
    await member(w, 'grp-1.1', 'payments', 1, 'approved');
    const r = runner(w);
    await r.track('grp-1');
    await r.track('grp-1.1');

    await r.resumeAll();
    await expect
      .poll(async () => (await w.stores.executions.get('grp-1.1'))?.state, { timeout: 60_000, interval: 100 })
      .toBe('completed');
    await r.idle();

    const first = await w.stores.executions.get('grp-1');
    const second = await w.stores.executions.get('grp-1.1');
    expect(first?.state).toBe('completed');
    expect(second?.startedAtMs).toBeGreaterThanOrEqual(first?.finishedAtMs ?? Number.POSITIVE_INFINITY);
    const mutations = w.mutations();
    expect(mutations.filter((m) => m === 'rds:PromoteReadReplica')).toHaveLength(1);
    expect(mutations.filter((m) => m === 'rds:FailoverGlobalCluster')).toHaveLength(1);
    const started = (await w.auditEntries())
      .filter((e) => e.type === 'execution.started')
      .map((e) => e.service);
    expect(started).toEqual(['accounts', 'payments']);
    await r.stop();
  }, 90_000);

  it('a replica that resumes after the first completed runs the next (approved, listed) service', async () => {
    const w = await worlds.start();
    await member(w, 'grp-1', 'accounts', 0, 'completed');
    await member(w, 'grp-1.1', 'payments', 1, 'approved');
    const r = runner(w);
    await r.track('grp-1.1');

    await r.resumeAll();
    await r.idle();

    expect((await w.stores.executions.get('grp-1.1'))?.state).toBe('completed');
    expect(w.mutations().filter((m) => m === 'rds:FailoverGlobalCluster')).toHaveLength(1);
    await r.stop();
  }, 90_000);

  it('an abort of the first service aborts the later one, which never started', async () => {
    const w = await worlds.start();
    await member(w, 'grp-1', 'accounts', 0, 'pausedByFailedStep');
    await member(w, 'grp-1.1', 'payments', 1, 'pendingApproval');
    const r = runner(w);

    await r.decide('grp-1', 'abort', 'U0BOB');

    const later = await w.stores.executions.get('grp-1.1');
    expect(later?.state).toBe('aborted');
    expect(later?.abortSummary?.text).toContain('payments: not started');
    expect(w.mutations()).toEqual([]);
    await r.stop();
  }, 60_000);
});
