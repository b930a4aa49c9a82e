import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetBucketEncryptionCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createS3Checker } from '../../src/readiness/aws/s3.js';
import { CallTimeoutError } from '../../src/readiness/errors.js';
import { awsError, byName, checkerTest, directContext, NOW, resourceOf } from './helpers.js';

const { clients, mock, payments } = checkerTest();
const source = mock(clients.forRegion('us-east-1').s3);
const destination = mock(clients.forRegion('us-west-2').s3);
const cloudwatch = mock(clients.forRegion('us-east-1').cloudwatch);
const bucket = resourceOf(payments, 's3-bucket');

const rule = (status: 'Enabled' | 'Disabled') => ({
  ReplicationConfiguration: {
    Role: 'arn:aws:iam::123456789012:role/replication',
    Rules: [
      {
        ID: 'to-usw2',
        Status: status,
        Destination: {
          Bucket: 'arn:aws:s3:::payments-receipts-usw2',
          ReplicationTime: { Status: 'Enabled' as const, Time: { Minutes: 15 } },
        },
      },
    ],
  },
});
const encrypted = {
  ServerSideEncryptionConfiguration: {
    Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' as const } }],
  },
};
const metrics = (latencySeconds: number | undefined, pending = 0) => ({
  MetricDataResults:
    latencySeconds === undefined
      ? []
      : [
          { Id: 'latency', Values: [latencySeconds], Timestamps: [new Date(NOW - 60_000)] },
          { Id: 'pending', Values: [pending], Timestamps: [new Date(NOW - 60_000)] },
        ],
});

function healthy() {
  source.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  destination.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  source.on(GetBucketReplicationCommand).resolves(rule('Enabled'));
  source.on(GetBucketEncryptionCommand).resolves(encrypted);
  destination.on(GetBucketEncryptionCommand).resolves(encrypted);
}

describe('s3 bucket checker', () => {
  it('is ready with versioning, an Enabled rule, encryption and replication latency within the RPO', async () => {
    // Prepare
    healthy();
    cloudwatch.on(GetMetricDataCommand).resolves(metrics(12, 3));

    // Act
    const checks = await createS3Checker(clients).check(bucket, payments, directContext());

    // Assert
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([
      ['versioning', 'ready'],
      ['replication rule', 'ready'],
      ['replication lag', 'ready'],
      ['encryption', 'ready'],
    ]);
    expect(source).toReceiveCommandWith(GetBucketVersioningCommand, { Bucket: 'payments-receipts-use1' });
    expect(destination).toReceiveCommandWith(GetBucketVersioningCommand, {
      Bucket: 'payments-receipts-usw2',
    });
    expect(source).toReceiveCommandWith(GetBucketReplicationCommand, { Bucket: 'payments-receipts-use1' });
    expect(cloudwatch).toReceiveCommandWith(GetMetricDataCommand, {
      MetricDataQueries: [
        expect.objectContaining({
          MetricStat: expect.objectContaining({
            Metric: {
              Namespace: 'AWS/S3',
              MetricName: 'ReplicationLatency',
              Dimensions: [
                { Name: 'SourceBucket', Value: 'payments-receipts-use1' },
                { Name: 'DestinationBucket', Value: 'payments-receipts-usw2' },
                { Name: 'RuleId', Value: 'to-usw2' },
              ],
            },
          }),
        }),
        expect.objectContaining({
          MetricStat: expect.objectContaining({
            Metric: expect.objectContaining({ MetricName: 'OperationsPendingReplication' }),
          }),
        }),
      ],
    });
    expect(byName(checks, 'replication lag')?.reason).toBe(
      'payments-receipts: replication latency 12 s within RPO 60 s, 3 operations pending',
    );
  });

  it('marks the lag as not measured when there are no replication metrics', async () => {
    // Prepare
    healthy();
    cloudwatch.on(GetMetricDataCommand).resolves(metrics(undefined));

    // Act
    const checks = await createS3Checker(clients).check(bucket, payments, directContext());

    // Assert
    const ruleCheck = byName(checks, 'replication rule');
    expect(ruleCheck).toMatchObject({ verdict: 'ready', freshness: true });
    expect(ruleCheck?.dataLossMs).toBeUndefined();
  });

  it('is degraded when replication latency exceeds the RPO or a bucket has no default encryption', async () => {
    // Prepare
    healthy();
    destination
      .on(GetBucketEncryptionCommand)
      .rejects(awsError('ServerSideEncryptionConfigurationNotFoundError'));
    cloudwatch.on(GetMetricDataCommand).resolves(metrics(300));

    // Act
    const checks = await createS3Checker(clients).check(bucket, payments, directContext());

    // Assert
    expect(byName(checks, 'replication lag')?.verdict).toBe('degraded');
    expect(byName(checks, 'encryption')).toMatchObject({
      verdict: 'degraded',
      reason: 'payments-receipts: no default encryption on payments-receipts-usw2',
    });
  });

  it('is not ready when versioning is suspended or the rule is disabled or missing', async () => {
    // Prepare
    healthy();
    destination.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' });
    source
      .on(GetBucketReplicationCommand)
      .resolvesOnce(rule('Disabled'))
      .rejects(awsError('ReplicationConfigurationNotFoundError'));
    const checker = createS3Checker(clients);

    // Act
    const disabled = await checker.check(bucket, payments, directContext());
    const missing = await checker.check(bucket, payments, directContext());

    // Assert
    expect(byName(disabled, 'versioning')?.verdict).toBe('not_ready');
    expect(byName(disabled, 'replication rule')).toMatchObject({
      verdict: 'not_ready',
      reason: 'payments-receipts: replication rule to-usw2 to payments-receipts-usw2 is Disabled',
    });
    expect(byName(missing, 'replication rule')).toMatchObject({
      verdict: 'not_ready',
      reason:
        'payments-receipts: payments-receipts-use1 has no replication rule to-usw2 to payments-receipts-usw2',
    });
  });

  it('is unknown when S3 calls time out', async () => {
    // Prepare
    healthy();
    source.on(GetBucketVersioningCommand).rejects(new CallTimeoutError(10_000));

    // Act
    const checks = await createS3Checker(clients).check(bucket, payments, directContext());

    // Assert
    expect(byName(checks, 'versioning')).toMatchObject({
      verdict: 'unknown',
      reason: 'payments-receipts: s3:GetBucketVersioning timed out after 10 s',
    });
  });
});
