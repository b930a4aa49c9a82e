import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DBClusterNotFoundFault,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
} from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { createAuroraChecker } from '../../src/readiness/aws/aurora.js';
import { accessDenied, byName, checkerTest, directContext, NOW, resourceOf, throttled } from './helpers.js';

const { clients, mock, payments: service } = checkerTest();
const rds = mock(clients.forRegion('us-west-2').rds);
const cloudwatch = mock(clients.forRegion('us-west-2').cloudwatch);
const resource = resourceOf(service, 'aurora-global-cluster');
const PRIMARY = resource.primaryClusterArn;
const RECOVERY = resource.recoveryClusterArn;

function healthyGlobal(overrides: Record<string, unknown> = {}) {
  return {
    GlobalClusters: [
      {
        GlobalClusterIdentifier: 'payments-global',
        Status: 'available',
        EngineVersion: '8.0.mysql_aurora.3.05.2',
        GlobalClusterMembers: [
          { DBClusterArn: PRIMARY, IsWriter: true },
          { DBClusterArn: RECOVERY, IsWriter: false, SynchronizationStatus: 'connected' as const },
        ],
        ...overrides,
      },
    ],
  };
}

function healthyCluster(overrides: Record<string, unknown> = {}) {
  return {
    DBClusters: [
      {
        DBClusterIdentifier: 'payments-usw2',
        Status: 'available',
        EngineVersion: '8.0.mysql_aurora.3.05.2',
        DBClusterMembers: [{ DBInstanceIdentifier: 'payments-usw2-1', IsClusterWriter: false }],
        ...overrides,
      },
    ],
  };
}

function lagMetric(valueMs: number | undefined) {
  return {
    MetricDataResults: [
      { Id: 'rpolag', Values: [], Timestamps: [] },
      {
        Id: 'replag',
        Values: valueMs === undefined ? [] : [valueMs],
        Timestamps: valueMs === undefined ? [] : [new Date(NOW - 60_000)],
      },
    ],
  };
}

describe('aurora global cluster checker', () => {
  it('is ready when the primary writes, the recovery cluster is available and lag is within the RPO', async () => {
    // Prepare
    rds.on(DescribeGlobalClustersCommand).resolves(healthyGlobal());
    rds.on(DescribeDBClustersCommand).resolves(healthyCluster());
    cloudwatch.on(GetMetricDataCommand).resolves(lagMetric(850));

    // Act
    const checks = await createAuroraChecker(clients).check(resource, service, directContext());

    // Assert
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([
      ['global cluster', 'ready'],
      ['recovery cluster', 'ready'],
      ['replication lag', 'ready'],
    ]);
    expect(rds).toReceiveCommandWith(DescribeGlobalClustersCommand, {
      GlobalClusterIdentifier: 'payments-global',
    });
    expect(rds).toReceiveCommandWith(DescribeDBClustersCommand, { DBClusterIdentifier: RECOVERY });
    expect(cloudwatch).toReceiveCommandWith(GetMetricDataCommand, {
      StartTime: new Date(NOW - 15 * 60_000),
      EndTime: new Date(NOW),
      MetricDataQueries: [
        expect.objectContaining({
          Id: 'rpolag',
          MetricStat: expect.objectContaining({
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'AuroraGlobalDBRPOLag',
              Dimensions: [
                { Name: 'DBClusterIdentifier', Value: 'payments-usw2' },
                { Name: 'SourceRegion', Value: 'us-east-1' },
              ],
            },
          }),
        }),
        expect.objectContaining({
          Id: 'replag',
          MetricStat: expect.objectContaining({
            Metric: expect.objectContaining({ MetricName: 'AuroraGlobalDBReplicationLag' }),
          }),
        }),
      ],
    });
    const lag = byName(checks, 'replication lag');
    expect(lag?.dataLossMs).toBe(850);
    expect(lag?.reason).toBe('payments-db: global replication lag 850 ms within RPO 60 s');
  });

  it('is degraded when the replication lag exceeds the RPO', async () => {
    // Prepare
    rds.on(DescribeGlobalClustersCommand).resolves(healthyGlobal());
    rds.on(DescribeDBClustersCommand).resolves(healthyCluster());
    cloudwatch.on(GetMetricDataCommand).resolves(lagMetric(84_200));

    // Act
    const checks = await createAuroraChecker(clients).check(resource, service, directContext());

    // Assert
    const lag = byName(checks, 'replication lag');
    expect(lag?.verdict).toBe('degraded');
    expect(lag?.reason).toBe('payments-db: global replication lag 84.2 s exceeds RPO 60 s');
  });

  it('is not ready when the recovery cluster runs a different minor engine version (Aurora refuses the move)', async () => {
    // Prepare
    rds.on(DescribeGlobalClustersCommand).resolves(healthyGlobal());
    rds.on(DescribeDBClustersCommand).resolves(healthyCluster({ EngineVersion: '8.0.mysql_aurora.3.04.0' }));
    cloudwatch.on(GetMetricDataCommand).resolves(lagMetric(500));

    // Act
    const checks = await createAuroraChecker(clients).check(resource, service, directContext());

    // Assert
    expect(byName(checks, 'recovery cluster')?.verdict).toBe('not_ready');
  });

  it('is not ready when the writer is not the plan primary', async () => {
    // Prepare
    rds.on(DescribeGlobalClustersCommand).resolves(
      healthyGlobal({
        GlobalClusterMembers: [
          { DBClusterArn: PRIMARY, IsWriter: false },
          { DBClusterArn: RECOVERY, IsWriter: true },
        ],
      }),
    );
    rds.on(DescribeDBClustersCommand).resolves(healthyCluster());
    cloudwatch.on(GetMetricDataCommand).resolves(lagMetric(500));

    // Act
    const checks = await createAuroraChecker(clients).check(resource, service, directContext());

    // Assert
    const membership = byName(checks, 'global cluster');
    expect(membership?.verdict).toBe('not_ready');
    expect(membership?.reason).toContain('the writer is payments-usw2');
  });

  it('is not ready when the recovery cluster does not exist', async () => {
    // Prepare
    rds.on(DescribeGlobalClustersCommand).resolves(healthyGlobal());
    rds
      .on(DescribeDBClustersCommand)
      .rejects(new DBClusterNotFoundFault({ message: 'DBCluster not found', $metadata: {} }));
    cloudwatch.on(GetMetricDataCommand).resolves(lagMetric(500));

    // Act
    const checks = await createAuroraChecker(clients).check(resource, service, directContext());

    // Assert
    const cluster = byName(checks, 'recovery cluster');
    expect(cluster?.verdict).toBe('not_ready');
    expect(cluster?.reason).toBe(
      'payments-db: recovery cluster payments-usw2 not found (DBClusterNotFoundFault)',
    );
  });

  it('is unknown naming the missing permission when access is denied', async () => {
    // Prepare
    rds.on(DescribeGlobalClustersCommand).resolves(healthyGlobal());
    rds.on(DescribeDBClustersCommand).rejects(accessDenied());
    cloudwatch.on(GetMetricDataCommand).resolves(lagMetric(500));

    // Act
    const checks = await createAuroraChecker(clients).check(resource, service, directContext());

    // Assert
    const cluster = byName(checks, 'recovery cluster');
    expect(cluster?.verdict).toBe('unknown');
    expect(cluster?.reason).toBe('payments-db: permission missing: rds:DescribeDBClusters');
  });

  it('is unknown when CloudWatch throttles or has no datapoints', async () => {
    // Prepare
    rds.on(DescribeGlobalClustersCommand).resolves(healthyGlobal());
    rds.on(DescribeDBClustersCommand).resolves(healthyCluster());
    cloudwatch.on(GetMetricDataCommand).rejectsOnce(throttled()).resolves(lagMetric(undefined));
    const checker = createAuroraChecker(clients);

    // Act
    const first = await checker.check(resource, service, directContext());
    const second = await checker.check(resource, service, directContext());

    // Assert
    expect(byName(first, 'replication lag')?.verdict).toBe('unknown');
    expect(byName(first, 'replication lag')?.reason).toContain('throttled cloudwatch:GetMetricData');
    expect(byName(second, 'replication lag')?.verdict).toBe('unknown');
    expect(byName(second, 'replication lag')?.dataLossMs).toBeUndefined();
  });
});
