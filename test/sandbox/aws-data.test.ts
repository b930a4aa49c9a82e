import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeImagesCommand, RunInstancesCommand, waitUntilInstanceRunning } from '@aws-sdk/client-ec2';
import {
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { route53DemoPlan } from '../helpers/plans.js';
import { simulatedCloud } from './aws-fixture.js';

describe('simulated EC2, S3, DynamoDB and Route 53 behind the real SDK clients', () => {
  let env: Awaited<ReturnType<typeof simulatedCloud>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('launches from the recovery launch template and satisfies the SDK waiter once running', async () => {
    // Prepare
    env = await simulatedCloud({ clock: systemClock, timeScale: 600 });
    const ec2 = env.west.ec2;
    // Act
    const images = await ec2.send(
      new DescribeImagesCommand({
        Owners: ['self'],
        Filters: [{ Name: 'tag:lifeboat:service', Values: ['payments'] }],
      }),
    );
    const run = await ec2.send(
      new RunInstancesCommand({
        LaunchTemplate: { LaunchTemplateId: 'lt-0a1b2c3d4e5f60001', Version: '$Latest' },
        MinCount: 2,
        MaxCount: 2,
      }),
    );
    const ids = (run.Instances ?? []).map((i) => i.InstanceId ?? '');
    const waited = await waitUntilInstanceRunning(
      { client: ec2, maxWaitTime: 20, minDelay: 1, maxDelay: 1 },
      { InstanceIds: ids },
    );
    // Assert
    expect(images.Images?.length).toBe(3);
    expect(images.Images?.every((i) => typeof i.CreationDate === 'string')).toBe(true);
    expect(run.Instances?.map((i) => i.State?.Name)).toEqual(['pending', 'pending']);
    expect(waited.state).toBe('SUCCESS');
  });

  it('replicates an object to the destination bucket after the delay, and holds it PENDING while replication is broken', async () => {
    // Prepare
    env = await simulatedCloud();
    const { east, west, clock, cloud } = env;
    // Act
    await east.s3.send(
      new PutObjectCommand({ Bucket: 'payments-receipts-use1', Key: 'a.txt', Body: 'receipt A' }),
    );
    const pending = await east.s3.send(
      new HeadObjectCommand({ Bucket: 'payments-receipts-use1', Key: 'a.txt' }),
    );
    clock.advance(15_000);
    const done = await east.s3.send(
      new HeadObjectCommand({ Bucket: 'payments-receipts-use1', Key: 'a.txt' }),
    );
    const replica = await west.s3.send(
      new GetObjectCommand({ Bucket: 'payments-receipts-usw2', Key: 'a.txt' }),
    );
    cloud.faults.breakReplication('payments-receipts');
    await east.s3.send(
      new PutObjectCommand({ Bucket: 'payments-receipts-use1', Key: 'b.txt', Body: 'receipt B' }),
    );
    clock.advance(60_000);
    const stuck = await east.s3.send(
      new HeadObjectCommand({ Bucket: 'payments-receipts-use1', Key: 'b.txt' }),
    );
    // Assert
    expect(pending.ReplicationStatus).toBe('PENDING');
    expect(done.ReplicationStatus).toBe('COMPLETED');
    expect(replica.ReplicationStatus).toBe('REPLICA');
    expect(await replica.Body?.transformToString()).toBe('receipt A');
    expect(stuck.ReplicationStatus).toBe('PENDING');
    expect(
      cloud.snapshot().s3.buckets.find((b) => b.name === 'payments-receipts-use1')?.pendingReplication,
    ).toBe(1);
  });

  it('makes an item written in one Region readable in the other after the replication lag, with stream records', async () => {
    // Prepare
    env = await simulatedCloud();
    const { east, west, clock } = env;
    const item = { pk: { S: 'canary#1' }, at: { N: '1' } };
    // Act
    await east.dynamodb.send(new PutItemCommand({ TableName: 'payments-ledger', Item: item }));
    const before = await west.dynamodb.send(
      new GetItemCommand({ TableName: 'payments-ledger', Key: { pk: item.pk } }),
    );
    clock.advance(2_000);
    const after = await west.dynamodb.send(
      new GetItemCommand({ TableName: 'payments-ledger', Key: { pk: item.pk } }),
    );
    const table = await west.dynamodb.send(new DescribeTableCommand({ TableName: 'payments-ledger' }));
    const stream = await west.dynamodbStreams.send(
      new DescribeStreamCommand({ StreamArn: table.Table?.LatestStreamArn }),
    );
    const iterator = await west.dynamodbStreams.send(
      new GetShardIteratorCommand({
        StreamArn: table.Table?.LatestStreamArn,
        ShardId: stream.StreamDescription?.Shards?.[0]?.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const records = await west.dynamodbStreams.send(
      new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }),
    );
    // Assert
    expect(before.Item).toBeUndefined();
    expect(after.Item).toEqual(item);
    expect(table.Table?.Replicas).toEqual([{ RegionName: 'us-east-1', ReplicaStatus: 'ACTIVE' }]);
    expect(records.Records?.map((r) => [r.eventName, r.dynamodb?.NewImage?.pk?.S])).toEqual([
      ['INSERT', 'canary#1'],
    ]);
  });

  it('fails the primary health check after a us-east-1 outage while Route 53 answers no API call, reads included', async () => {
    // Prepare: failover records on ordinary (endpoint) health checks, not the demo's RECOVERY_CONTROL ones
    env = await simulatedCloud({ plan: route53DemoPlan() });
    const { east, clock, cloud } = env;
    // Act
    cloud.faults.regionOutage('us-east-1');
    clock.advance(45_000);
    const calls = [
      () => east.route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: 'hc-payments-use1' })),
      () =>
        east.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: '/hostedzone/Z0PAYMENTSZONE' })),
      () =>
        east.route53.send(
          new UpdateHealthCheckCommand({ HealthCheckId: 'hc-payments-use1', Inverted: true }),
        ),
    ];
    // Assert: the control plane (us-east-1) is down; the data plane fails the primary over on its own
    for (const call of calls)
      await expect(call()).rejects.toMatchObject({
        name: 'ServiceUnavailable',
        $metadata: { httpStatusCode: 503 },
      });
    const records = cloud.snapshot().route53.records;
    expect(records.find((r) => r.failover === 'PRIMARY')?.serving).toBe(false);
    expect(records.find((r) => r.failover === 'SECONDARY')?.serving).toBe(true);
  });
});
