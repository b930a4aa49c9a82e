import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  StartInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import type { StepRecord } from '../../src/domain/records.js';
import { parsePlan } from '../../src/plan/load.js';
import { stepContext } from '../../src/runbook/drive-step.js';
import { clientToken } from '../../src/runbook/executors/ec2.js';
import { defaultExecutors, executorFor } from '../../src/runbook/executors/index.js';
import { allSteps, routeFor } from '../../src/runbook/stages.js';
import type { RunbookMode } from '../../src/runbook/types.js';

expect.extend(allCustomMatcherWithAliases);

const PLAN = parsePlan(
  `
version: 1
account: "123456789012"
services:
  shop:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 1m
    rto: 15m
    channel: C0SHOP
    approvers: { users: [U0ALICE] }
    stakeholderTopics: [arn:aws:sns:us-west-2:123456789012:shop-news]
    resources:
      - { id: db, kind: aurora-global-cluster, globalClusterIdentifier: shop-global, primaryClusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:shop-use1", recoveryClusterArn: "arn:aws:rds:us-west-2:123456789012:cluster:shop-usw2" }
      - { id: legacy, kind: rds-instance, primaryInstance: legacy-db, replicaInstance: legacy-db-usw2 }
      - { id: web, kind: ec2, standbyInstances: [i-0aa1, i-0aa2], launchTemplate: { id: lt-0bb1 }, desiredCapacity: 3, copyTag: { key: app, value: shop } }
      - { id: carts, kind: dynamodb-global-table, tableName: shop-carts, canary: { enabled: true } }
      - { id: media, kind: s3-bucket, sourceBucket: shop-media-use1, destinationBucket: shop-media-usw2 }
      - { id: dns, kind: route53, hostedZoneId: ZSHOP, recordName: shop.example.com, primaryHealthCheckId: hc-use1 }
    runbook:
      failover:
        - { id: db, kind: aurora-global, resource: db }
        - { id: legacy, kind: rds-promote-replica, resource: legacy }
        - parallel:
            - { id: start-web, kind: ec2, resource: web, action: start-instances }
            - { id: launch-web, kind: ec2, resource: web, action: launch-from-ami }
        - { id: scale-web, kind: ec2, resource: web, action: set-capacity }
        - { id: carts, kind: dynamodb-global-table, resource: carts }
        - { id: media, kind: s3, resource: media }
        - { id: flip, kind: route53, resource: dns }
        - { id: record, kind: route53, resource: dns, action: update-record }
        - { id: settle, kind: wait, duration: 30s }
        - { id: verify, kind: verify, alarmName: shop-5xx }
        - { id: tell, kind: notify, message: Shop now serves from us-west-2. }
`,
  'executors.yml',
);

const rds = mockClient(RDSClient);
const ec2 = mockClient(EC2Client);
const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const r53 = mockClient(Route53Client);
const cw = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);
beforeEach(() => {
  for (const m of [rds, ec2, ddb, s3, r53, cw, sns]) m.reset();
});

/** The step's executor with a context over real (mocked) SDK clients. */
function step(id: string, options: { mode?: RunbookMode; record?: StepRecord } = {}) {
  const mode = options.mode ?? 'planned';
  const route = routeFor(PLAN, 'shop', 'failover');
  const found = allSteps(route).find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id}`);
  const env = {
    route,
    kind: 'failover' as const,
    mode,
    aws: createAwsClients({ maxAttempts: 1 }),
    clock: { now: () => 1_000_000 },
  };
  const ctx = stepContext(env, found, 'exec-1', () => options.record, false, 5_000);
  return { ctx, executor: executorFor(defaultExecutors, found) };
}

const RECOVERY = 'arn:aws:rds:us-west-2:123456789012:cluster:shop-usw2';
const PRIMARY = 'arn:aws:rds:us-east-1:123456789012:cluster:shop-use1';
const globalCluster = (writer: string, status = 'available') => ({
  GlobalClusters: [
    {
      GlobalClusterIdentifier: 'shop-global',
      Status: status,
      GlobalClusterMembers: [
        { DBClusterArn: PRIMARY, IsWriter: writer === PRIMARY, SynchronizationStatus: 'connected' as const },
        {
          DBClusterArn: RECOVERY,
          IsWriter: writer === RECOVERY,
          SynchronizationStatus: 'connected' as const,
        },
      ],
    },
  ],
});

describe('aurora-global executor', () => {
  it('switches over (planned) to the recovery cluster after describing the global cluster', async () => {
    // Prepare
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(PRIMARY));
    const { ctx, executor } = step('db');
    // Act
    const observed = await executor.observe(ctx);
    await executor.start(ctx, observed);
    // Assert
    expect(observed.state).toBe('not-started');
    expect(rds).toReceiveCommandWith(DescribeGlobalClustersCommand, {
      GlobalClusterIdentifier: 'shop-global',
    });
    expect(rds).toReceiveCommandWith(SwitchoverGlobalClusterCommand, {
      GlobalClusterIdentifier: 'shop-global',
      TargetDbClusterIdentifier: RECOVERY,
    });
    expect(rds).not.toReceiveCommand(FailoverGlobalClusterCommand);
  });

  it('fails over with AllowDataLoss when unplanned', async () => {
    // Prepare
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(PRIMARY));
    const { ctx, executor } = step('db', { mode: 'unplanned' });
    // Act
    await executor.start(ctx, await executor.observe(ctx));
    // Assert
    expect(rds).toReceiveCommandWith(FailoverGlobalClusterCommand, {
      GlobalClusterIdentifier: 'shop-global',
      TargetDbClusterIdentifier: RECOVERY,
      AllowDataLoss: true,
    });
    expect(executor.irreversible(ctx)).toBe(true);
  });

  it('observes a writer already in the recovery Region as done and a move under way as in progress', async () => {
    // Prepare
    rds
      .on(DescribeGlobalClustersCommand)
      .resolvesOnce(globalCluster(RECOVERY))
      .resolvesOnce(globalCluster(PRIMARY, 'switching-over'));
    const { ctx, executor } = step('db');
    // Act
    const first = await executor.observe(ctx);
    const second = await executor.observe(ctx);
    // Assert
    expect([first.state, second.state]).toEqual(['done', 'in-progress']);
  });
});

describe('rds-promote-replica executor', () => {
  it('waits while the replica backs up, then promotes it', async () => {
    // Prepare
    const db = (status: string) => ({
      DBInstances: [
        {
          DBInstanceIdentifier: 'legacy-db-usw2',
          DBInstanceStatus: status,
          ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:123456789012:db:legacy-db',
        },
      ],
    });
    rds.on(DescribeDBInstancesCommand).resolvesOnce(db('backing-up')).resolves(db('available'));
    const { ctx, executor } = step('legacy');
    // Act
    const blocked = await executor.observe(ctx);
    const ready = await executor.observe(ctx);
    await executor.start(ctx, ready);
    // Assert
    expect([blocked.state, ready.state]).toEqual(['blocked', 'not-started']);
    expect(rds).toReceiveCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'legacy-db-usw2' });
    expect(rds).toReceiveCommandWith(PromoteReadReplicaCommand, { DBInstanceIdentifier: 'legacy-db-usw2' });
  });
});

const instances = (...list: [string, string][]) => ({
  Reservations: list.map(([InstanceId, Name]) => ({
    Instances: [{ InstanceId, State: { Name: Name as 'running' } }],
  })),
});

describe('ec2 executor', () => {
  it('starts the stopped standbys', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves(instances(['i-0aa1', 'stopped'], ['i-0aa2', 'running']));
    const { ctx, executor } = step('start-web');
    // Act
    await executor.start(ctx, await executor.observe(ctx));
    // Assert
    expect(ec2).toReceiveCommandWith(DescribeInstancesCommand, { InstanceIds: ['i-0aa1', 'i-0aa2'] });
    expect(ec2).toReceiveCommandWith(StartInstancesCommand, { InstanceIds: ['i-0aa1'] });
    expect(ec2).not.toReceiveCommand(RunInstancesCommand);
  });

  it('launches from the launch template and the newest copied AMI with a ClientToken derived from execution and step', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2.on(DescribeImagesCommand).resolves({
      Images: [
        { ImageId: 'ami-old', CreationDate: '2026-11-19T03:00:00.000Z' },
        { ImageId: 'ami-new', CreationDate: '2026-11-21T03:00:00.000Z' },
      ],
    });
    ec2.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-0new' }] });
    const { ctx, executor } = step('launch-web');
    // Act
    const facts = await executor.start(ctx, await executor.observe(ctx));
    // Assert
    expect(ec2).toReceiveCommandWith(DescribeImagesCommand, {
      Owners: ['self'],
      Filters: [{ Name: 'tag:app', Values: ['shop'] }],
    });
    expect(ec2).toReceiveCommandWith(DescribeInstancesCommand, {
      Filters: expect.arrayContaining([{ Name: 'tag:lifeboat:execution', Values: ['exec-1'] }]),
    });
    expect(ec2).toReceiveCommandWith(RunInstancesCommand, {
      LaunchTemplate: { LaunchTemplateId: 'lt-0bb1', Version: '$Latest' },
      ImageId: 'ami-new',
      MinCount: 3,
      MaxCount: 3,
      ClientToken: clientToken('exec-1', 'launch-web'),
    });
    expect(clientToken('exec-1', 'launch-web')).toBe(clientToken('exec-1', 'launch-web'));
    expect(clientToken('exec-1', 'launch-web')).not.toBe(clientToken('exec-2', 'launch-web'));
    expect(facts.launched).toBe('i-0new');
  });

  it('sets capacity with standbys first, then launches the rest', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2
      .on(DescribeInstancesCommand, { InstanceIds: ['i-0aa1', 'i-0aa2'] })
      .resolves(instances(['i-0aa1', 'stopped'], ['i-0aa2', 'stopped']));
    ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    const { ctx, executor } = step('scale-web');
    // Act
    await executor.start(ctx, await executor.observe(ctx));
    // Assert
    expect(ec2).toReceiveCommandWith(StartInstancesCommand, { InstanceIds: ['i-0aa1', 'i-0aa2'] });
    expect(ec2).toReceiveCommandWith(RunInstancesCommand, {
      MinCount: 1,
      MaxCount: 1,
      ClientToken: clientToken('exec-1', 'scale-web'),
    });
  });

  it('does not launch again when instances tagged with the execution and step exist', async () => {
    // Prepare
    ec2
      .on(DescribeInstancesCommand)
      .resolves(instances(['i-1', 'pending'], ['i-2', 'running'], ['i-3', 'pending']));
    ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    const { ctx, executor } = step('launch-web');
    // Act
    const observed = await executor.observe(ctx);
    // Assert
    expect(observed.state).toBe('in-progress');
    expect(ec2).not.toReceiveCommand(RunInstancesCommand);
  });
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

const checkers = (status: string) => ({
  HealthCheckObservations: [1, 2, 3].map(() => ({ StatusReport: { Status: status } })),
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
    r53.on(GetHealthCheckStatusCommand).resolves(checkers('Success: HTTP Status Code 200, OK'));
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
    r53.on(GetHealthCheckStatusCommand).resolves(checkers('Failure: Connection timed out'));
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
