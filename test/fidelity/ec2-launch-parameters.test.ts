import { readFileSync } from 'node:fs';
import { DescribeImagesCommand, DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { stepContext } from '../../src/runbook/drive-step.js';
import { defaultExecutors, executorFor } from '../../src/runbook/executors/index.js';
import { allSteps, routeFor } from '../../src/runbook/stages.js';
import { type CloudEnv, simulatedCloud } from './helpers.js';

/**
 * RunInstances without a launch template: InstanceType defaults to m1.small, and without SubnetId EC2 uses the
 * default VPC's default subnet, or refuses the launch (VPCIdNotSpecified) in a Region without a default VPC
 * (EC2 API reference, RunInstances; EC2 error codes). Lifeboat always names what it launches.
 */
const example = readFileSync('dr-plan.example.yml', 'utf8');
const TEMPLATE_LINE = '        launchTemplate: { id: lt-0a1b2c3d4e5f60001 }\n';

function problemsOf(text: string) {
  try {
    parsePlan(text, 'plan.yml');
  } catch (error) {
    if (error instanceof PlanError) return error.problems;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}

async function copiedAmi(env: CloudEnv): Promise<string> {
  const images = await env.west.ec2.send(
    new DescribeImagesCommand({
      Owners: ['self'],
      Filters: [{ Name: 'tag:lifeboat:service', Values: ['payments'] }],
    }),
  );
  return images.Images?.[0]?.ImageId ?? '';
}

describe('RunInstances launch parameters', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('defaults to m1.small in the default VPC, and fails without a default VPC and a subnet', async () => {
    env = await simulatedCloud();
    const imageId = await copiedAmi(env);
    const bare = await env.west.ec2.send(
      new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1 }),
    );
    expect(bare.Instances?.[0]?.InstanceType).toBe('m1.small');

    env.cloud.scenarios.noDefaultVpc('us-west-2');
    await expect(
      env.west.ec2.send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1 })),
    ).rejects.toMatchObject({ name: 'VPCIdNotSpecified' });
    // A launch template without a subnet launches into the default VPC too: refused as well.
    await expect(
      env.west.ec2.send(
        new RunInstancesCommand({
          LaunchTemplate: { LaunchTemplateId: 'lt-0a1b2c3d4e5f60001' },
          MinCount: 1,
          MaxCount: 1,
        }),
      ),
    ).rejects.toMatchObject({ name: 'VPCIdNotSpecified' });
    const placed = await env.west.ec2.send(
      new RunInstancesCommand({
        ImageId: imageId,
        InstanceType: 'm6i.large',
        SubnetId: 'subnet-0a1b2c3d',
        SecurityGroupIds: ['sg-0a1b2c3d'],
        MinCount: 1,
        MaxCount: 1,
      }),
    );
    expect(placed.Instances?.[0]).toMatchObject({ InstanceType: 'm6i.large', SubnetId: 'subnet-0a1b2c3d' });
  });

  it('the plan refuses a launch-from-ami step on an ec2 resource with no launch template or launch parameters', () => {
    // Standby instances (to start) but nothing to launch with: the launch-from-ami step has no parameters.
    const problems = problemsOf(
      example.replace(TEMPLATE_LINE, '        standbyInstances: [i-0a1b2c3d4e5f60009]\n'),
    );
    const line = example.split('\n').findIndex((l) => l.includes('- id: payments-api')) + 1;
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'plan.yml',
        line,
        column: 9,
        path: 'services.payments.resources[1]',
        message: expect.stringMatching(/launchTemplate or instanceType, subnetId and securityGroupIds/),
      }),
    ]);
    // Launch parameters come all together.
    const partial = problemsOf(example.replace(TEMPLATE_LINE, '        instanceType: m6i.large\n'));
    expect(partial.map((p) => p.message).join('\n')).toMatch(/missing subnetId, securityGroupIds/);
  });

  it('the launch step sends the plan instance type, subnet and security groups (Region without default VPC)', async () => {
    env = await simulatedCloud();
    const cloud = env;
    cloud.cloud.scenarios.noDefaultVpc('us-west-2');
    const plan = parsePlan(
      example.replace(
        TEMPLATE_LINE,
        '        instanceType: c6i.xlarge\n        subnetId: subnet-0a1b2c3d\n        securityGroupIds: [sg-0a1b2c3d]\n',
      ),
      'plan.yml',
    );
    const route = routeFor(plan, 'payments', 'failover');
    const step = allSteps(route).find((s) => s.id === 'start-api');
    if (!step) throw new Error('no step start-api');
    const ctx = stepContext(
      { route, kind: 'failover', mode: 'planned', aws: cloud.aws, clock: cloud.clock },
      step,
      'exec-1',
      () => undefined,
      false,
      5_000,
    );
    const executor = executorFor(defaultExecutors, step);
    const seen = await executor.observe(ctx);
    expect(seen.state).toBe('not-started');
    const started = await executor.start(ctx, seen);
    const ids = String(started.launched).split(',');
    const out = await cloud.west.ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    const instances = out.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    expect(instances).toHaveLength(2);
    for (const i of instances)
      expect(i).toMatchObject({ InstanceType: 'c6i.xlarge', SubnetId: 'subnet-0a1b2c3d' });
  });
});
