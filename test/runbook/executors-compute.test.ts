import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  RunInstancesCommand,
  StartInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { clientToken } from '../../src/runbook/executors/ec2.js';
import { mockAll, step } from './executor-fixture.js';

expect.extend(allCustomMatcherWithAliases);

const { rds, ec2, ddb, s3, r53, cw, sns } = mockAll();
beforeEach(() => {
  for (const m of [rds, ec2, ddb, s3, r53, cw, sns]) m.reset();
});

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

const cluster = { DBClusters: [{ Status: 'available', DBClusterMembers: [{ DBInstanceIdentifier: 'i1' }] }] };

describe('aurora-global executor', () => {
  it('switches over (planned) to the recovery cluster after describing the global cluster', async () => {
    // Prepare
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(PRIMARY));
    rds.on(DescribeDBClustersCommand).resolves(cluster);
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
    rds.on(DescribeDBClustersCommand).resolves(cluster);
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
    expect(ec2).toReceiveCommandWith(DescribeInstancesCommand, {
      Filters: [{ Name: 'instance-id', Values: ['i-0aa1', 'i-0aa2'] }],
    });
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
      .on(DescribeInstancesCommand, { Filters: [{ Name: 'instance-id', Values: ['i-0aa1', 'i-0aa2'] }] })
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
