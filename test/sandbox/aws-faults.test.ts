import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatedCloud } from './aws-fixture.js';

describe('fault injection seen through the real SDK clients', () => {
  let env: Awaited<ReturnType<typeof simulatedCloud>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const countCalls = (cloud: NonNullable<typeof env>['cloud'], operation: string) => {
    const outcomes: string[] = [];
    cloud.events.on('call', (c: { operation: string; outcome: string; error?: string }) => {
      if (c.operation === operation) outcomes.push(c.error ?? c.outcome);
    });
    return outcomes;
  };

  it('lets the SDK retry throttled calls until one succeeds', async () => {
    // Prepare
    env = await simulatedCloud();
    const outcomes = countCalls(env.cloud, 'DescribeDBClusters');
    env.cloud.faults.failOperation('rds:DescribeDBClusters', { times: 2, error: 'Throttling', status: 400 });
    // Act
    const result = await env.west.rds.send(new DescribeDBClustersCommand({}));
    // Assert
    expect(outcomes).toEqual(['Throttling', 'Throttling', 'ok']);
    expect(result.$metadata.attempts).toBe(3);
    expect(result.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['payments-usw2']);
  });

  it('gives up with the throttling error after the configured attempts when every call is throttled', async () => {
    // Prepare
    env = await simulatedCloud();
    const outcomes = countCalls(env.cloud, 'DescribeDBClusters');
    env.cloud.faults.throttle(1, { service: 'rds', region: 'us-west-2' });
    // Act
    const call = env.west.rds.send(new DescribeDBClustersCommand({}));
    // Assert
    await expect(call).rejects.toMatchObject({
      name: 'Throttling',
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
    expect(outcomes).toEqual(['Throttling', 'Throttling', 'Throttling']);
  });

  it('makes calls to a Region in outage fail and its replication lag grow', async () => {
    // Prepare
    env = await simulatedCloud();
    const { east, west, clock, cloud } = env;
    const lag = async () => {
      const now = clock.now();
      const out = await west.cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - 120_000),
          EndTime: new Date(now),
          MetricDataQueries: [
            {
              Id: 'lag',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/RDS',
                  MetricName: 'AuroraGlobalDBReplicationLag',
                  Dimensions: [
                    { Name: 'DBClusterIdentifier', Value: 'payments-usw2' },
                    { Name: 'SourceRegion', Value: 'us-east-1' },
                  ],
                },
                Period: 60,
                Stat: 'Maximum',
              },
            },
          ],
        }),
      );
      return out.MetricDataResults?.[0]?.Values?.[0] ?? Number.NaN;
    };
    const before = await lag();
    // Act
    cloud.faults.regionOutage('us-east-1');
    clock.advance(300_000);
    const failing = east.rds.send(new DescribeDBClustersCommand({}));
    const after = await lag();
    // Assert
    await expect(failing).rejects.toMatchObject({
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503, attempts: 3 },
    });
    expect(before).toBeLessThan(1_000);
    expect(after).toBeGreaterThanOrEqual(300_000);
    expect(cloud.snapshot().regions).toContainEqual({ region: 'us-east-1', status: 'outage' });
  });
});
