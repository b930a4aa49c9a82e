import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../../src/audit/types.js';
import { createDrillDecisions } from '../../src/drills/decisions.js';
import { createDrillRequests } from '../../src/drills/requests.js';
import { type DrillWorld, drillWorldPerTest, planApprovers } from './fixture.js';

/** An audit log whose appends of the given types fail. */
function flaky(audit: AuditLog) {
  const failing = new Set<string>();
  const log: AuditLog = {
    ...audit,
    append: (e) =>
      failing.has(e.type) ? Promise.reject(new Error('audit table unavailable')) : audit.append(e),
  };
  return { log, failing };
}

async function requested(world: DrillWorld, requests = world.requests) {
  const out = await requests.request({
    service: 'payments',
    requestedBy: 'U0ALICE',
    reason: 'quarterly drill',
    channel: 'C0PAYMENTS',
  });
  if (out.kind !== 'pending') throw new Error(`not pending: ${out.kind}`);
  return out.drill.id;
}

describe('drill decisions are authorised and audited before they take effect', () => {
  const worlds = drillWorldPerTest();

  it('counts no drill approval the audit log could not record, and a later click starts the drill', async () => {
    // Prepare
    const world = await worlds.start();
    const audit = flaky(world.audit);
    const requests = createDrillRequests({
      stores: world.drillStores,
      approvals: world.stores.approvals,
      approvers: planApprovers,
      audit: audit.log,
      getPlan: () => world.plan,
      clock: world.clock,
    });
    const id = await requested(world, requests);
    audit.failing.add('decision.intent').add('approval.granted');

    // Act
    const failed = await requests.approve(id, 'U0BOB').catch((error: Error) => error);
    audit.failing.clear();
    const again = await requests.approve(id, 'U0BOB');

    // Assert
    expect(failed).toBeInstanceOf(Error);
    expect(again.kind).toBe('started');
    const types = (await world.auditEntries()).filter((e) => e.executionId === id).map((e) => e.type);
    expect(types.indexOf('decision.intent')).toBeLessThan(types.indexOf('approval.granted'));
  });

  it('refuses Keep running and Clean up now to non-approvers (audited), and audits an approver’s before it applies', async () => {
    // Prepare: a measured drill waiting for its cleanup.
    const world = await worlds.start();
    await world.writeRecentData();
    const id = await requested(world);
    expect((await world.requests.approve(id, 'U0BOB')).kind).toBe('started');
    const engine = world.engine();
    expect((await engine.drive(id))?.state).toBe('awaitingCleanup');
    const before = await world.drillStores.drills.get(id);
    const decisions = createDrillDecisions({
      stores: world.drillStores,
      engine,
      approvers: planApprovers,
      audit: world.audit,
      getPlan: () => world.plan,
    });

    // Act
    const stranger = await decisions.decide(id, 'U0MALLORY', 'keep');
    const strangerCleanup = await decisions.decide(id, 'U0MALLORY', 'cleanup');
    const unchanged = await world.drillStores.drills.get(id);
    const kept = await decisions.decide(id, 'U0BOB', 'keep');

    // Assert
    expect(stranger.kind).toBe('refused');
    expect(strangerCleanup.kind).toBe('refused');
    expect(unchanged?.cleanupAtMs).toBe(before?.cleanupAtMs);
    expect(kept.kind).toBe('done');
    expect(kept.kind === 'done' ? kept.drill.cleanupAtMs : 0).toBeGreaterThan(before?.cleanupAtMs ?? 0);
    const entries = (await world.auditEntries()).filter((e) => e.executionId === id);
    expect(entries.filter((e) => e.type === 'auth.refused' && e.actor === 'U0MALLORY')).toHaveLength(2);
    const types = entries.map((e) => e.type);
    expect(types.lastIndexOf('decision.intent')).toBeLessThan(types.indexOf('drill.kept'));
  });

  it('changes nothing when the audit log refuses the intent of Clean up now', async () => {
    // Prepare
    const world = await worlds.start();
    await world.writeRecentData();
    const id = await requested(world);
    await world.requests.approve(id, 'U0BOB');
    const engine = world.engine();
    await engine.drive(id);
    const before = await world.drillStores.drills.get(id);
    const audit = flaky(world.audit);
    audit.failing.add('decision.intent');
    const decisions = createDrillDecisions({
      stores: world.drillStores,
      engine,
      approvers: planApprovers,
      audit: audit.log,
      getPlan: () => world.plan,
    });

    // Act
    const attempt = decisions.decide(id, 'U0BOB', 'cleanup');

    // Assert
    await expect(attempt).rejects.toThrow(/audit/);
    expect((await world.drillStores.drills.get(id))?.version).toBe(before?.version);
  });
});
