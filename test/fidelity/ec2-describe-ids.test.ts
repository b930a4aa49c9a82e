import { DescribeInstancesCommand, RunInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceOf } from '../../src/plan/schema.js';
import { createEc2Checker } from '../../src/readiness/aws/ec2.js';
import { type CloudEnv, cloudContext, exampleService, simulatedCloud } from './helpers.js';

/** DescribeInstances by InstanceIds fails as a whole on one unknown id (InvalidInstanceID.NotFound). */
describe('standby instances when one of them no longer exists', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('answers InvalidInstanceID.NotFound for the whole call, and readiness still measures the others', async () => {
    env = await simulatedCloud();
    const launched = await env.west.ec2.send(
      new RunInstancesCommand({
        LaunchTemplate: { LaunchTemplateId: 'lt-0a1b2c3d4e5f60001' },
        MinCount: 1,
        MaxCount: 1,
      }),
    );
    const standby = launched.Instances?.[0]?.InstanceId ?? '';
    env.clock.advance(5 * 60_000);
    await env.west.ec2.send(new StopInstancesCommand({ InstanceIds: [standby] }));
    env.clock.advance(5 * 60_000);
    const unknown = 'i-0deadbeef0000001';
    const payments = exampleService('payments');
    const api = payments.resources.find((r) => r.kind === 'ec2') as ResourceOf<'ec2'>;
    const { launchTemplate: _template, ...withoutTemplate } = api;
    const resource: ResourceOf<'ec2'> = {
      ...withoutTemplate,
      standbyInstances: [standby, unknown],
      desiredCapacity: 2,
    };

    await expect(
      env.west.ec2.send(new DescribeInstancesCommand({ InstanceIds: [standby, unknown] })),
    ).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' });
    const checks = await createEc2Checker(env.aws).check(resource, payments, cloudContext(env));

    expect(checks.find((c) => c.name === 'capacity')).toMatchObject({
      verdict: 'degraded',
      reason: `payments-api: 1 of 2 standby instances usable; not found: ${unknown}`,
    });
  });
});
