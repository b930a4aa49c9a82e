import { DescribeImagesCommand, DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { runner, worldPerTest } from '../runbook/world.js';

const worlds = worldPerTest();

/**
 * On-Demand capacity is per Availability Zone and instance type, and one RunInstances call places all its
 * instances in one AZ (Troubleshoot instance launch issues: insufficient instance capacity). The seeded
 * recovery launch template names m6i.large and no subnet, so the launch lands in the Region's first AZ.
 */
describe('EC2 capacity pools (per AZ, per instance type)', () => {
  it('a pool without capacity pauses the launch step with the AZ and type; Retry after it returns launches once', async () => {
    const world = await worlds.start();
    world.cloud.scenarios.instanceCapacity('us-west-2a', 'm6i.large', false);
    const execution = await world.approve('payments');
    const r = runner(world);

    const paused = await r.run(execution.id);
    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.pausedAtStep).toBe('start-api');
    expect(paused.lastError).toMatch(/InsufficientInstanceCapacity.*m6i\.large capacity.*us-west-2a/);
    expect(world.mutations()).not.toContain('ec2:RunInstances');

    world.cloud.scenarios.instanceCapacity('us-west-2a', 'm6i.large', true);
    await r.decide(execution.id, 'retry', 'U0BOB');
    await r.idle();
    const final = await world.stores.executions.get(execution.id);
    expect(final?.state, final?.lastError).toBe('completed');
    expect(world.mutations().filter((m) => m === 'ec2:RunInstances')).toHaveLength(1);
  });

  it('capacity missing in another AZ or for another type does not stop the launch; its instances share one AZ', async () => {
    const world = await worlds.start();
    world.cloud.scenarios.instanceCapacity('us-west-2b', 'm6i.large', false);
    world.cloud.scenarios.instanceCapacity('us-west-2a', 'c7g.large', false);
    const execution = await world.approve('payments');

    const done = await runner(world).run(execution.id);

    expect(done.state, done.lastError).toBe('completed');
    const out = await world.aws.forRegion('us-west-2').ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'tag:lifeboat:execution', Values: [execution.id] }],
      }),
    );
    const zones = new Set(
      (out.Reservations ?? []).flatMap((x) => x.Instances ?? []).map((i) => i.Placement?.AvailabilityZone),
    );
    expect([...zones]).toEqual(['us-west-2a']);
  });

  it('places a launch in its subnet’s AZ', async () => {
    const world = await worlds.start();
    world.cloud.scenarios.subnet('subnet-0abc', 'us-west-2c');
    world.cloud.scenarios.instanceCapacity('us-west-2c', 'm6i.large', false);
    const run = world.aws.forRegion('us-west-2').ec2;
    const image = (await run.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images?.[0]?.ImageId;
    await expect(
      run.send(
        new RunInstancesCommand({
          ImageId: image,
          InstanceType: 'm6i.large',
          SubnetId: 'subnet-0abc',
          MinCount: 1,
          MaxCount: 1,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InsufficientInstanceCapacity', $metadata: { httpStatusCode: 500 } });
    // Same AZ, another type: another pool, with capacity.
    const ok = await run.send(
      new RunInstancesCommand({
        ImageId: image,
        InstanceType: 'm6i.xlarge',
        SubnetId: 'subnet-0abc',
        MinCount: 1,
        MaxCount: 1,
      }),
    );
    expect(ok.Instances?.[0]?.Placement?.AvailabilityZone).toBe('us-west-2c');
  });
});
