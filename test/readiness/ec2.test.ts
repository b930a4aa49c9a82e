import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSnapshotsCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createEc2Checker } from '../../src/readiness/aws/ec2.js';
import { accessDenied, awsError, byName, checkerTest, directContext, NOW, resourceOf } from './helpers.js';

const { clients, mock, payments } = checkerTest();
const ec2 = mock(clients.forRegion('us-west-2').ec2);
const withTemplate = resourceOf(payments, 'ec2');
const standbyOnly = {
  ...withTemplate,
  launchTemplate: undefined,
  standbyInstances: ['i-0abc1', 'i-0abc2'],
  desiredCapacity: 2,
};

const image = (ageMs: number, encrypted = true) => ({
  ImageId: `ami-${ageMs}`,
  CreationDate: new Date(NOW - ageMs).toISOString(),
  BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: encrypted } }],
});
const snapshot = (ageMs: number, encrypted = true) => ({
  SnapshotId: `snap-${ageMs}`,
  StartTime: new Date(NOW - ageMs),
  Encrypted: encrypted,
});

describe('ec2 checker', () => {
  it('is ready with fresh encrypted copies and a launch template in the recovery Region', async () => {
    // Prepare
    ec2.on(DescribeImagesCommand).resolves({ Images: [image(3_600_000), image(30_000)] });
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [snapshot(45_000)] });
    ec2.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [{ LaunchTemplateId: 'lt-0abc' }] });

    // Act
    const checks = await createEc2Checker(clients).check(withTemplate, payments, directContext());

    // Assert
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([
      ['AMI copy', 'ready'],
      ['snapshot copy', 'ready'],
      ['capacity', 'ready'],
    ]);
    expect(ec2).toReceiveCommandWith(DescribeImagesCommand, {
      Owners: ['self'],
      Filters: [
        { Name: 'tag:lifeboat:service', Values: ['payments'] },
        { Name: 'state', Values: ['available'] },
      ],
    });
    expect(ec2).toReceiveCommandWith(DescribeSnapshotsCommand, {
      OwnerIds: ['self'],
      Filters: [
        { Name: 'tag:lifeboat:service', Values: ['payments'] },
        { Name: 'status', Values: ['completed'] },
      ],
    });
    expect(ec2).toReceiveCommandWith(DescribeLaunchTemplatesCommand, { LaunchTemplateIds: ['lt-0abc'] });
    expect(byName(checks, 'AMI copy')).toMatchObject({
      verdict: 'ready',
      reason: 'payments-api: newest AMI copy ami-30000 age 30 s within max copy age 24 h',
    });
    // Compute rebuilt from an image loses no data: copy age is not part of the RPO estimate.
    expect(byName(checks, 'AMI copy')?.dataLossMs).toBeUndefined();
  });

  it('is degraded when the newest copy is older than its max copy age or unencrypted', async () => {
    // Prepare
    ec2.on(DescribeImagesCommand).resolves({ Images: [image(25 * 3_600_000)] });
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [snapshot(10_000, false)] });
    ec2.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [{ LaunchTemplateId: 'lt-0abc' }] });

    // Act
    const checks = await createEc2Checker(clients).check(withTemplate, payments, directContext());

    // Assert
    expect(byName(checks, 'AMI copy')).toMatchObject({
      verdict: 'degraded',
      reason: 'payments-api: newest AMI copy ami-90000000 age 25 h exceeds max copy age 24 h',
    });
    expect(byName(checks, 'snapshot copy')).toMatchObject({
      verdict: 'degraded',
      reason: 'payments-api: snapshot copy snap-10000 is not encrypted',
    });
  });

  it('is not ready without copies or with a missing launch template', async () => {
    // Prepare
    ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    ec2.on(DescribeLaunchTemplatesCommand).rejects(awsError('InvalidLaunchTemplateId.NotFound'));

    // Act
    const checks = await createEc2Checker(clients).check(withTemplate, payments, directContext());

    // Assert
    expect(checks.map((c) => c.verdict)).toEqual(['not_ready', 'not_ready', 'not_ready']);
    expect(byName(checks, 'AMI copy')?.reason).toBe(
      'payments-api: no AMI tagged lifeboat:service=payments in us-west-2',
    );
    expect(byName(checks, 'capacity')?.reason).toBe(
      'payments-api: launch template lt-0abc not found (InvalidLaunchTemplateId.NotFound)',
    );
  });

  it('counts usable standby instances when there is no launch template', async () => {
    // Prepare
    ec2.on(DescribeImagesCommand).resolves({ Images: [image(1_000)] });
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [snapshot(1_000)] });
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: 'i-0abc1', State: { Name: 'stopped' } },
            { InstanceId: 'i-0abc2', State: { Name: 'terminated' } },
          ],
        },
      ],
    });

    // Act
    const checks = await createEc2Checker(clients).check(standbyOnly, payments, directContext());

    // Assert
    expect(ec2).toReceiveCommandWith(DescribeInstancesCommand, {
      Filters: [{ Name: 'instance-id', Values: ['i-0abc1', 'i-0abc2'] }],
    });
    expect(byName(checks, 'capacity')).toMatchObject({
      verdict: 'degraded',
      reason: 'payments-api: 1 of 2 standby instances usable',
    });
  });

  it('is unknown naming ec2:DescribeImages when access is denied', async () => {
    // Prepare
    ec2.on(DescribeImagesCommand).rejects(accessDenied());
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [snapshot(1_000)] });
    ec2.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [{ LaunchTemplateId: 'lt-0abc' }] });

    // Act
    const checks = await createEc2Checker(clients).check(withTemplate, payments, directContext());

    // Assert
    expect(byName(checks, 'AMI copy')).toMatchObject({
      verdict: 'unknown',
      reason: 'payments-api: permission missing: ec2:DescribeImages',
    });
    expect(byName(checks, 'AMI copy')?.dataLossMs).toBeUndefined();
  });
});
