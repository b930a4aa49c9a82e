import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import { parsePlan } from '../../src/plan/load.js';
import { stepContext } from '../../src/runbook/drive-step.js';
import { clientToken } from '../../src/runbook/executors/ec2.js';
import { defaultExecutors, executorFor } from '../../src/runbook/executors/index.js';
import { allSteps, routeFor } from '../../src/runbook/stages.js';
import { mockAll } from './executor-fixture.js';

expect.extend(allCustomMatcherWithAliases);

const { ec2 } = mockAll();
beforeEach(() => ec2.reset());

/** An ec2 resource launched without a launch template, with a preferred subnet and two more in other AZs. */
const YAML = `
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
    resources:
      - { id: web, kind: ec2, instanceType: m6i.large, subnetId: subnet-0a, subnets: [subnet-0b, subnet-0c], securityGroupIds: [sg-01], desiredCapacity: 2, copyTag: { key: app, value: shop } }
    runbook:
      failover:
        - { id: launch-web, kind: ec2, resource: web, action: launch-from-ami }
`;
const PLAN = parsePlan(YAML, 'capacity.yml');

function launchStep(plan = PLAN) {
  const route = routeFor(plan, 'shop', 'failover');
  const found = allSteps(route).find((s) => s.id === 'launch-web');
  if (!found) throw new Error('no step launch-web');
  const env = {
    route,
    kind: 'failover' as const,
    mode: 'planned' as const,
    aws: createAwsClients({ maxAttempts: 1 }),
    clock: { now: () => 1_000_000 },
  };
  const ctx = stepContext(env, found, 'exec-1', () => undefined, false, 5_000);
  return { ctx, executor: executorFor(defaultExecutors, found) };
}

/** What EC2 answers when an AZ has no capacity for the type (EC2 API error codes). */
const noCapacity = (az: string) =>
  Object.assign(
    new Error(
      `We currently do not have sufficient m6i.large capacity in the Availability Zone you requested (${az}). Our system will be working on provisioning additional capacity.`,
    ),
    { name: 'InsufficientInstanceCapacity', $metadata: { httpStatusCode: 500 } },
  );

const runCalls = () =>
  ec2.commandCalls(RunInstancesCommand).map((c) => c.args[0].input as RunInstancesCommandInput);

beforeEach(() => {
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  ec2.on(DescribeImagesCommand).resolves({
    Images: [{ ImageId: 'ami-new', CreationDate: '2026-11-21T03:00:00.000Z' }],
  });
});

describe('ec2 launch under InsufficientInstanceCapacity', () => {
  it('tries the next subnet (another AZ) with its own ClientToken and records the refused AZ and where it launched', async () => {
    // Prepare
    ec2.on(RunInstancesCommand, { SubnetId: 'subnet-0a' }).rejects(noCapacity('us-west-2a'));
    ec2.on(RunInstancesCommand, { SubnetId: 'subnet-0b' }).resolves({
      Instances: [
        { InstanceId: 'i-1', Placement: { AvailabilityZone: 'us-west-2b' } },
        { InstanceId: 'i-2', Placement: { AvailabilityZone: 'us-west-2b' } },
      ],
    });
    const { ctx, executor } = launchStep();
    // Act
    const facts = await executor.start(ctx, await executor.observe(ctx));
    // Assert
    const calls = runCalls();
    expect(calls.map((c) => c.SubnetId)).toEqual(['subnet-0a', 'subnet-0b']);
    expect(calls.map((c) => c.ClientToken)).toEqual([
      clientToken('exec-1', 'launch-web', 'subnet-0a'),
      clientToken('exec-1', 'launch-web', 'subnet-0b'),
    ]);
    expect(new Set(calls.map((c) => c.ClientToken)).size).toBe(2);
    for (const c of calls)
      expect(c).toMatchObject({ InstanceType: 'm6i.large', ImageId: 'ami-new', MinCount: 2, MaxCount: 2 });
    expect(facts).toMatchObject({
      launched: 'i-1,i-2',
      launchedSubnet: 'subnet-0b',
      launchedAz: 'us-west-2b',
      refusedAzs: 'subnet-0a (us-west-2a)',
    });
  });

  it('fails with every refused subnet, its AZ and AWS’s message when every subnet refused', async () => {
    // Prepare
    ec2.on(RunInstancesCommand, { SubnetId: 'subnet-0a' }).rejects(noCapacity('us-west-2a'));
    ec2.on(RunInstancesCommand, { SubnetId: 'subnet-0b' }).rejects(noCapacity('us-west-2b'));
    ec2.on(RunInstancesCommand, { SubnetId: 'subnet-0c' }).rejects(noCapacity('us-west-2c'));
    const { ctx, executor } = launchStep();
    // Act
    const failed = executor.start(ctx, await executor.observe(ctx));
    // Assert
    await expect(failed).rejects.toMatchObject({ awsName: 'InsufficientInstanceCapacity' });
    const message = await failed.catch((e: Error) => e.message);
    for (const [subnet, az] of [
      ['subnet-0a', 'us-west-2a'],
      ['subnet-0b', 'us-west-2b'],
      ['subnet-0c', 'us-west-2c'],
    ])
      expect(message).toContain(`${subnet} (${az}): We currently do not have sufficient m6i.large capacity`);
    expect(runCalls().map((c) => c.SubnetId)).toEqual(['subnet-0a', 'subnet-0b', 'subnet-0c']);
  });

  it('stops at another error without trying the other subnets', async () => {
    // Prepare
    ec2
      .on(RunInstancesCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    const { ctx, executor } = launchStep();
    // Act
    const failed = executor.start(ctx, await executor.observe(ctx));
    // Assert
    await expect(failed).rejects.toMatchObject({ awsName: 'UnauthorizedOperation' });
    expect(runCalls()).toHaveLength(1);
  });

  it('launches nothing when instances tagged with the execution and step exist, whichever subnet launched them', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: 'i-1', State: { Name: 'pending' }, Placement: { AvailabilityZone: 'us-west-2b' } },
            { InstanceId: 'i-2', State: { Name: 'pending' }, Placement: { AvailabilityZone: 'us-west-2b' } },
          ],
        },
      ],
    });
    const { ctx, executor } = launchStep();
    // Act
    const seen = await executor.observe(ctx);
    await executor.start(ctx, seen);
    // Assert
    expect(seen.state).toBe('in-progress');
    expect(seen.facts?.launchedAz).toBe('us-west-2b');
    expect(ec2).not.toReceiveCommand(RunInstancesCommand);
  });

  it('names the fallback subnets in the dry run', async () => {
    // Prepare
    const { ctx, executor } = launchStep();
    // Act
    const line = executor.describe(ctx);
    const calls = executor.calls(ctx, await executor.observe(ctx));
    // Assert
    expect(line).toContain('in subnet-0a, then subnet-0b, subnet-0c in turn if EC2 has no capacity there');
    expect(calls).toEqual([
      expect.objectContaining({
        command: 'RunInstances',
        input: expect.objectContaining({ SubnetId: 'subnet-0a' }),
        note: expect.stringContaining('subnet-0b, subnet-0c'),
      }),
    ]);
  });

  it('takes `subnets` alone (no subnetId): its first is the preferred subnet', async () => {
    // Prepare
    const plan = parsePlan(
      YAML.replace('subnetId: subnet-0a, subnets: [subnet-0b, subnet-0c]', 'subnets: [subnet-0c, subnet-0b]'),
      'capacity.yml',
    );
    ec2.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-1' }] });
    const { ctx, executor } = launchStep(plan);
    // Act
    await executor.start(ctx, await executor.observe(ctx));
    // Assert
    expect(runCalls().map((c) => c.SubnetId)).toEqual(['subnet-0c']);
    expect(runCalls()[0]?.ClientToken).toBe(clientToken('exec-1', 'launch-web', 'subnet-0c'));
  });

  it('refuses `subnets` on a resource launched from a launch template (they would go unused)', () => {
    // Prepare
    const text = YAML.replace(
      'instanceType: m6i.large, subnetId: subnet-0a, ',
      'launchTemplate: { id: lt-0bb1 }, ',
    ).replace('securityGroupIds: [sg-01], ', '');
    // Act
    const parse = () => parsePlan(text, 'capacity.yml');
    // Assert
    expect(parse).toThrow(/subnets are tried by launches without a launchTemplate/);
  });
});
