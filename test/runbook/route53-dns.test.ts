import { readFileSync } from 'node:fs';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetHealthCheckStatusCommand, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/load.js';
import { runner, worldPerTest } from './world.js';

const worlds = worldPerTest();

/** The demo plan with DNS moved by Route 53 steps instead of ARC. */
const route53Plan = (action: 'fail-health-check' | 'update-record') =>
  parsePlan(
    readFileSync('dr-plan.example.yml', 'utf8').replace(
      'kind: arc-routing-control\n          resource: payments-routing',
      `kind: route53\n          resource: payments-dns\n          action: ${action}`,
    ),
    'plan.yml',
  );

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
