import { readFileSync } from 'node:fs';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/load.js';
import { runner, worldPerTest } from '../runbook/world.js';

const worlds = worldPerTest();

/**
 * On-Demand capacity is per AZ and instance type, and AWS's advice for InsufficientInstanceCapacity is to try
 * another AZ (Troubleshoot instance launch issues: insufficient instance capacity). A plan that names subnets in
 * other AZs (`subnets`) gets its launch there when the preferred subnet's AZ has no capacity.
 */
const TEMPLATE_LINE = '        launchTemplate: { id: lt-0a1b2c3d4e5f60001 }\n';
const plan = () =>
  parsePlan(
    readFileSync('dr-plan.example.yml', 'utf8').replace(
      TEMPLATE_LINE,
      '        instanceType: m6i.large\n        subnetId: subnet-0a0a\n        subnets: [subnet-0b0b]\n        securityGroupIds: [sg-0a1b2c3d]\n',
    ),
    'plan.yml',
  );

async function zonesOf(world: Awaited<ReturnType<typeof worlds.start>>, execution: string) {
  const out = await world.aws
    .forRegion('us-west-2')
    .ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:lifeboat:execution', Values: [execution] }] }),
    );
  return (out.Reservations ?? []).flatMap((x) => x.Instances ?? []).map((i) => i.Placement?.AvailabilityZone);
}

describe('EC2 launch falls back to the plan’s other subnets (AZs) without capacity', () => {
  it('lands in the second subnet’s AZ when the first AZ is out of capacity, and records both', async () => {
    const world = await worlds.start({ plan: plan() });
    world.cloud.scenarios.subnet('subnet-0a0a', 'us-west-2a');
    world.cloud.scenarios.subnet('subnet-0b0b', 'us-west-2b');
    world.cloud.scenarios.instanceCapacity('us-west-2a', 'm6i.large', false);
    const execution = await world.approve('payments');

    const done = await runner(world).run(execution.id);

    expect(done.state, done.lastError).toBe('completed');
    const zones = await zonesOf(world, execution.id);
    expect(zones.length).toBeGreaterThan(0);
    expect(new Set(zones)).toEqual(new Set(['us-west-2b']));
    expect(world.mutations().filter((m) => m === 'ec2:RunInstances')).toHaveLength(1);
    expect(done.steps['start-api']?.observed).toMatchObject({
      refusedAzs: 'subnet-0a0a (us-west-2a)',
      launchedSubnet: 'subnet-0b0b',
      launchedAz: 'us-west-2b',
    });
  });

  it('pauses with every refused AZ and AWS’s message when no subnet has capacity', async () => {
    const world = await worlds.start({ plan: plan() });
    world.cloud.scenarios.subnet('subnet-0a0a', 'us-west-2a');
    world.cloud.scenarios.subnet('subnet-0b0b', 'us-west-2b');
    world.cloud.scenarios.instanceCapacity('us-west-2a', 'm6i.large', false);
    world.cloud.scenarios.instanceCapacity('us-west-2b', 'm6i.large', false);
    const execution = await world.approve('payments');

    const paused = await runner(world).run(execution.id);

    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.pausedAtStep).toBe('start-api');
    expect(paused.lastError).toMatch(
      /InsufficientInstanceCapacity.*subnet-0a0a \(us-west-2a\): We currently do not have sufficient m6i\.large capacity.*subnet-0b0b \(us-west-2b\): We currently/,
    );
    expect(world.mutations()).not.toContain('ec2:RunInstances');
    expect(await zonesOf(world, execution.id)).toEqual([]);
  });
});
