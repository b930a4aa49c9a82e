import {
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeGlobalClustersCommand,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatedCloud } from './aws-fixture.js';

const USE1 = 'arn:aws:rds:us-east-1:123456789012:cluster:payments-use1';
const USW2 = 'arn:aws:rds:us-west-2:123456789012:cluster:payments-usw2';

describe('simulated RDS and Aurora behind the real SDK clients', () => {
  let env: Awaited<ReturnType<typeof simulatedCloud>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('describes the global cluster, clusters and replica the plan names, healthy and replicating', async () => {
    // Prepare
    env = await simulatedCloud();
    // Act
    const globals = await env.east.rds.send(
      new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'payments-global' }),
    );
    const clusters = await env.west.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: 'payments-usw2' }),
    );
    const replica = await env.west.rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'accounts-db-usw2' }),
    );
    const backups = await env.west.rds.send(new DescribeDBInstanceAutomatedBackupsCommand({}));
    const snapshots = await env.east.rds.send(
      new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'accounts-db' }),
    );
    // Assert
    const members = globals.GlobalClusters?.[0]?.GlobalClusterMembers ?? [];
    expect(members.map((m) => [m.DBClusterArn, m.IsWriter, m.SynchronizationStatus])).toEqual([
      [USE1, true, 'connected'],
      [USW2, false, 'connected'],
    ]);
    expect(clusters.DBClusters?.[0]).toMatchObject({
      Status: 'available',
      StorageEncrypted: true,
      GlobalClusterIdentifier: 'payments-global',
    });
    expect(replica.DBInstances?.[0]).toMatchObject({
      DBInstanceStatus: 'available',
      ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:123456789012:db:accounts-db',
      StatusInfos: [{ StatusType: 'read replication', Normal: true, Status: 'replicating' }],
    });
    expect(backups.DBInstanceAutomatedBackups?.[0]).toMatchObject({
      Region: 'us-east-1',
      Status: 'replicating',
    });
    expect(snapshots.DBSnapshots?.length).toBe(3);
    expect(replica.$metadata.httpStatusCode).toBe(200);
  });

  it('moves statuses through a switchover and makes the recovery cluster the writer', async () => {
    // Prepare
    env = await simulatedCloud();
    const { east, west, clock } = env;
    // Act
    const started = await east.rds.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'payments-global',
        TargetDbClusterIdentifier: USW2,
      }),
    );
    const during = await west.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: 'payments-usw2' }),
    );
    clock.advance(120_000);
    const after = await east.rds.send(
      new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'payments-global' }),
    );
    const cluster = await west.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: 'payments-usw2' }),
    );
    // Assert
    expect(started.GlobalCluster?.Status).toBe('switching-over');
    expect(started.GlobalCluster?.FailoverState).toMatchObject({
      FromDbClusterArn: USE1,
      ToDbClusterArn: USW2,
      IsDataLossAllowed: false,
    });
    expect(during.DBClusters?.[0]?.Status).toBe('modifying');
    expect(after.GlobalClusters?.[0]?.Status).toBe('available');
    expect(after.GlobalClusters?.[0]?.FailoverState).toBeUndefined();
    expect(after.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn).toBe(USW2);
    expect(cluster.DBClusters?.[0]?.Status).toBe('available');
    expect(cluster.DBClusters?.[0]?.DBClusterMembers?.[0]?.IsClusterWriter).toBe(true);
  });

  it('rejects PromoteReadReplica with InvalidDBInstanceStateFault while the replica is backing up', async () => {
    // Prepare
    env = await simulatedCloud();
    env.cloud.faults.backingUp('accounts-db-usw2');
    // Act
    const promoting = env.west.rds.send(
      new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'accounts-db-usw2' }),
    );
    // Assert
    await expect(promoting).rejects.toBeInstanceOf(InvalidDBInstanceStateFault);
    await expect(promoting).rejects.toMatchObject({
      name: 'InvalidDBInstanceStateFault',
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
  });

  it('promotes a replica through modifying and rebooting to a standalone available instance', async () => {
    // Prepare
    env = await simulatedCloud();
    const { west, clock } = env;
    const status = async () =>
      (await west.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'accounts-db-usw2' })))
        .DBInstances?.[0];
    // Act
    await west.rds.send(
      new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'accounts-db-usw2', BackupRetentionPeriod: 7 }),
    );
    const first = await status();
    clock.advance(250_000);
    const second = await status();
    clock.advance(150_000);
    const last = await status();
    // Assert
    expect(first?.DBInstanceStatus).toBe('modifying');
    expect(second?.DBInstanceStatus).toBe('rebooting');
    expect(second?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    expect(last).toMatchObject({ DBInstanceStatus: 'available', BackupRetentionPeriod: 7 });
    expect(env.cloud.snapshot().rds.instances.find((i) => i.id === 'accounts-db')?.replicas).toEqual([]);
  });
});
