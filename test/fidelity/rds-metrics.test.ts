import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceOf } from '../../src/plan/schema.js';
import { createAuroraChecker } from '../../src/readiness/aws/aurora.js';
import { createRdsChecker } from '../../src/readiness/aws/rds.js';
import { type CloudEnv, cloudContext, exampleService, simulatedCloud } from './helpers.js';

/**
 * CloudWatch metrics the readiness checks read, as AWS publishes them (FIDELITY.md, "CloudWatch metrics"):
 * Aurora global lag under DBClusterIdentifier + SourceRegion, and RDS ReplicaLag -1 while replication is off.
 */
describe('RDS and Aurora metrics in the simulated cloud', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const lagQuery = (dimensions: Record<string, string>, now: number) =>
    new GetMetricDataCommand({
      StartTime: new Date(now - 10 * 60_000),
      EndTime: new Date(now),
      MetricDataQueries: [
        {
          Id: 'lag',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'AuroraGlobalDBReplicationLag',
              Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    });

  it('publishes AuroraGlobalDBReplicationLag only under DBClusterIdentifier and SourceRegion', async () => {
    env = await simulatedCloud();
    const now = env.clock.now();

    const without = await env.west.cloudwatch.send(lagQuery({ DBClusterIdentifier: 'payments-usw2' }, now));
    const withSource = await env.west.cloudwatch.send(
      lagQuery({ DBClusterIdentifier: 'payments-usw2', SourceRegion: 'us-east-1' }, now),
    );

    expect(without.MetricDataResults?.[0]?.Values ?? []).toEqual([]);
    expect(withSource.MetricDataResults?.[0]?.Values?.length).toBeGreaterThan(0);
  });

  it('measures the Aurora global lag (the query names SourceRegion)', async () => {
    env = await simulatedCloud();
    const payments = exampleService('payments');
    const resource = payments.resources.find(
      (r) => r.kind === 'aurora-global-cluster',
    ) as ResourceOf<'aurora-global-cluster'>;

    const checks = await createAuroraChecker(env.aws).check(resource, payments, cloudContext(env));

    const lag = checks.find((c) => c.name === 'replication lag');
    expect(lag?.verdict).toBe('ready');
    expect(lag?.reason).toMatch(/^payments-db: RPO lag .* within RPO/);
  });

  it('reports ReplicaLag -1 while replication is stopped, and readiness calls that not ready', async () => {
    env = await simulatedCloud();
    const accounts = exampleService('accounts');
    const resource = accounts.resources.find((r) => r.kind === 'rds-instance') as ResourceOf<'rds-instance'>;
    env.cloud.faults.breakReplication('accounts-db-usw2');
    env.clock.advance(5 * 60_000);
    const now = env.clock.now();

    const out = await env.west.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 3 * 60_000),
        EndTime: new Date(now),
        MetricDataQueries: [
          {
            Id: 'lag',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/RDS',
                MetricName: 'ReplicaLag',
                Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'accounts-db-usw2' }],
              },
              Period: 60,
              Stat: 'Maximum',
            },
          },
        ],
      }),
    );
    const checks = await createRdsChecker(env.aws).check(resource, accounts, cloudContext(env));

    expect(new Set(out.MetricDataResults?.[0]?.Values)).toEqual(new Set([-1]));
    const lag = checks.find((c) => c.name === 'replica lag');
    expect(lag).toMatchObject({ verdict: 'not_ready', measured: { text: 'replication not running' } });
    expect(lag?.dataLossMs).toBeUndefined();
  });
});
