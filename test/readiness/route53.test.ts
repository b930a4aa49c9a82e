import {
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  NoSuchHealthCheck,
} from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { createRoute53Checker } from '../../src/readiness/aws/route53.js';
import { accessDenied, byName, checkerTest, directContext, resourceOf } from './helpers.js';

const { clients, mock, payments } = checkerTest();
const route53 = mock(clients.forRegion('us-east-1').route53);
const dns = resourceOf(payments, 'route53');

const status = (successes: number, failures: number) => ({
  HealthCheckObservations: [
    ...Array.from({ length: successes }, () => ({
      StatusReport: { Status: 'Success: HTTP Status Code 200, OK' },
    })),
    ...Array.from({ length: failures }, () => ({
      StatusReport: { Status: 'Failure: Connection timed out' },
    })),
  ],
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
    route53.on(GetHealthCheckStatusCommand).resolves(status(8, 0));
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
    expect(route53).toReceiveCommandWith(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-use1' });
    expect(route53).toReceiveCommandWith(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-usw2' });
    expect(route53).toReceiveCommandWith(ListResourceRecordSetsCommand, {
      HostedZoneId: 'Z0PAYMENTSZONE',
      StartRecordName: 'api.payments.example.com',
      StartRecordType: 'A',
      MaxItems: 20,
    });
  });

  it('is degraded when the primary fails its health check or has no health check on its record', async () => {
    // Prepare
    route53.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-use1' }).resolves(status(2, 6));
    route53.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-usw2' }).resolves(status(8, 0));
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
      reason: 'payments-dns: primary health check hc-use1 unhealthy (2/8 checkers report success)',
    });
    expect(byName(checks, 'failover records')?.verdict).toBe('degraded');
  });

  it('is not ready when the recovery endpoint is unhealthy, a health check is gone or SECONDARY is missing', async () => {
    // Prepare
    route53
      .on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-use1' })
      .rejects(new NoSuchHealthCheck({ message: 'no', $metadata: {} }));
    route53.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-usw2' }).resolves(status(1, 7));
    route53
      .on(ListResourceRecordSetsCommand)
      .resolves({ ResourceRecordSets: [record('PRIMARY', 'hc-use1')], IsTruncated: false, MaxItems: 20 });

    // Act
    const checks = await createRoute53Checker(clients).check(dns, payments, directContext());

    // Assert
    expect(checks.map((c) => c.verdict)).toEqual(['not_ready', 'not_ready', 'not_ready']);
    expect(byName(checks, 'primary health check')?.reason).toBe(
      'payments-dns: health check hc-use1 not found (NoSuchHealthCheck)',
    );
    expect(byName(checks, 'failover records')?.reason).toBe(
      'payments-dns: api.payments.example.com A has no SECONDARY failover record',
    );
  });

  it('is unknown when access to Route 53 is denied', async () => {
    // Prepare
    route53.on(GetHealthCheckStatusCommand).resolves(status(8, 0));
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
