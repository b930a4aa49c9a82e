import { describe, expect, it } from 'vitest';
import { listDrillResources } from '../../src/drills/measured.js';
import { DRILL_PREFIX, DRILL_TAG } from '../../src/drills/types.js';
import { drillWorldPerTest, isMutating, type SimCall } from './fixture.js';

/** Every identifier a mutating call names, by operation. */
function targets(call: SimCall): string[] {
  const i = call.input;
  const pick = (...keys: string[]) => keys.map((k) => i[k]).filter((v): v is string => typeof v === 'string');
  switch (call.operation) {
    case 'TerminateInstances':
      return (i.InstanceIds as string[]) ?? [];
    case 'RunInstances': {
      const specs = (i.TagSpecifications as { Tags?: { Key?: string; Value?: string }[] }[]) ?? [];
      return specs.flatMap((s) => (s.Tags ?? []).filter((t) => t.Key === 'Name').map((t) => t.Value ?? ''));
    }
    default:
      return pick(
        'DBClusterIdentifier',
        'DBInstanceIdentifier',
        'TargetDBInstanceIdentifier',
        'Bucket',
        'TableName',
        'GlobalClusterIdentifier',
      );
  }
}

describe('drills in the simulated cloud', () => {
  const worlds = drillWorldPerTest();

  it('runs a drill end to end: restores, launches, reads, records measured RTO and RPO, then cleans up', async () => {
    // Prepare
    const world = await worlds.start();
    await world.writeRecentData();
    const requested = await world.requests.request({
      service: 'payments',
      requestedBy: 'U0ALICE',
      reason: 'quarterly drill',
      channel: 'C0PAYMENTS',
    });
    expect(requested.kind).toBe('pending');
    const id = requested.kind === 'pending' ? requested.drill.id : '';
    expect((await world.requests.approve(id, 'U0BOB')).kind).toBe('started');
    const engine = world.engine();

    // Act
    const measured = await engine.drive(id);

    // Assert
    expect(measured?.state).toBe('awaitingCleanup');
    const result = measured?.result;
    expect(result?.rtoMs).toBeGreaterThan(10 * 60_000); // an Aurora restore plus its instance
    expect(result?.rpoMs).toBeGreaterThan(0);
    expect(result?.rpoMs).toBeLessThan(60_000);
    for (const step of ['payments-db', 'payments-api', 'payments-receipts', 'payments-ledger'])
      expect(measured?.steps[step]?.state, step).toBe('ready');
    expect(measured?.steps['payments-db']?.rpoMs).toBeGreaterThan(60 * 60_000); // restored from a nightly snapshot
    const [stored] = await world.drillStores.results('payments');
    expect(stored).toMatchObject({ drillId: id, rtoMs: result?.rtoMs, rpoMs: result?.rpoMs });
    const completed = (await world.auditEntries()).find((e) => e.type === 'drill.completed');
    expect(completed?.details).toMatchObject({ rtoMs: result?.rtoMs, rpoMs: result?.rpoMs });
    await world.durations.refresh();
    expect(world.durations.latest('payments', 'start-api')).toBe(measured?.steps['payments-api']?.rtoMs);
    expect(world.durations.latest('payments', 'promote-db')).toBeUndefined(); // a restore is not a switchover
    const running = await listDrillResources(world.drillStores);
    expect(running.map((r) => r.resource)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^lifeboat-drill-.*-payments-db$/),
        expect.stringMatching(/^i-/),
      ]),
    );

    // Act: clean up now
    await engine.cleanupNow(id, 'U0ALICE');
    const finished = await engine.drive(id);

    // Assert
    expect(finished?.state).toBe('finished');
    expect(await listDrillResources(world.drillStores)).toEqual([]);
    const snap = world.cloud.snapshot();
    expect(snap.rds.clusters.filter((c) => c.id.startsWith(DRILL_PREFIX))).toEqual([]);
    expect(snap.rds.instances.filter((c) => c.id.startsWith(DRILL_PREFIX))).toEqual([]);
    expect(snap.ec2.instances.filter((i) => i.tags[DRILL_TAG] && i.state !== 'terminated')).toEqual([]);
  });

  it('never touches production: every mutating call targets only what the drill created, in the recovery Region', async () => {
    // Prepare
    const world = await worlds.start();
    await world.writeRecentData();
    world.calls.length = 0;
    const requested = await world.requests.request({
      service: 'accounts',
      requestedBy: 'U0ALICE',
      reason: 'drill',
      channel: 'C0ACCOUNTS',
    });
    const id = requested.kind === 'pending' ? requested.drill.id : '';
    await world.requests.approve(id, 'U0BOB');
    const engine = world.engine();
    const other = await world.requests.request({
      service: 'payments',
      requestedBy: 'U0ALICE',
      reason: 'drill',
      channel: 'C0PAYMENTS',
    });
    const otherId = other.kind === 'pending' ? other.drill.id : '';
    await world.requests.approve(otherId, 'U0CAROL');

    // Act
    await engine.drive(id);
    await engine.drive(otherId);
    await engine.cleanupNow(id, 'U0ALICE');
    await engine.cleanupNow(otherId, 'U0ALICE');
    await engine.drive(id);
    await engine.drive(otherId);

    // Assert
    const mutating = world.calls.filter(isMutating);
    expect(mutating.map((c) => c.operation)).toEqual(
      expect.arrayContaining(['RestoreDBInstanceToPointInTime', 'RunInstances', 'TerminateInstances']),
    );
    const launched = new Set(
      world.cloud
        .snapshot()
        .ec2.instances.filter((i) => i.tags[DRILL_TAG])
        .map((i) => i.id),
    );
    for (const call of mutating) {
      expect(call.region, call.operation).toBe('us-west-2');
      const named = targets(call);
      expect(named.length, call.operation).toBeGreaterThan(0);
      for (const target of named)
        expect(target.startsWith(DRILL_PREFIX) || launched.has(target), target).toBe(true);
      if (
        call.operation === 'RunInstances' ||
        call.operation.startsWith('Restore') ||
        call.operation === 'CreateDBInstance'
      )
        expect(JSON.stringify(call.input)).toContain(DRILL_TAG);
    }
    expect(world.calls.every((c) => c.region === 'us-west-2')).toBe(true);
  });

  it('cleans up after a crash mid-drill: another replica resumes, measures and deletes everything', async () => {
    // Prepare: replica A crashes (stops without releasing its lease) a few polls into the restore
    const world = await worlds.start();
    const w = world;
    const requested = await w.requests.request({
      service: 'accounts',
      requestedBy: 'U0ALICE',
      reason: 'drill',
      channel: 'C0ACCOUNTS',
    });
    const id = requested.kind === 'pending' ? requested.drill.id : '';
    await w.requests.approve(id, 'U0BOB');
    let polls = 0;
    const a = w.engine('replica-a', {
      sleep: async (ms) => {
        w.clock.advance(ms);
        if (++polls === 3) a.stop();
      },
    });
    await a.drive(id);
    const mid = await w.drillStores.drills.get(id);
    expect(mid?.state).toBe('running');
    expect((await listDrillResources(w.drillStores)).length).toBeGreaterThan(0);

    // Act: replica B sweeps while A's lease is still live (nothing happens), then after it expires
    const b = w.engine('replica-b');
    await b.sweep();
    expect((await w.drillStores.drills.get(id))?.version).toBe(mid?.version);
    w.clock.advance(61_000);
    await b.sweep();
    const measured = await w.drillStores.drills.get(id);
    w.clock.advance(60 * 60_000);
    await b.sweep();

    // Assert
    expect(measured?.state).toBe('awaitingCleanup');
    expect(measured?.steps['accounts-db']?.rtoMs).toBeGreaterThan(0);
    expect((await w.drillStores.drills.get(id))?.state).toBe('finished');
    expect(await listDrillResources(w.drillStores)).toEqual([]);
    expect(w.cloud.snapshot().rds.instances.filter((i) => i.id.startsWith(DRILL_PREFIX))).toEqual([]);
    const types = (await w.auditEntries()).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['drill.started', 'drill.completed', 'drill.cleanup']));
  });
});
