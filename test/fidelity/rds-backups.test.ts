import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreRds } from '../../src/drills/steps/databases.js';
import type { StepContext } from '../../src/drills/steps/types.js';
import type { DrillStepRecord } from '../../src/drills/types.js';
import type { ResourceOf } from '../../src/plan/schema.js';
import { createRdsBackupChecker } from '../../src/readiness/aws/backups.js';
import { type CloudEnv, cloudContext, exampleService, simulatedCloud } from './helpers.js';

/** RDS backups as AWS lists them: AWS Backup's only by SnapshotType; replicated automated backups restorable. */
describe('RDS backups in the simulated cloud', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });
  const accounts = exampleService('accounts');
  const resource = accounts.resources.find((r) => r.kind === 'rds-instance') as ResourceOf<'rds-instance'>;

  it('lists AWS Backup snapshots only when asked by SnapshotType, and readiness counts them', async () => {
    env = await simulatedCloud();
    env.cloud.scenarios.backedUpByAwsBackup('accounts-db');

    const plain = await env.east.rds.send(
      new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'accounts-db' }),
    );
    const backup = await env.east.rds.send(
      new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'accounts-db', SnapshotType: 'awsbackup' }),
    );
    const checks = await createRdsBackupChecker(env.aws).check(resource, accounts, cloudContext(env));

    expect(plain.DBSnapshots).toEqual([]);
    expect(backup.DBSnapshots?.map((s) => s.SnapshotType)).toEqual(['awsbackup', 'awsbackup', 'awsbackup']);
    expect(checks.find((c) => c.name === 'newest snapshot')?.verdict).toBe('ready');
  });

  it('drills restore from the replicated automated backups when they hold newer data than any snapshot', async () => {
    env = await simulatedCloud();
    const cloud = env;
    let step: DrillStepRecord = {
      id: 'accounts-db',
      kind: 'restore-rds',
      resourceId: 'accounts-db',
      region: 'us-west-2',
      state: 'intent',
      names: ['lifeboat-drill-accounts-db'],
    };
    const ctx = (): StepContext => ({
      drillId: 'drill-1',
      service: accounts,
      resource,
      step,
      clients: cloud.west,
      settings: { dbSubnetGroupName: 'accounts-drills' },
      now: () => cloud.clock.now(),
      signal: () => new AbortController().signal,
    });
    const calls: { operation: string; input: Record<string, unknown> }[] = [];
    env.cloud.events.on('call', (c: { operation: string; input: Record<string, unknown> }) => calls.push(c));

    const chosen = await restoreRds.advance(ctx());
    step = {
      ...step,
      ...(chosen.source ? { source: chosen.source } : {}),
      ...(chosen.dataAtMs ? { dataAtMs: chosen.dataAtMs } : {}),
    };
    await restoreRds.advance(ctx());
    env.clock.advance(60 * 60_000);
    const done = await restoreRds.advance(ctx());

    expect(chosen.source).toMatch(/^pitr:arn:aws:rds:us-west-2:123456789012:auto-backup:/);
    expect(env.clock.now() - 60 * 60_000 - (chosen.dataAtMs ?? 0)).toBeLessThan(10 * 60_000);
    expect(calls.find((c) => c.operation === 'RestoreDBInstanceToPointInTime')?.input).toMatchObject({
      TargetDBInstanceIdentifier: 'lifeboat-drill-accounts-db',
      DBSubnetGroupName: 'accounts-drills',
    });
    expect(done.state).toBe('ready');
  });
});
