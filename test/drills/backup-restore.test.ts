import { ListRestoreJobsCommand } from '@aws-sdk/client-backup';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { listDrillResources } from '../../src/drills/measured.js';
import { backupStepId } from '../../src/drills/plan.js';
import { restoreBackup } from '../../src/drills/steps/backup-restore.js';
import { DRILL_PREFIX } from '../../src/drills/types.js';
import { resolveBackups } from '../../src/plan/backups.js';
import { loadPlanFile, type Plan } from '../../src/plan/load.js';
import { type DrillWorld, drillWorldPerTest } from './fixture.js';

/** The example plan with payments' drills restoring from AWS Backup (`backups.drillRestore: true`). */
async function planWithDrillRestore(): Promise<Plan> {
  const plan = await loadPlanFile('dr-plan.example.yml');
  const payments = plan.services.payments;
  if (!payments?.backups) throw new Error('payments has no backups section');
  return {
    ...plan,
    services: {
      ...plan.services,
      payments: { ...payments, backups: { ...payments.backups, drillRestore: true } },
    },
  };
}

async function approvedDrill(world: DrillWorld): Promise<string> {
  const requested = await world.requests.request({
    service: 'payments',
    requestedBy: 'U0ALICE',
    reason: 'backup drill',
    channel: 'C0PAYMENTS',
  });
  const id = requested.kind === 'pending' ? requested.drill.id : '';
  await world.requests.approve(id, 'U0BOB');
  return id;
}

const BACKUP_STEPS = ['payments-db', 'payments-receipts', 'payments-ledger'].map(backupStepId);
const restoreCalls = (world: DrillWorld) => world.calls.filter((c) => c.operation === 'StartRestoreJob');

// Whole drills of a four-resource service on embedded DynamoDB: slow on a loaded machine, not a timing check.
describe('drills restore from the newest copied AWS Backup recovery point', { timeout: 180_000 }, () => {
  const worlds = drillWorldPerTest();

  it('restores each covered resource with one restore job, reads it through its own service, measures it and cleans up', async () => {
    // Prepare
    const world = await worlds.start({
      plan: await planWithDrillRestore(),
      engine: { pollIntervalMs: 60_000 },
    });
    await world.writeRecentData();
    const id = await approvedDrill(world);
    const engine = world.engine();

    // Act
    const measured = await engine.drive(id);

    // Assert
    expect(measured?.state).toBe('awaitingCleanup');
    for (const step of BACKUP_STEPS) {
      const s = measured?.steps[step];
      expect(s?.state, `${step}: ${s?.error}`).toBe('ready');
      expect(s?.kind).toBe('restore-backup');
      expect(s?.source).toBeDefined();
      expect(s?.rtoMs).toBeGreaterThan(10 * 60_000); // an AWS Backup restore job takes minutes
      expect(s?.rpoMs).toBeGreaterThan(60 * 60_000); // the newest daily copy, hours old
      expect(s?.rpoTargetMs).toBe(24 * 3_600_000); // dailyAt: a recovery point a day
    }
    const calls = restoreCalls(world);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.region).toBe('us-west-2');
      expect(call.input.IamRoleArn).toBe('arn:aws:iam::123456789012:role/lifeboat-backup-restore-payments');
      expect(String(call.input.IdempotencyToken)).toContain(id);
    }
    const ledger = measured?.steps[backupStepId('payments-ledger')];
    const table = ledger?.names[0] ?? '';
    expect(table.startsWith(DRILL_PREFIX)).toBe(true);
    const described = await world.west.dynamodb.send(new DescribeTableCommand({ TableName: table }));
    expect(described.Table?.TableStatus).toBe('ACTIVE');
    expect(ledger?.detail).toContain(`table ${table} ACTIVE`);
    const completed = (await world.auditEntries()).find((e) => e.type === 'drill.completed');
    expect(JSON.stringify(completed?.details)).toContain(backupStepId('payments-ledger'));
    const running = (await listDrillResources(world.drillStores)).map((r) => r.resource);
    expect(running).toEqual(expect.arrayContaining([table]));

    // Act: clean up
    await engine.cleanupNow(id, 'U0ALICE');
    const finished = await engine.drive(id);

    // Assert: everything restored is gone from DynamoDB, S3 and RDS
    expect(finished?.state).toBe('finished');
    expect(await listDrillResources(world.drillStores)).toEqual([]);
    const snap = world.cloud.snapshot();
    expect(snap.rds.clusters.filter((c) => c.id.startsWith(DRILL_PREFIX))).toEqual([]);
    await expect(
      world.west.dynamodb.send(new DescribeTableCommand({ TableName: table })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const deletes = world.calls.filter((c) => /^Delete/.test(c.operation)).map((c) => c.operation);
    expect(deletes).toEqual(expect.arrayContaining(['DeleteTable', 'DeleteBucket', 'DeleteDBCluster']));
  });

  it('a failed restore job fails the drill with AWS Backup’s reason', async () => {
    // Prepare
    const world = await worlds.start({
      plan: await planWithDrillRestore(),
      engine: { pollIntervalMs: 60_000 },
    });
    await world.writeRecentData();
    world.cloud.backup.failRestoreJobs(
      'payments-ledger',
      'Access denied to the KMS key of the recovery vault',
    );
    const id = await approvedDrill(world);

    // Act
    const measured = await world.engine().drive(id);

    // Assert
    const step = measured?.steps[backupStepId('payments-ledger')];
    expect(step?.state).toBe('failed');
    expect(step?.error).toMatch(/restore job .* FAILED: Access denied to the KMS key of the recovery vault/);
    expect(measured?.result?.passed).toBe(false);
    const failed = (await world.auditEntries()).find((e) => e.type === 'drill.failed');
    expect(String(failed?.details.reason)).toContain('Access denied to the KMS key of the recovery vault');
  });

  it('starts at most one restore job per step when the driver crashes and another replica takes over', async () => {
    // Prepare: replica A stops (without releasing its lease) right after the restore jobs were started
    const world = await worlds.start({
      plan: await planWithDrillRestore(),
      engine: { pollIntervalMs: 60_000 },
    });
    const id = await approvedDrill(world);
    const a = world.engine('replica-a', {
      sleep: async (ms) => {
        world.clock.advance(ms);
        if (restoreCalls(world).length >= 3) a.stop();
      },
    });
    await a.drive(id);
    expect((await world.drillStores.drills.get(id))?.state).toBe('running');

    // Act: replica B takes over once A's lease expired, and sweeps until the drill is measured
    const b = world.engine('replica-b');
    world.clock.advance(61_000);
    await b.sweep();

    // Assert
    const measured = await world.drillStores.drills.get(id);
    for (const step of BACKUP_STEPS) expect(measured?.steps[step]?.state, step).toBe('ready');
    const jobs = await world.west.backup.send(new ListRestoreJobsCommand({}));
    const drillJobs = (jobs.RestoreJobs ?? []).filter((j) => !j.CreatedBy?.RestoreTestingPlanArn);
    expect(drillJobs).toHaveLength(3);

    // Act: a driver that lost the recorded job id (crash between StartRestoreJob and the write) calls again
    const step = measured?.steps[backupStepId('payments-ledger')];
    const service = world.plan.services.payments;
    const resource = service?.resources.find((r) => r.id === 'payments-ledger');
    if (!step || !service || !resource) throw new Error('no ledger step');
    const { created: _lost, ...withoutJob } = step;
    const again = await restoreBackup.advance({
      drillId: id,
      service: { ...service, name: 'payments' },
      resource,
      step: { ...withoutJob, state: 'intent' },
      clients: world.west,
      settings: {},
      backups: resolveBackups(world.plan, 'payments', service),
      now: () => world.clock.now(),
      signal: () => new AbortController().signal,
    });

    // Assert: the same job, no second restore
    expect(again.created).toEqual([step.created?.[0]]);
    const after = await world.west.backup.send(new ListRestoreJobsCommand({}));
    expect((after.RestoreJobs ?? []).filter((j) => !j.CreatedBy?.RestoreTestingPlanArn)).toHaveLength(3);
  });
});
