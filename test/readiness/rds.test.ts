import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DBInstanceNotFoundFault,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
} from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { createAuroraBackupChecker, createRdsBackupChecker } from '../../src/readiness/aws/backups.js';
import { createRdsChecker, REPLICA_SOURCE_CHECK, STANDALONE } from '../../src/readiness/aws/rds.js';
import { CallTimeoutError } from '../../src/readiness/errors.js';
import { byName, checkerTest, directContext, NOW, resourceOf, throttled } from './helpers.js';

const HOUR = 3_600_000;
const { clients, mock, payments, accounts } = checkerTest();
const rdsPrimary = mock(clients.forRegion('us-east-1').rds);
const rdsRecovery = mock(clients.forRegion('us-west-2').rds);
const cloudwatch = mock(clients.forRegion('us-west-2').cloudwatch);
const resource = resourceOf(accounts, 'rds-instance');
const aurora = resourceOf(payments, 'aurora-global-cluster');

function replica(overrides: Record<string, unknown> = {}) {
  return {
    DBInstances: [
      {
        DBInstanceIdentifier: 'accounts-db-usw2',
        DBInstanceStatus: 'available',
        ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:123456789012:db:accounts-db',
        StatusInfos: [{ StatusType: 'read replication', Status: 'replicating', Normal: true }],
        StorageEncrypted: true,
        ...overrides,
      },
    ],
  };
}

const replicaLag = (seconds: number) => ({
  MetricDataResults: [{ Id: 'replicalag', Values: [seconds], Timestamps: [new Date(NOW - 60_000)] }],
});

describe('rds instance checker', () => {
  it('is ready when the replica is available, encrypted and lags less than the RPO', async () => {
    // Prepare
    rdsRecovery.on(DescribeDBInstancesCommand).resolves(replica());
    cloudwatch.on(GetMetricDataCommand).resolves(replicaLag(3));

    // Act
    const checks = await createRdsChecker(clients).check(resource, accounts, directContext());

    // Assert
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([
      ['replica', 'ready'],
      ['encryption', 'ready'],
      ['replica lag', 'ready'],
    ]);
    expect(rdsRecovery).toReceiveCommandWith(DescribeDBInstancesCommand, {
      DBInstanceIdentifier: 'accounts-db-usw2',
    });
    expect(cloudwatch).toReceiveCommandWith(GetMetricDataCommand, {
      MetricDataQueries: [
        expect.objectContaining({
          MetricStat: expect.objectContaining({
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'ReplicaLag',
              Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'accounts-db-usw2' }],
            },
          }),
        }),
      ],
    });
    expect(byName(checks, 'replica lag')).toMatchObject({
      dataLossMs: 3_000,
      reason: 'accounts-db: replica lag 3 s within RPO 5 min',
    });
  });

  it('is degraded while the replica is backing up, which blocks promotion', async () => {
    // Prepare
    rdsRecovery.on(DescribeDBInstancesCommand).resolves(replica({ DBInstanceStatus: 'backing-up' }));
    cloudwatch.on(GetMetricDataCommand).resolves(replicaLag(3));

    // Act
    const checks = await createRdsChecker(clients).check(resource, accounts, directContext());

    // Assert
    expect(byName(checks, 'replica')).toMatchObject({
      verdict: 'degraded',
      reason:
        'accounts-db: replica accounts-db-usw2 is backing-up; it cannot be promoted until that finishes',
    });
  });

  it('is not ready when replication has stopped or the replica is missing', async () => {
    // Prepare
    rdsRecovery
      .on(DescribeDBInstancesCommand)
      .resolvesOnce(
        replica({ StatusInfos: [{ StatusType: 'read replication', Status: 'error', Message: 'IO error' }] }),
      )
      .rejects(new DBInstanceNotFoundFault({ message: 'not found', $metadata: {} }));
    cloudwatch.on(GetMetricDataCommand).resolves(replicaLag(3));
    const checker = createRdsChecker(clients);

    // Act
    const stopped = await checker.check(resource, accounts, directContext());
    const missing = await checker.check(resource, accounts, directContext());

    // Assert
    expect(byName(stopped, 'replica')).toMatchObject({
      verdict: 'not_ready',
      reason: 'accounts-db: replication to accounts-db-usw2 is error: IO error',
    });
    expect(byName(missing, 'replica')).toMatchObject({
      verdict: 'not_ready',
      reason: 'accounts-db: replica accounts-db-usw2 not found (DBInstanceNotFoundFault)',
    });
  });

  it('reports a recovery instance that is standalone or replicates another database as its replica source', async () => {
    // Prepare: after a failback the recovery instance is standalone; or someone pointed it elsewhere
    rdsRecovery
      .on(DescribeDBInstancesCommand)
      .resolvesOnce(replica({ ReadReplicaSourceDBInstanceIdentifier: undefined, StatusInfos: [] }))
      .resolves(
        replica({ ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:123456789012:db:other-db' }),
      );
    cloudwatch.on(GetMetricDataCommand).resolves(replicaLag(3));
    const checker = createRdsChecker(clients);

    // Act
    const standalone = await checker.check(resource, accounts, directContext());
    const elsewhere = await checker.check(resource, accounts, directContext());

    // Assert
    expect(byName(standalone, REPLICA_SOURCE_CHECK)).toMatchObject({
      verdict: 'not_ready',
      measured: { text: STANDALONE },
      reason:
        'accounts-db: accounts-db-usw2 is standalone, not a read replica of accounts-db: it has none of the writes made since it stopped replicating, so a failover would serve stale data',
    });
    expect(byName(elsewhere, REPLICA_SOURCE_CHECK)).toMatchObject({
      verdict: 'not_ready',
      measured: { text: 'replicates arn:aws:rds:us-east-1:123456789012:db:other-db' },
    });
    expect(byName(standalone, 'replica')).toBeUndefined();
  });

  it('is unknown when DescribeDBInstances times out or is throttled', async () => {
    // Prepare
    rdsRecovery.on(DescribeDBInstancesCommand).rejectsOnce(new CallTimeoutError(10_000)).rejects(throttled());
    cloudwatch.on(GetMetricDataCommand).resolves(replicaLag(3));
    const checker = createRdsChecker(clients);

    // Act
    const timedOut = await checker.check(resource, accounts, directContext());
    const throttledChecks = await checker.check(resource, accounts, directContext());

    // Assert
    expect(byName(timedOut, 'replica')).toMatchObject({
      verdict: 'unknown',
      reason: 'accounts-db: rds:DescribeDBInstances timed out after 10 s',
    });
    expect(byName(throttledChecks, 'replica')?.verdict).toBe('unknown');
  });
});

describe('backups checker', () => {
  function snapshots(ageHours: number, encrypted = true) {
    return {
      DBSnapshots: [
        {
          DBSnapshotIdentifier: 'old',
          Status: 'available',
          SnapshotCreateTime: new Date(NOW - 40 * HOUR),
          Encrypted: true,
        },
        {
          DBSnapshotIdentifier: 'new',
          Status: 'available',
          SnapshotCreateTime: new Date(NOW - ageHours * HOUR),
          Encrypted: encrypted,
        },
        { DBSnapshotIdentifier: 'wip', Status: 'creating', SnapshotCreateTime: new Date(NOW) },
      ],
    };
  }

  function primaryAndCopy(copyAgeHours: number | undefined) {
    rdsPrimary.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DbiResourceId: 'db-ABC123' }] });
    rdsRecovery.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups:
        copyAgeHours === undefined
          ? []
          : [
              {
                Status: 'replicating',
                Encrypted: true,
                RestoreWindow: { LatestTime: new Date(NOW - copyAgeHours * HOUR) },
              },
            ],
    });
  }

  it('is ready when the newest snapshot and the replicated backups are younger than the backup interval', async () => {
    // Prepare
    rdsPrimary.on(DescribeDBSnapshotsCommand).resolves(snapshots(3));
    primaryAndCopy(0.1);

    // Act
    const checks = await createRdsBackupChecker(clients).check(resource, accounts, directContext());

    // Assert
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([
      ['newest snapshot', 'ready'],
      ['backup copy', 'ready'],
    ]);
    expect(rdsPrimary).toReceiveCommandWith(DescribeDBSnapshotsCommand, {
      DBInstanceIdentifier: 'accounts-db',
    });
    expect(rdsRecovery).toReceiveCommandWith(DescribeDBInstanceAutomatedBackupsCommand, {
      DbiResourceId: 'db-ABC123',
    });
    expect(byName(checks, 'newest snapshot')?.reason).toBe(
      'accounts-db: newest snapshot age 3 h within backup interval 12 h',
    );
    expect(checks.every((c) => c.freshness !== true)).toBe(true);
  });

  it('is degraded when backups are not replicated or the newest snapshot is unencrypted', async () => {
    // Prepare
    rdsPrimary.on(DescribeDBSnapshotsCommand).resolves(snapshots(3, false));
    primaryAndCopy(undefined);

    // Act
    const checks = await createRdsBackupChecker(clients).check(resource, accounts, directContext());

    // Assert
    expect(byName(checks, 'newest snapshot')).toMatchObject({
      verdict: 'degraded',
      reason: 'accounts-db: newest snapshot of accounts-db (3 h old) is not encrypted',
    });
    expect(byName(checks, 'backup copy')).toMatchObject({
      verdict: 'degraded',
      reason: 'accounts-db: automated backups of accounts-db are not replicated to us-west-2',
    });
  });

  it('is not ready without any snapshot and unknown when the primary Region throttles', async () => {
    // Prepare
    rdsPrimary.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    rdsPrimary.on(DescribeDBInstancesCommand).rejects(throttled());

    // Act
    const checks = await createRdsBackupChecker(clients).check(resource, accounts, directContext());

    // Assert
    expect(byName(checks, 'newest snapshot')).toMatchObject({
      verdict: 'not_ready',
      reason: 'accounts-db: no available snapshot of accounts-db',
    });
    expect(byName(checks, 'backup copy')?.verdict).toBe('unknown');
  });

  it('checks the newest Aurora cluster snapshot of the primary cluster against the default interval', async () => {
    // Prepare
    rdsPrimary.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [
        { Status: 'available', SnapshotCreateTime: new Date(NOW - 30 * HOUR), StorageEncrypted: true },
      ],
    });

    // Act
    const checks = await createAuroraBackupChecker(clients).check(aurora, payments, directContext());

    // Assert
    expect(rdsPrimary).toReceiveCommandWith(DescribeDBClusterSnapshotsCommand, {
      DBClusterIdentifier: 'payments-use1',
    });
    expect(checks).toMatchObject([
      { verdict: 'degraded', reason: 'payments-db: newest snapshot age 30 h exceeds backup interval 24 h' },
    ]);
  });
});
