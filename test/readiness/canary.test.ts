import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, NotFound, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/domain/clock.js';
import { createDynamoDbCanaryChecker, createS3CanaryChecker } from '../../src/readiness/aws/canary-probes.js';
import { checkerTest, directContext, NOW, resourceOf, throttled } from './helpers.js';

const { clients, mock, payments } = checkerTest();
const ddbPrimary = mock(clients.forRegion('us-east-1').dynamodb);
const ddbRecovery = mock(clients.forRegion('us-west-2').dynamodb);
const s3Source = mock(clients.forRegion('us-east-1').s3);
const s3Destination = mock(clients.forRegion('us-west-2').s3);
const canary = { enabled: true, keyPrefix: 'lifeboat-canary/', interval: 5 * 60_000 };
const table = { ...resourceOf(payments, 'dynamodb-global-table'), canary };
const bucket = { ...resourceOf(payments, 's3-bucket'), canary };

/** A manual clock that each poll's sleep advances, so waits cost no real time. */
function drivenOptions() {
  const clock = manualClock(NOW);
  return { clock, sleep: async (ms: number) => clock.advance(ms), pollMs: 500, newId: () => 'beat-1' };
}

const keySchema = {
  Table: {
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' as const },
      { AttributeName: 'sk', KeyType: 'RANGE' as const },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' as const },
      { AttributeName: 'sk', AttributeType: 'S' as const },
    ],
  },
};
const KEY = { pk: { S: 'lifeboat-canary/payments' }, sk: { S: 'lifeboat-canary/heartbeat' } };

describe('dynamodb canary', () => {
  it('writes a heartbeat in the primary Region and times its arrival on the recovery replica', async () => {
    // Prepare
    ddbPrimary.on(DescribeTableCommand).resolves(keySchema);
    ddbPrimary.on(PutItemCommand).resolves({});
    ddbRecovery
      .on(GetItemCommand)
      .resolvesOnce({ Item: { ...KEY, lifeboatCanaryId: { S: 'older-beat' } } })
      .resolvesOnce({})
      .resolves({ Item: { ...KEY, lifeboatCanaryId: { S: 'beat-1' } } });

    // Act
    const checks = await createDynamoDbCanaryChecker(clients, drivenOptions()).check(
      table,
      payments,
      directContext(),
    );

    // Assert
    expect(ddbPrimary).toReceiveCommandWith(PutItemCommand, {
      TableName: 'payments-ledger',
      Item: { ...KEY, lifeboatCanaryId: { S: 'beat-1' }, lifeboatCanaryAt: { N: String(NOW) } },
    });
    expect(ddbRecovery).toReceiveCommandWith(GetItemCommand, { TableName: 'payments-ledger', Key: KEY });
    expect(checks).toEqual([
      expect.objectContaining({
        name: 'canary',
        verdict: 'ready',
        source: 'canary',
        dataLossMs: 1_500,
        reason: 'payments-ledger: canary replicated in 1.5 s within RPO 60 s',
      }),
    ]);
  });

  it("counts another replica's later heartbeat on the recovery side as arrival of its own", async () => {
    // Prepare: our beat-1 was replaced on the primary by beat-2 (another replica) before it replicated
    ddbPrimary.on(DescribeTableCommand).resolves(keySchema);
    ddbPrimary.on(PutItemCommand).resolves({});
    ddbPrimary.on(GetItemCommand).resolves({ Item: { ...KEY, lifeboatCanaryId: { S: 'beat-2' } } });
    ddbRecovery
      .on(GetItemCommand)
      .resolvesOnce({ Item: { ...KEY, lifeboatCanaryId: { S: 'older-beat' } } })
      .resolves({ Item: { ...KEY, lifeboatCanaryId: { S: 'beat-2' } } });

    // Act
    const checks = await createDynamoDbCanaryChecker(clients, drivenOptions()).check(
      table,
      payments,
      directContext(),
    );

    // Assert: measured at the second poll, not after the whole wait; the primary read is consistent
    expect(checks[0]).toMatchObject({ verdict: 'ready', dataLossMs: 1_000 });
    expect(ddbPrimary).toReceiveCommandWith(GetItemCommand, { Key: KEY, ConsistentRead: true });
  });

  it('is degraded when the heartbeat has not arrived after waiting beyond the RPO', async () => {
    // Prepare
    ddbPrimary.on(DescribeTableCommand).resolves(keySchema);
    ddbPrimary.on(PutItemCommand).resolves({});
    ddbRecovery.on(GetItemCommand).resolves({});

    // Act
    const checks = await createDynamoDbCanaryChecker(clients, drivenOptions()).check(
      table,
      payments,
      directContext(),
    );

    // Assert
    expect(checks[0]).toMatchObject({
      verdict: 'degraded',
      measured: { text: '> 90 s' },
      dataLossMs: 90_000,
      reason: 'payments-ledger: canary not replicated after 90 s exceeds RPO 60 s',
    });
  });

  it('reuses a measurement within the canary interval instead of writing again', async () => {
    // Prepare
    ddbPrimary.on(DescribeTableCommand).resolves(keySchema);
    ddbPrimary.on(PutItemCommand).resolves({});
    ddbRecovery.on(GetItemCommand).resolves({ Item: { ...KEY, lifeboatCanaryId: { S: 'beat-1' } } });
    const options = drivenOptions();
    const checker = createDynamoDbCanaryChecker(clients, options);
    await checker.check(table, payments, directContext());

    // Act
    options.clock.advance(60_000);
    const again = await checker.check(table, payments, directContext());

    // Assert
    expect(ddbPrimary.commandCalls(PutItemCommand)).toHaveLength(1);
    expect(again[0]?.reason).toBe(
      'payments-ledger: canary replicated in 500 ms within RPO 60 s (measured 60 s ago)',
    );
  });

  it('is unknown when the write is throttled, and stays silent when the canary is off', async () => {
    // Prepare
    ddbPrimary.on(DescribeTableCommand).resolves(keySchema);
    ddbPrimary.on(PutItemCommand).rejects(throttled());
    const checker = createDynamoDbCanaryChecker(clients, drivenOptions());

    // Act
    const failed = await checker.check(table, payments, directContext());
    const off = await checker.check({ ...table, canary: undefined }, payments, directContext());

    // Assert
    expect(failed[0]).toMatchObject({
      verdict: 'unknown',
      reason: 'payments-ledger: AWS throttled dynamodb:PutItem (ThrottlingException); re-check in a minute',
    });
    expect(off).toEqual([]);
  });
});

describe('s3 canary', () => {
  it('puts a heartbeat object and polls HeadObject on the destination until the replica carries its id', async () => {
    // Prepare
    s3Source.on(PutObjectCommand).resolves({});
    s3Destination
      .on(HeadObjectCommand)
      .rejectsOnce(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }))
      .resolves({ Metadata: { 'lifeboat-canary-id': 'beat-1' } });

    // Act
    const checks = await createS3CanaryChecker(clients, drivenOptions()).check(
      bucket,
      payments,
      directContext(),
    );

    // Assert
    expect(s3Source).toReceiveCommandWith(PutObjectCommand, {
      Bucket: 'payments-receipts-use1',
      Key: 'lifeboat-canary/payments/payments-receipts',
      Metadata: { 'lifeboat-canary-id': 'beat-1' },
    });
    expect(s3Destination).toReceiveCommandWith(HeadObjectCommand, {
      Bucket: 'payments-receipts-usw2',
      Key: 'lifeboat-canary/payments/payments-receipts',
    });
    expect(checks[0]).toMatchObject({ verdict: 'ready', dataLossMs: 1_000, source: 'canary' });
  });

  it('is not ready when the heartbeat never arrives within ten times the RPO', async () => {
    // Prepare
    s3Source.on(PutObjectCommand).resolves({});
    s3Destination
      .on(HeadObjectCommand)
      .rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));
    const options = { ...drivenOptions(), maxWaitMs: () => 11 * 60_000, pollMs: 30_000 };

    // Act
    const checks = await createS3CanaryChecker(clients, options).check(bucket, payments, directContext());

    // Assert
    expect(checks[0]).toMatchObject({ verdict: 'not_ready', measured: { text: '> 11 min' } });
  });
});
