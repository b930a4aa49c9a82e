import { readFileSync } from 'node:fs';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  ChangeResourceRecordSetsCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/load.js';
import { runner, worldPerTest } from './world.js';

const worlds = worldPerTest();

/** The demo plan with DNS moved by Route 53 steps instead of ARC. */
const route53Plan = (
  action: 'fail-health-check' | 'update-record',
  recordName = 'api.payments.example.com',
) =>
  parsePlan(
    readFileSync('dr-plan.example.yml', 'utf8')
      .replace(
        'kind: arc-routing-control\n          resource: payments-routing',
        `kind: route53\n          resource: payments-dns\n          action: ${action}`,
      )
      .replace('recordName: api.payments.example.com', `recordName: ${recordName}`),
    'plan.yml',
  );

const ALB_ZONE = 'Z35SXDOTRQ7X7K';
const alb = (region: string) => `dualstack.payments-${region}-123.${region}.elb.amazonaws.com.`;

describe('Route 53 steps against the strict model', () => {
  it('fail-health-check: judges by what Route 53 decides after Inverted, not by each checker’s "Success"', async () => {
    // Prepare
    const world = await worlds.start({ plan: route53Plan('fail-health-check') });
    const execution = await world.approve('payments');
    // Act
    const done = await runner(world).run(execution.id);
    // Assert
    expect(done.state, done.lastError).toBe('completed');
    expect(world.mutations()).toContain('route53:UpdateHealthCheck');
    expect(done.steps['flip-dns']?.observed?.inverted).toBe(true);
    expect(done.steps['flip-dns']?.observed?.healthy).not.toBe(true);
    const east = world.aws.forRegion('us-east-1');
    const checkers = await east.route53.send(
      new GetHealthCheckStatusCommand({ HealthCheckId: 'hc-payments-use1' }),
    );
    expect(
      checkers.HealthCheckObservations?.every((o) => o.StatusReport?.Status?.startsWith('Success')),
    ).toBe(true);
    const records = world.cloud.snapshot().route53.records.filter((r) => r.zoneId === 'Z0PAYMENTSZONE');
    expect(records.find((r) => r.failover === 'SECONDARY')?.serving).toBe(true);
  });

  it('fail-health-check during a us-east-1 outage: pauses with the reason (Route 53 and its metrics are there), never reports DNS moved', async () => {
    // Prepare
    const world = await worlds.start({ plan: route53Plan('fail-health-check') });
    world.cloud.faults.regionOutage('us-east-1');
    const execution = await world.approve('payments', 'unplanned');
    // Act
    const paused = await runner(world).run(execution.id);
    // Assert
    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.pausedAtStep).toBe('flip-dns');
    expect(paused.lastError).toMatch(/route53:GetHealthCheck|cloudwatch:GetMetricData/);
    expect(world.mutations()).not.toContain('route53:UpdateHealthCheck');
  });
});

describe('update-record with alias records and names as Route 53 returns them', () => {
  type World = Awaited<ReturnType<typeof worlds.start>>;
  const aliasPair = async (world: World, sides: readonly ('PRIMARY' | 'SECONDARY')[]) => {
    const r53 = world.aws.forRegion('us-east-1').route53;
    const listed = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0PAYMENTSZONE' }));
    const changes = (listed.ResourceRecordSets ?? [])
      .filter((r) => r.Failover !== undefined && sides.includes(r.Failover))
      .map((r) => {
        const { TTL: _ttl, ResourceRecords: _values, ...rest } = r;
        const region = r.Failover === 'PRIMARY' ? 'us-east-1' : 'us-west-2';
        const record: ResourceRecordSet = {
          ...rest,
          AliasTarget: { HostedZoneId: ALB_ZONE, DNSName: alb(region), EvaluateTargetHealth: true },
        };
        return { Action: 'UPSERT' as const, ResourceRecordSet: record };
      });
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'Z0PAYMENTSZONE',
        ChangeBatch: { Changes: changes },
      }),
    );
    world.calls.length = 0;
  };
  const primaryRecord = async (world: World) => {
    const r53 = world.aws.forRegion('us-east-1').route53;
    const listed = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0PAYMENTSZONE' }));
    return listed.ResourceRecordSets?.find((r) => r.Failover === 'PRIMARY');
  };

  it('points an alias PRIMARY at the SECONDARY’s alias target instead of reporting two empty value sets equal', async () => {
    // Prepare
    const world = await worlds.start({ plan: route53Plan('update-record') });
    await aliasPair(world, ['PRIMARY', 'SECONDARY']);
    const execution = await world.approve('payments');
    // Act
    const done = await runner(world).run(execution.id);
    // Assert
    expect(done.state, done.lastError).toBe('completed');
    expect(world.mutations()).toContain('route53:ChangeResourceRecordSets');
    const primary = await primaryRecord(world);
    expect(primary?.AliasTarget?.DNSName).toBe(alb('us-west-2'));
    expect(primary?.ResourceRecords).toBeUndefined();
  });

  it('refuses a PRIMARY/SECONDARY pair where only one side is an alias, with a clear reason', async () => {
    // Prepare
    const world = await worlds.start({ plan: route53Plan('update-record') });
    await aliasPair(world, ['PRIMARY']);
    const execution = await world.approve('payments');
    // Act
    const paused = await runner(world).run(execution.id);
    // Assert
    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.pausedAtStep).toBe('flip-dns');
    expect(paused.lastError).toContain('the PRIMARY record is an alias and the SECONDARY is not');
    expect(world.mutations()).not.toContain('route53:ChangeResourceRecordSets');
  });

  it('matches the record whatever the plan’s letter case (Route 53 returns names in lowercase)', async () => {
    // Prepare
    const world = await worlds.start({ plan: route53Plan('update-record', 'API.Payments.Example.com') });
    const execution = await world.approve('payments');
    // Act
    const done = await runner(world).run(execution.id);
    // Assert
    expect(done.state, done.lastError).toBe('completed');
    expect((await primaryRecord(world))?.ResourceRecords).toEqual([{ Value: '198.51.100.20' }]);
  });
});

describe('the simulated Route 53 health check model', () => {
  it('keeps per-checker "Success" on an inverted check while its HealthCheckStatus metric says unhealthy', async () => {
    // Prepare
    const world = await worlds.start();
    const east = world.aws.forRegion('us-east-1');
    // Act
    await east.route53.send(
      new UpdateHealthCheckCommand({ HealthCheckId: 'hc-payments-use1', Inverted: true }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const now = Date.now();
    const status = await east.route53.send(
      new GetHealthCheckStatusCommand({ HealthCheckId: 'hc-payments-use1' }),
    );
    const metric = await east.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 120_000),
        EndTime: new Date(now),
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [
          {
            Id: 'm',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/Route53',
                MetricName: 'HealthCheckStatus',
                Dimensions: [{ Name: 'HealthCheckId', Value: 'hc-payments-use1' }],
              },
              Period: 60,
              Stat: 'Minimum',
            },
          },
        ],
      }),
    );
    // Assert
    expect(status.HealthCheckObservations?.length).toBe(8);
    expect(status.HealthCheckObservations?.every((o) => o.StatusReport?.Status?.startsWith('Success'))).toBe(
      true,
    );
    expect(metric.MetricDataResults?.[0]?.Values?.[0]).toBe(0);
  });
});
