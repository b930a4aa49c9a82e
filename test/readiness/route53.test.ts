import { GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
} from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { createRoute53Checker } from '../../src/readiness/aws/route53.js';
import { accessDenied, byName, checkerTest, directContext, NOW, resourceOf } from './helpers.js';

const { clients, mock, payments } = checkerTest();
const route53 = mock(clients.forRegion('us-east-1').route53);
const cloudwatch = mock(clients.forRegion('us-east-1').cloudwatch);
const dns = resourceOf(payments, 'route53');

/** Route 53's HealthCheckStatus per health check id (1 healthy, 0 unhealthy, undefined: no datapoint). */
const statuses = (byId: Record<string, 0 | 1 | undefined>) =>
  cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    const queries = input.MetricDataQueries ?? [];
    return {
      MetricDataResults: queries.map((q) => {
        const id = q.MetricStat?.Metric?.Dimensions?.find((d) => d.Name === 'HealthCheckId')?.Value ?? '';
        const value = byId[id];
        return {
          Id: q.Id,
          Values: value === undefined ? [] : [value],
          Timestamps: value === undefined ? [] : [new Date(NOW - 60_000)],
        };
      }),
    };
  });
const record = (failover: 'PRIMARY' | 'SECONDARY', healthCheckId?: string) => ({
  Name: 'api.payments.example.com.',
  Type: 'A' as const,
  SetIdentifier: failover.toLowerCase(),
  Failover: failover,
  TTL: 60,
  ResourceRecords: [{ Value: failover === 'PRIMARY' ? '192.0.2.1' : '198.51.100.1' }],
  ...(healthCheckId ? { HealthCheckId: healthCheckId } : {}),
});

describe('route53 checker', () => {
  it('is ready with healthy health checks and PRIMARY/SECONDARY failover records', async () => {
    // Prepare
    statuses({ 'hc-use1': 1, 'hc-usw2': 1 });
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [record('PRIMARY', 'hc-use1'), record('SECONDARY', 'hc-usw2')],
      IsTruncated: false,
      MaxItems: 20,
    });

    // Act
    const checks = await createRoute53Checker(clients).check(dns, payments, directContext());

    // Assert
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([
      ['primary health check', 'ready'],
      ['recovery health check', 'ready'],
      ['failover records', 'ready'],
    ]);
    // Route 53's own decision (after Inverted and its checker threshold), never per-checker strings.
    expect(route53).not.toReceiveCommand(GetHealthCheckStatusCommand);
    expect(cloudwatch).toReceiveCommandTimes(GetMetricDataCommand, 2);
    expect(route53).toReceiveCommandWith(ListResourceRecordSetsCommand, {
      HostedZoneId: 'Z0PAYMENTSZONE',
      StartRecordName: 'api.payments.example.com',
      StartRecordType: 'A',
      MaxItems: 20,
    });
  });

  it('is degraded when the primary fails its health check or has no health check on its record', async () => {
    // Prepare
    statuses({ 'hc-use1': 0, 'hc-usw2': 1 });
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [record('PRIMARY'), record('SECONDARY')],
      IsTruncated: false,
      MaxItems: 20,
    });

    // Act
    const checks = await createRoute53Checker(clients).check(dns, payments, directContext());

    // Assert
    expect(byName(checks, 'primary health check')).toMatchObject({
      verdict: 'degraded',
      reason: 'payments-dns: Route 53 reports hc-use1 unhealthy',
    });
    expect(byName(checks, 'failover records')?.verdict).toBe('degraded');
  });

  it('is not ready when the recovery endpoint is unhealthy or SECONDARY is missing; unknown without data', async () => {
    // Prepare
    statuses({ 'hc-use1': undefined, 'hc-usw2': 0 });
    // An ordinary (endpoint) health check: its failing means the recovery endpoint is down
    route53.on(GetHealthCheckCommand, { HealthCheckId: 'hc-usw2' }).resolves({
      HealthCheck: {
        Id: 'hc-usw2',
        CallerReference: 'hc-usw2',
        HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'us-west-2.api.payments.example.com' },
        HealthCheckVersion: 1,
      },
    });
    route53
      .on(ListResourceRecordSetsCommand)
      .resolves({ ResourceRecordSets: [record('PRIMARY', 'hc-use1')], IsTruncated: false, MaxItems: 20 });

    // Act
    const checks = await createRoute53Checker(clients).check(dns, payments, directContext());

    // Assert
    expect(checks.map((c) => c.verdict)).toEqual(['unknown', 'not_ready', 'not_ready']);
    expect(byName(checks, 'primary health check')?.reason).toBe(
      'payments-dns: no HealthCheckStatus datapoint for hc-use1 in 5 min',
    );
    expect(byName(checks, 'failover records')?.reason).toBe(
      'payments-dns: api.payments.example.com A has no SECONDARY failover record',
    );
  });

  it('is unknown when access to Route 53 is denied', async () => {
    // Prepare
    statuses({ 'hc-use1': 1, 'hc-usw2': 1 });
    route53.on(ListResourceRecordSetsCommand).rejects(accessDenied());

    // Act
    const checks = await createRoute53Checker(clients).check(dns, payments, directContext());

    // Assert
    expect(byName(checks, 'failover records')).toMatchObject({
      verdict: 'unknown',
      reason: 'payments-dns: permission missing: route53:ListResourceRecordSets',
    });
  });
});
