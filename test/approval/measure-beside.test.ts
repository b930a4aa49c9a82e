import { describe, expect, it } from 'vitest';
import type { Preconditions } from '../../src/approval/preconditions.js';
import { createFailoverRequests, type FailoverRequestsDeps } from '../../src/approval/requests.js';
import { createRequestStore } from '../../src/approval/store.js';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import { type DrillWorld, drillWorldPerTest, planApprovers } from '../drills/fixture.js';
import { decisionActions, requestFailback } from './decision-deps.js';

/**
 * Issue 19: the approval-time measurement runs beside the checks that do not depend on it and beside the intent's
 * audit entry. Whatever finishes first, nothing counts (approval item, outcome entry, transition, runbook) until
 * the measurement is in and passed, and a refusal by any check starts nothing.
 */

const TABLE = 'lifeboat-drills';

/** A promise the test settles by hand, and whether anyone asked for it. */
function gate<T>() {
  let settle: { resolve: (v: T) => void; reject: (e: unknown) => void } | undefined;
  const state = { asked: 0 };
  const promise = new Promise<T>((resolve, reject) => {
    settle = { resolve, reject };
  });
  return {
    state,
    wait: () => {
      state.asked += 1;
      return promise;
    },
    resolve: (v: T) => settle?.resolve(v),
    reject: (e: unknown) => settle?.reject(e),
  };
}

/** The approval flow with a runner that records whether it was handed anything. */
function flow(w: DrillWorld, extra: Partial<FailoverRequestsDeps>) {
  const requests = createFailoverRequests({
    stores: w.stores,
    requests: createRequestStore(w.documents, TABLE),
    audit: w.audit,
    approvers: planApprovers,
    readiness: { check: () => Promise.reject(new Error('not measured in this test')) },
    getPlan: () => w.plan,
    clock: w.clock,
    ...extra,
  });
  const { actions, started, deps } = decisionActions(w, requests);
  return { requests, actions, started, inflight: deps.inflight };
}

const types = async (w: DrillWorld, id: string) =>
  (await w.auditEntries()).filter((e) => e.executionId === id).map((e) => e.type);

/** Lets the approval run until it waits on the measurement (DynamoDB round trips are real I/O). */
async function until(condition: () => Promise<boolean>) {
  for (let i = 0; i < 500 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('the approval-time measurement runs beside the rest of the approval', () => {
  const worlds = drillWorldPerTest();

  it('audits the intent while measuring, and counts nothing until the measurement passed; then audit precedes the runbook', async () => {
    // Prepare: a failback whose measurement the test holds.
    const w = await worlds.start();
    const measurement = gate<Preconditions>();
    const { requests, actions, started } = flow(w, { failbackPreconditions: measurement.wait });
    const request = await requestFailback(requests);
    const id = request.id;

    // Act: Bob approves; the measurement is still running when the intent is in the log.
    const approving = actions.approve({ executionId: id, digest: request.digest, userId: 'U0BOB' });
    await until(async () => (await types(w, id)).includes('decision.intent'));

    // Assert: measuring, intent audited, nothing counted or started yet.
    expect(measurement.state.asked).toBe(1);
    expect(await types(w, id)).toEqual(['request.created', 'decision.intent']);
    expect(await w.stores.approvals.list(id)).toEqual([]);
    expect((await w.stores.executions.get(id))?.state).toBe('pendingApproval');
    expect(started).toEqual([]);

    // Act: the measurement passes.
    measurement.resolve({ ok: true, checkedAt: w.clock.now(), lines: [] });
    await approving;

    // Assert: intent, item, outcome, transition, then the runbook.
    expect(await types(w, id)).toEqual(['request.created', 'decision.intent', 'approval.granted']);
    expect((await w.stores.approvals.list(id)).map((a) => a.userId)).toEqual(['U0BOB']);
    expect((await w.stores.executions.get(id))?.state).toBe('approved');
    expect(started).toEqual([`track ${id}`, `run ${id}`]);
  });

  it('still refuses a service whose measurement is not ready, after its audited intent, and starts nothing', async () => {
    // Prepare
    const w = await worlds.start();
    const { requests, actions, started } = flow(w, {
      failbackPreconditions: async () => ({
        ok: false,
        checkedAt: w.clock.now(),
        lines: [{ status: 'fail', text: 'payments-db: replication back not caught up' }],
      }),
    });
    const request = await requestFailback(requests);
    const id = request.id;

    // Act
    const answer = await actions.approve({ executionId: id, digest: request.digest, userId: 'U0BOB' });

    // Assert
    expect(answer.text).toContain('replication back not caught up');
    expect(await types(w, id)).toEqual(['request.created', 'decision.intent', 'approval.refused']);
    expect(await w.stores.approvals.list(id)).toEqual([]);
    expect((await w.stores.executions.get(id))?.state).toBe('pendingApproval');
    expect(started).toEqual([]);
  });

  it('refuses a stale request while its measurement is in flight: no intent, nothing recorded, nothing started', async () => {
    // Prepare: an automatic failover request whose incident resolved; readiness would answer later.
    const w = await worlds.start();
    const readiness = gate<ServiceReadiness>();
    const { requests, actions, started, inflight } = flow(w, {
      readiness: { check: readiness.wait },
      incidentOpen: async () => false,
    });
    const out = await requests.create({
      service: 'payments',
      mode: 'unplanned',
      reason: 'alarm',
      requestedBy: 'U0ALICE',
      source: 'alarm',
      alarmName: 'payments-db-replica-lag',
      incidentId: 'payments-incident-1',
      where: { channel: 'C0PAYMENTS' },
    });
    if (out.kind !== 'created') throw new Error(out.kind);
    const id = out.request.id;

    // Act: refused while the readiness measurement has not answered; then it fails.
    const answer = await actions.approve({ executionId: id, digest: out.request.digest, userId: 'U0BOB' });
    readiness.reject(new Error('AWS unreachable'));
    await inflight.drain(5_000);

    // Assert: the measurement ran beside the check, and the refusal left nothing behind.
    expect(readiness.state.asked).toBe(1);
    expect(answer.text).toContain('stale');
    const seen = await types(w, id);
    expect(seen).toContain('approval.refused');
    expect(seen).not.toContain('decision.intent');
    expect(seen).not.toContain('approval.granted');
    expect(await w.stores.approvals.list(id)).toEqual([]);
    expect((await w.stores.executions.get(id))?.state).toBe('expired');
    expect(started).toEqual([]);
  });
});
