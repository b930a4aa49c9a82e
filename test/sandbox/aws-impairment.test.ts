import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
} from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatedCloud } from './aws-fixture.js';

/** A Regional impairment as AWS describes it (src/sandbox/aws/FIDELITY.md, "Regional impairment"). */
describe('Regional impairment in the simulated cloud', () => {
  let env: Awaited<ReturnType<typeof simulatedCloud>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('takes every Route 53 API call, reads included, down with us-east-1 (its control plane)', async () => {
    // Prepare
    env = await simulatedCloud();
    env.cloud.faults.regionOutage('us-east-1');
    const r53 = env.west.route53;
    // Act
    const errors = await Promise.all([
      r53
        .send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0PAYMENTSZONE' }))
        .catch((e: Error) => e.name),
      r53.send(new GetHealthCheckCommand({ HealthCheckId: 'hc-payments-usw2' })).catch((e: Error) => e.name),
      r53
        .send(new GetHealthCheckStatusCommand({ HealthCheckId: 'hc-payments-usw2' }))
        .catch((e: Error) => e.name),
    ]);
    // Assert
    expect(errors).toEqual(['ServiceUnavailable', 'ServiceUnavailable', 'ServiceUnavailable']);
  });

  it('keeps Route 53 answering while only the recovery Region is impaired', async () => {
    // Prepare
    env = await simulatedCloud();
    env.cloud.faults.regionOutage('us-west-2');
    // Act
    const out = await env.west.route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0PAYMENTSZONE' }),
    );
    // Assert
    expect(out.ResourceRecordSets?.length).toBeGreaterThan(0);
  });

  it('in "impaired" mode, answers some attempts with errors and lets others time out', async () => {
    // Prepare
    env = await simulatedCloud({ requestTimeoutMs: 50 });
    const outcomes: string[] = [];
    env.cloud.events.on('call', (c: { operation: string; error?: string }) => {
      if (c.operation === 'DescribeDBClusters') outcomes.push(c.error ?? 'ok');
    });
    env.cloud.faults.regionOutage('us-east-1', { mode: 'impaired' });
    // Act
    for (let i = 0; i < 4; i += 1)
      await env.east.rds.send(new DescribeDBClustersCommand({})).catch(() => undefined);
    // Assert
    expect(outcomes).toContain('ServiceUnavailable');
    expect(outcomes).toContain('TimeoutError');
    expect(outcomes).not.toContain('ok');
    expect(env.cloud.faults.describe().outages).toEqual([
      expect.objectContaining({ region: 'us-east-1', mode: 'impaired' }),
    ]);
  });

  it('keeps the Route 53 HealthCheckStatus metric in us-east-1 only, so it is unreadable during its outage', async () => {
    // Prepare
    env = await simulatedCloud();
    const query = (client: CloudWatchClient) => {
      const now = env?.clock.now() ?? 0;
      return client.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - 300_000),
          EndTime: new Date(now),
          MetricDataQueries: [
            {
              Id: 'hc',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/Route53',
                  MetricName: 'HealthCheckStatus',
                  Dimensions: [{ Name: 'HealthCheckId', Value: 'hc-payments-usw2' }],
                },
                Period: 60,
                Stat: 'Minimum',
              },
            },
          ],
        }),
      );
    };
    const west = await query(env.west.cloudwatch);
    env.cloud.faults.regionOutage('us-east-1');
    // Act
    const east = await query(env.east.cloudwatch).catch((e: Error) => e.name);
    // Assert
    expect(west.MetricDataResults?.[0]?.Values ?? []).toEqual([]);
    expect(east).toBe('ServiceUnavailable');
  });
});
