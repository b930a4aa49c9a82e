import {
  CreateDBInstanceReadReplicaCommand,
  DeleteDBInstanceCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
} from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { createVersionedStore } from '../../src/adapters/store/versioned.js';
import { failbackGate, offeredSetup } from '../../src/failback/gate.js';
import { checkFailbackReadiness } from '../../src/failback/reverse.js';
import { createFailbackSetup } from '../../src/failback/setup.js';
import type { SetupRecord } from '../../src/failback/types.js';
import { type DrillWorld, drillWorld, planApprovers } from '../drills/fixture.js';

describe('failback readiness and setup in the simulated cloud', () => {
  let world: DrillWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  const setupFor = (w: DrillWorld) =>
    createFailbackSetup({
      aws: w.aws,
      setups: createVersionedStore<SetupRecord>(
        w.documents,
        'lifeboat-drills',
        { pk: (s) => `FAILBACK#${s}`, sk: 'SETUP' },
        w.clock,
      ),
      approvers: planApprovers,
      audit: w.audit,
      getPlan: () => w.plan,
      clock: w.clock,
    });
  const check = (w: DrillWorld, name: string) => {
    const service = w.plan.services[name];
    if (!service) throw new Error(`no service ${name} in the test plan`);
    return checkFailbackReadiness({ aws: w.aws, service: { ...service, name }, now: w.clock.now() });
  };

  it('refuses failback of a service that serves from its primary Region', async () => {
    // Prepare
    world = await drillWorld();

    // Act
    const readiness = await check(world, 'accounts');

    // Assert
    expect(readiness.serving).toBe('primary');
    expect(failbackGate(readiness)).toMatchObject({ ok: false, reason: 'not-failed-over' });
  });

  it('blocks the RDS replica back while the old primary holds its identifier, and says how to free it', async () => {
    // Prepare: accounts failed over (replica promoted in us-west-2); the old accounts-db is still there
    world = await drillWorld();
    await world.west.rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'accounts-db-usw2' }));
    world.clock.advance(10 * 60_000);

    // Act
    const readiness = await check(world, 'accounts');

    // Assert: nothing offered under another name; the exact rename is given
    const item = readiness.items.find((i) => i.resourceId === 'accounts-db');
    expect(item?.status).toBe('blocked');
    expect(item?.text).toContain('old primary accounts-db still exists in us-east-1');
    expect(item?.byHand).toContain(
      'aws rds modify-db-instance --region us-east-1 --db-instance-identifier accounts-db --new-db-instance-identifier accounts-db-pre-failback --apply-immediately',
    );
    expect(offeredSetup(readiness)).toEqual([]);
    expect(failbackGate(readiness)).toMatchObject({ ok: false, reason: 'not-ready' });
  });

  it('creates the RDS replica back under the plan identifier once it is free, then is ready once it is available', async () => {
    // Prepare: accounts failed over, and the operator deleted the old primary (after a final snapshot)
    world = await drillWorld();
    await world.west.rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'accounts-db-usw2' }));
    await world.east.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'accounts-db' }));
    world.clock.advance(10 * 60_000);
    const setup = setupFor(world);

    // Act
    const before = await check(world, 'accounts');

    // Assert: refused, with the exact setup call offered
    expect(before.serving).toBe('recovery');
    const gate = failbackGate(before);
    expect(gate).toMatchObject({ ok: false, reason: 'not-ready' });
    const offered = offeredSetup(before);
    expect(offered).toEqual([
      expect.objectContaining({
        kind: 'rds-create-replica',
        region: 'us-east-1',
        command: 'CreateDBInstanceReadReplica',
        input: expect.objectContaining({
          DBInstanceIdentifier: 'accounts-db',
          KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/mrk-accounts-use1',
          DBSubnetGroupName: 'accounts-use1',
          VpcSecurityGroupIds: ['sg-0a1b2c3d4e5f60002'],
        }),
      }),
    ]);

    // Act: a non-approver is refused; an approver runs the setup
    expect((await setup.run('accounts', 'U0MALLORY', offered)).kind).toBe('refused');
    const ran = await setup.run('accounts', 'U0BOB', offered);
    const catching = await check(world, 'accounts');
    world.clock.advance(16 * 60_000);
    const after = await check(world, 'accounts');
    const tracked = await setup.track(after);

    // Assert
    expect(ran.kind).toBe('ran');
    expect(catching.items.find((i) => i.resourceId === 'accounts-db')?.status).toBe('catching-up');
    expect(after.ready).toBe(true);
    expect(after.items.find((i) => i.resourceId === 'accounts-db')?.byHand).toBeUndefined();
    expect(failbackGate(after)).toEqual({ ok: true });
    expect(Object.values(tracked?.steps ?? {}).map((s) => s.state)).toEqual(['done']);
    const types = (await world.auditEntries()).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['auth.refused', 'step.intent', 'step.outcome']));
  });

  it('blocks a replica back made by hand under another name until the plan names it, then accepts it', async () => {
    // Prepare: accounts failed over; someone created the replica back as accounts-db-failback by hand
    world = await drillWorld();
    await world.west.rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'accounts-db-usw2' }));
    world.clock.advance(10 * 60_000);
    await world.east.rds.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: 'accounts-db-failback',
        SourceDBInstanceIdentifier: 'arn:aws:rds:us-west-2:123456789012:db:accounts-db-usw2',
        KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/mrk-accounts-use1',
      }),
    );
    world.clock.advance(16 * 60_000);
    const accounts = world.plan.services.accounts;
    if (!accounts) throw new Error('no accounts in the test plan');
    const renamed = {
      ...accounts,
      name: 'accounts',
      resources: accounts.resources.map((r) =>
        r.kind === 'rds-instance' ? { ...r, primaryInstance: 'accounts-db-failback' } : r,
      ),
    };

    // Act
    const readiness = await check(world, 'accounts');
    const afterPlanEdit = await checkFailbackReadiness({
      aws: world.aws,
      service: renamed,
      now: world.clock.now(),
    });

    // Assert: Lifeboat may promote only the plan's primaryInstance, so the plan must name it first
    const item = readiness.items.find((i) => i.resourceId === 'accounts-db');
    expect(item?.status).toBe('blocked');
    expect(item?.byHand).toContain(
      'set primaryInstance: accounts-db-failback for accounts-db in the DR plan and deploy it',
    );
    expect(readiness.ready).toBe(false);
    const after = afterPlanEdit.items.find((i) => i.resourceId === 'accounts-db');
    expect(after).toMatchObject({ status: 'ready' });
    expect(after?.byHand).toBeUndefined();
  });

  it('sees the old Aurora primary rejoin as a secondary and offers the S3 rule back', async () => {
    // Prepare: payments failed over with data loss allowed
    world = await drillWorld();
    await world.west.rds.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'payments-global',
        TargetDbClusterIdentifier: 'arn:aws:rds:us-west-2:123456789012:cluster:payments-usw2',
        AllowDataLoss: true,
      }),
    );
    world.clock.advance(2 * 60_000);
    const setup = setupFor(world);

    // Act
    const before = await check(world, 'payments');
    await setup.run('payments', 'U0ALICE', offeredSetup(before));
    world.clock.advance(5 * 60_000);
    const after = await check(world, 'payments');

    // Assert
    expect(before.serving).toBe('recovery');
    expect(offeredSetup(before).map((s) => s.kind)).toEqual(['s3-add-replication-rule']);
    const status = Object.fromEntries(after.items.map((i) => [i.resourceId, i.status]));
    expect(status).toEqual({
      'payments-db': 'ready',
      'payments-receipts': 'ready',
      'payments-ledger': 'ready',
    });
    expect(after.ready).toBe(true);
  });
});
