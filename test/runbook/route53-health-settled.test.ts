import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetChangeCommand,
  GetHealthCheckCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/adapters/aws/clients.js';
import { route53Executor } from '../../src/runbook/executors/route53.js';
import type { StepContext } from '../../src/runbook/executors/types.js';
import { examplePlan } from './plan.js';

const route53 = new Route53Client({ region: 'us-east-1' });
const cloudwatch = new CloudWatchClient({ region: 'us-east-1' });
const r53Mock = mockClient(route53);
const cwMock = mockClient(cloudwatch);

/** Route 53's decision in the newest minute as its HealthCheckStatus metric shows it. */
const metric = (min: number, max: number) => {
  const at = [new Date(Date.now() - 60_000)];
  return {
    MetricDataResults: [
      { Id: 'minimum', Values: [min], Timestamps: at },
      { Id: 'maximum', Values: [max], Timestamps: at },
    ],
  };
};

function ctx(
  kind: 'failover' | 'failback',
  action: 'fail-health-check' | 'update-record' = 'fail-health-check',
  record?: StepContext['record'],
): StepContext<Parameters<typeof route53Executor.observe>[0]['step']> {
  const plan = examplePlan();
  const service = plan.services.payments;
  if (!service) throw new Error('no payments');
  const resource = service.resources.find((r) => r.kind === 'route53');
  if (!resource) throw new Error('no route53 resource');
  const clients = { forRegion: () => ({ route53, cloudwatch }) } as unknown as AwsClients;
  return {
    step: { id: 'flip-dns', kind: 'route53', resource: resource.id, action },
    service: { ...service, name: 'payments' },
    resource,
    kind,
    mode: 'planned',
    sourceRegion: kind === 'failover' ? 'us-east-1' : 'us-west-2',
    targetRegion: kind === 'failover' ? 'us-west-2' : 'us-east-1',
    executionId: 'e-1',
    record,
    clients,
    aws: { call: (_action, fn) => fn(new AbortController().signal) },
    now: () => Date.now(),
  };
}

describe('fail-health-check waits until Route 53 has settled on the new routing', () => {
  beforeEach(() => {
    r53Mock.reset();
    cwMock.reset();
  });

  it('failback: restored (not inverted) but HealthCheckStatus changed within the newest minute is not done (it may be routing to the recovery Region still)', async () => {
    // Prepare: both 0 and 1 in the newest minute: which came last is not known.
    r53Mock.on(GetHealthCheckCommand).resolves({
      HealthCheck: {
        Id: 'hc',
        CallerReference: 'x',
        HealthCheckVersion: 3,
        HealthCheckConfig: { Type: 'HTTPS', Inverted: false },
      },
    });
    cwMock.on(GetMetricDataCommand).resolves(metric(0, 1));
    // Act
    const observed = await route53Executor.observe(ctx('failback'));
    // Assert
    expect(observed.state).toBe('in-progress');
    expect(observed.summary).toMatch(/changed within the last minute/);
  });

  it('failback: done once a whole minute reports healthy', async () => {
    // Prepare
    r53Mock.on(GetHealthCheckCommand).resolves({
      HealthCheck: {
        Id: 'hc',
        CallerReference: 'x',
        HealthCheckVersion: 3,
        HealthCheckConfig: { Type: 'HTTPS', Inverted: false },
      },
    });
    cwMock.on(GetMetricDataCommand).resolves(metric(1, 1));
    // Act
    const observed = await route53Executor.observe(ctx('failback'));
    // Assert
    expect(observed.state).toBe('done');
  });

  it('failover: inverted but HealthCheckStatus changed within the newest minute is not done', async () => {
    // Prepare: an inverted check that went 0 → 1 (the endpoint failed) routes to the primary again.
    r53Mock.on(GetHealthCheckCommand).resolves({
      HealthCheck: {
        Id: 'hc',
        CallerReference: 'x',
        HealthCheckVersion: 4,
        HealthCheckConfig: { Type: 'HTTPS', Inverted: true },
      },
    });
    cwMock.on(GetMetricDataCommand).resolves(metric(0, 1));
    // Act
    const observed = await route53Executor.observe(ctx('failover'));
    // Assert
    expect(observed.state).toBe('in-progress');
  });
});

describe('update-record never reports done while its change may still be PENDING', () => {
  beforeEach(() => {
    r53Mock.reset();
    cwMock.reset();
  });

  const pointed = {
    ResourceRecordSets: [
      {
        Name: 'api.payments.example.com.',
        Type: 'A' as const,
        Failover: 'PRIMARY' as const,
        TTL: 60,
        ResourceRecords: [{ Value: '10.2.0.10' }],
      },
      {
        Name: 'api.payments.example.com.',
        Type: 'A' as const,
        Failover: 'SECONDARY' as const,
        TTL: 60,
        ResourceRecords: [{ Value: '10.2.0.10' }],
      },
    ],
  };

  it('the call was made but its change id was lost: fails with the reason (the runbook pauses), not done', async () => {
    // Prepare: an intent recorded, the answer (and so the change id) lost in a crash.
    r53Mock.on(ListResourceRecordSetsCommand).resolves(pointed);
    const record = { state: 'intent' as const, attempts: 1, observed: { primaryValues: '10.1.0.10' } };
    // Act
    const observed = await route53Executor.observe(ctx('failover', 'update-record', record));
    // Assert
    expect(observed.state).toBe('failed');
    expect(observed.summary).toMatch(/cannot confirm Route 53 applied it everywhere \(INSYNC\).*Skip/);
  });

  it('with its change id: in progress while PENDING, done once INSYNC', async () => {
    // Prepare
    r53Mock.on(ListResourceRecordSetsCommand).resolves(pointed);
    r53Mock
      .on(GetChangeCommand)
      .resolvesOnce({ ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } })
      .resolves({ ChangeInfo: { Id: 'C1', Status: 'INSYNC', SubmittedAt: new Date() } });
    const record = { state: 'intent' as const, attempts: 1, calledAtMs: 1, observed: { changeId: 'C1' } };
    // Act
    const first = await route53Executor.observe(ctx('failover', 'update-record', record));
    const second = await route53Executor.observe(ctx('failover', 'update-record', record));
    // Assert
    expect(first.state).toBe('in-progress');
    expect(second.state).toBe('done');
  });

  it('nothing called by this step (already pointed, e.g. by hand): done', async () => {
    r53Mock.on(ListResourceRecordSetsCommand).resolves(pointed);
    const observed = await route53Executor.observe(ctx('failover', 'update-record', undefined));
    expect(observed.state).toBe('done');
  });
});
