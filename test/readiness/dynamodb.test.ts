import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoDbChecker } from '../../src/readiness/aws/dynamodb.js';
import { byName, checkerTest, directContext, NOW, resourceOf, throttled } from './helpers.js';

const { clients, mock, payments } = checkerTest();
const primary = mock(clients.forRegion('us-east-1').dynamodb);
const recovery = mock(clients.forRegion('us-west-2').dynamodb);
const cloudwatch = mock(clients.forRegion('us-east-1').cloudwatch);
const table = resourceOf(payments, 'dynamodb-global-table');

/** DescribeTable as the recovery Region answers it: its own TableStatus, the other Regions' replicas. */
const described = (status: string) => ({
  Table: {
    TableName: 'payments-ledger',
    TableStatus: status as 'ACTIVE',
    Replicas: [{ RegionName: 'us-east-1', ReplicaStatus: 'ACTIVE' as const }],
  },
});
const pitr = (status: 'ENABLED' | 'DISABLED') => ({
  ContinuousBackupsDescription: {
    ContinuousBackupsStatus: 'ENABLED' as const,
    PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: status },
  },
});
const latency = (ms: number) => ({
  MetricDataResults: [{ Id: 'latency', Values: [ms], Timestamps: [new Date(NOW - 60_000)] }],
});

describe('dynamodb global table checker', () => {
  it('is ready with an ACTIVE replica, low replication latency and PITR on both sides', async () => {
    // Prepare
    recovery.on(DescribeTableCommand).resolves(described('ACTIVE'));
    primary.on(DescribeContinuousBackupsCommand).resolves(pitr('ENABLED'));
    recovery.on(DescribeContinuousBackupsCommand).resolves(pitr('ENABLED'));
    cloudwatch.on(GetMetricDataCommand).resolves(latency(1_250));

    // Act
    const checks = await createDynamoDbChecker(clients).check(table, payments, directContext());

    // Assert
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([
      ['replica', 'ready'],
      ['replication lag', 'ready'],
      ['PITR', 'ready'],
    ]);
    expect(recovery).toReceiveCommandWith(DescribeTableCommand, { TableName: 'payments-ledger' });
    expect(primary).toReceiveCommandWith(DescribeContinuousBackupsCommand, { TableName: 'payments-ledger' });
    expect(recovery).toReceiveCommandWith(DescribeContinuousBackupsCommand, { TableName: 'payments-ledger' });
    expect(cloudwatch).toReceiveCommandWith(GetMetricDataCommand, {
      MetricDataQueries: [
        expect.objectContaining({
          MetricStat: expect.objectContaining({
            Metric: {
              Namespace: 'AWS/DynamoDB',
              MetricName: 'ReplicationLatency',
              Dimensions: [
                { Name: 'TableName', Value: 'payments-ledger' },
                { Name: 'ReceivingRegion', Value: 'us-west-2' },
              ],
            },
          }),
        }),
      ],
    });
    expect(byName(checks, 'replication lag')).toMatchObject({
      dataLossMs: 1_250,
      reason: 'payments-ledger: replication latency 1.3 s within RPO 60 s',
    });
  });

  it('is degraded while the replica is UPDATING or PITR is off in a Region', async () => {
    // Prepare
    recovery.on(DescribeTableCommand).resolves(described('UPDATING'));
    primary.on(DescribeContinuousBackupsCommand).resolves(pitr('ENABLED'));
    recovery.on(DescribeContinuousBackupsCommand).resolves(pitr('DISABLED'));

    // Act
    const checks = await createDynamoDbChecker(clients).check(table, payments, directContext());

    // Assert
    expect(byName(checks, 'replica')?.verdict).toBe('degraded');
    expect(byName(checks, 'PITR')).toMatchObject({
      verdict: 'degraded',
      reason: 'payments-ledger: point-in-time recovery is off in us-west-2',
    });
  });

  it('is not ready when the replica lost its KMS key or the table is missing', async () => {
    // Prepare
    recovery
      .on(DescribeTableCommand)
      .resolvesOnce(described('INACCESSIBLE_ENCRYPTION_CREDENTIALS'))
      .rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    primary.on(DescribeContinuousBackupsCommand).resolves(pitr('ENABLED'));
    recovery.on(DescribeContinuousBackupsCommand).resolves(pitr('ENABLED'));
    const checker = createDynamoDbChecker(clients);

    // Act
    const keyLost = await checker.check(table, payments, directContext());
    const missing = await checker.check(table, payments, directContext());

    // Assert
    expect(byName(keyLost, 'replica')).toMatchObject({
      verdict: 'not_ready',
      reason:
        'payments-ledger: replica in us-west-2 is INACCESSIBLE_ENCRYPTION_CREDENTIALS: its KMS key is not accessible',
    });
    expect(byName(missing, 'replica')).toMatchObject({
      verdict: 'not_ready',
      reason: 'payments-ledger: table payments-ledger not found (ResourceNotFoundException)',
    });
  });

  it('is unknown when DynamoDB throttles', async () => {
    // Prepare
    recovery.on(DescribeTableCommand).rejects(throttled());
    primary.on(DescribeContinuousBackupsCommand).resolves(pitr('ENABLED'));
    recovery.on(DescribeContinuousBackupsCommand).resolves(pitr('ENABLED'));

    // Act
    const checks = await createDynamoDbChecker(clients).check(table, payments, directContext());

    // Assert
    expect(byName(checks, 'replica')).toMatchObject({
      verdict: 'unknown',
      reason:
        'payments-ledger: AWS throttled dynamodb:DescribeTable (ThrottlingException); re-check in a minute',
    });
  });
});
