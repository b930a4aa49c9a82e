import { DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  ChangeResourceRecordSetsCommand,
  GetHealthCheckCommand,
  ListResourceRecordSetsCommand,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { GetBucketVersioningCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockAll, step } from './executor-fixture.js';

expect.extend(allCustomMatcherWithAliases);

const { rds, ec2, ddb, s3, r53, cw, sns } = mockAll();
beforeEach(() => {
  for (const m of [rds, ec2, ddb, s3, r53, cw, sns]) m.reset();
});

describe('dynamodb-global-table executor', () => {
  it('checks the recovery replica is ACTIVE and writes one canary item under the canary prefix', async () => {
    // Prepare
    ddb.on(DescribeTableCommand).resolves({
      Table: {
        TableStatus: 'ACTIVE',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      },
    });
    ddb.on(GetItemCommand).resolves({});
    const { ctx, executor } = step('carts');
    // Act
    const observed = await executor.observe(ctx);
    await executor.start(ctx, observed);
    // Assert
    expect(observed.state).toBe('not-started');
    expect(ddb).toReceiveCommandWith(DescribeTableCommand, { TableName: 'shop-carts' });
    expect(ddb).toReceiveCommandWith(GetItemCommand, {
      TableName: 'shop-carts',
      Key: { pk: { S: 'lifeboat-canary/shop-failover' } },
      ConsistentRead: true,
    });
    expect(ddb).toReceiveCommandWith(PutItemCommand, {
      TableName: 'shop-carts',
      Item: expect.objectContaining({
        pk: { S: 'lifeboat-canary/shop-failover' },
        lifeboatWriteCheck: { S: 'exec-1/carts' },
      }),
    });
  });
});

describe('s3 executor', () => {
  it('verifies versioning on the recovery bucket and changes nothing', async () => {
    // Prepare
    s3.on(GetBucketVersioningCommand)
      .resolvesOnce({ Status: 'Enabled' })
      .resolvesOnce({ Status: 'Suspended' });
    const { ctx, executor } = step('media');
    // Act
    const enabled = await executor.observe(ctx);
    const suspended = await executor.observe(ctx);
    // Assert
    expect([enabled.state, suspended.state]).toEqual(['done', 'failed']);
    expect(s3).toReceiveCommandWith(GetBucketVersioningCommand, { Bucket: 'shop-media-usw2' });
    expect(executor.calls(ctx, enabled)).toEqual([]);
  });
});

/** Route 53's HealthCheckStatus metric (us-east-1) in the newest minute: Minimum and Maximum. */
const routed = (value: 0 | 1) => ({
  MetricDataResults: ['minimum', 'maximum'].map((Id) => ({ Id, Values: [value], Timestamps: [new Date()] })),
});

describe('route53 executor', () => {
  it('inverts the primary health check with its current version', async () => {
    // Prepare
    r53.on(GetHealthCheckCommand).resolves({
      HealthCheck: {
        Id: 'hc-use1',
        CallerReference: 'x',
        HealthCheckVersion: 3,
        HealthCheckConfig: { Type: 'HTTPS', Inverted: false },
      },
    });
    cw.on(GetMetricDataCommand).resolves(routed(1));
    const { ctx, executor } = step('flip');
    // Act
    await executor.start(ctx, await executor.observe(ctx));
    // Assert
    expect(r53).toReceiveCommandWith(UpdateHealthCheckCommand, {
      HealthCheckId: 'hc-use1',
      Inverted: true,
      HealthCheckVersion: 3,
    });
  });

  it('treats an already failing primary health check as done without calling the control plane', async () => {
    // Prepare
    r53.on(GetHealthCheckCommand).resolves({
      HealthCheck: {
        Id: 'hc-use1',
        CallerReference: 'x',
        HealthCheckVersion: 3,
        HealthCheckConfig: { Type: 'HTTPS', Inverted: false },
      },
    });
    cw.on(GetMetricDataCommand).resolves(routed(0));
    const { ctx, executor } = step('flip');
    // Act
    const observed = await executor.observe(ctx);
    // Assert
    expect(observed.state).toBe('done');
    expect(r53).not.toReceiveCommand(UpdateHealthCheckCommand);
  });

  it('points the PRIMARY failover record at the SECONDARY values', async () => {
    // Prepare
    r53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        {
          Name: 'shop.example.com.',
          Type: 'A',
          TTL: 60,
          SetIdentifier: 'use1',
          Failover: 'PRIMARY',
          HealthCheckId: 'hc-use1',
          ResourceRecords: [{ Value: '203.0.113.10' }],
        },
        {
          Name: 'shop.example.com.',
          Type: 'A',
          TTL: 60,
          SetIdentifier: 'usw2',
          Failover: 'SECONDARY',
          ResourceRecords: [{ Value: '198.51.100.20' }],
        },
      ],
      IsTruncated: false,
      MaxItems: 10,
    });
    r53
      .on(ChangeResourceRecordSetsCommand)
      .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
    const { ctx, executor } = step('record');
    // Act
    const facts = await executor.start(ctx, await executor.observe(ctx));
    // Assert
    expect(r53).toReceiveCommandWith(ListResourceRecordSetsCommand, {
      HostedZoneId: 'ZSHOP',
      StartRecordName: 'shop.example.com',
      StartRecordType: 'A',
    });
    expect(r53).toReceiveCommandWith(ChangeResourceRecordSetsCommand, {
      HostedZoneId: 'ZSHOP',
      ChangeBatch: {
        Comment: 'lifeboat exec-1 record',
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: 'shop.example.com.',
              Type: 'A',
              TTL: 60,
              SetIdentifier: 'use1',
              Failover: 'PRIMARY',
              HealthCheckId: 'hc-use1',
              ResourceRecords: [{ Value: '198.51.100.20' }],
            },
          },
        ],
      },
    });
    expect(facts.changeId).toBe('/change/C1');
  });
});

describe('wait, verify and notify executors', () => {
  it('waits from the persisted call time', async () => {
    // Prepare
    const early = step('settle', {
      record: { state: 'intent', attempts: 1, calledAtMs: 1_000_000 - 10_000 },
    });
    const late = step('settle', { record: { state: 'intent', attempts: 1, calledAtMs: 1_000_000 - 30_000 } });
    // Act
    const [a, b] = [await early.executor.observe(early.ctx), await late.executor.observe(late.ctx)];
    // Assert
    expect([a.state, b.state]).toEqual(['in-progress', 'done']);
  });

  it('verifies an alarm is OK in the recovery Region', async () => {
    // Prepare
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'shop-5xx', StateValue: 'OK' }] });
    const { ctx, executor } = step('verify');
    // Act
    const observed = await executor.observe(ctx);
    // Assert
    expect(observed.state).toBe('done');
    expect(cw).toReceiveCommandWith(DescribeAlarmsCommand, { AlarmNames: ['shop-5xx'] });
  });

  it('publishes the message to each stakeholder topic, and never again after an unconfirmed intent', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { ctx, executor } = step('tell');
    const restarted = step('tell', { record: { state: 'intent', attempts: 1 } });
    // Act
    const facts = await executor.start(ctx, await executor.observe(ctx));
    const again = await restarted.executor.observe(restarted.ctx);
    // Assert
    expect(sns).toReceiveCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:us-west-2:123456789012:shop-news',
      Message: 'Shop now serves from us-west-2.',
      Subject: 'Lifeboat: shop failover',
    });
    expect(facts.messageIds).toBe('m-1');
    expect(again.state).toBe('done');
  });
});
