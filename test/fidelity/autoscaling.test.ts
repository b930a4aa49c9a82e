import {
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { afterEach, describe, expect, it } from 'vitest';
import { type CloudEnv, simulatedCloud } from './helpers.js';

/**
 * EC2 Auto Scaling through the real SDK client (FIDELITY.md, "EC2 Auto Scaling"): capacity bounds, scaling
 * activities with their status and message, and instances going Pending → InService.
 */
describe('simulated EC2 Auto Scaling', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const GROUP = 'payments-workers-usw2';
  const group = async (e: CloudEnv) =>
    (await e.west.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] })))
      .AutoScalingGroups?.[0];
  const activities = async (e: CloudEnv) =>
    (await e.west.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: GROUP })))
      .Activities ?? [];
  const later = async (e: CloudEnv, ms: number) => {
    e.clock.advance(ms);
    await e.cloud.tick();
  };

  it('answers an unknown group name with an empty list, not an error', async () => {
    env = await simulatedCloud();
    const out = await env.west.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['no-such-group'] }),
    );
    expect(out.AutoScalingGroups).toEqual([]);
  });

  it('keeps the desired capacity within MinSize and MaxSize (ValidationError)', async () => {
    env = await simulatedCloud();
    await expect(
      env.west.autoScaling.send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 3 }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      env.west.autoScaling.send(
        new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 3 }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('above max value 0'),
    });
    await expect(
      env.west.autoScaling.send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'nope', MaxSize: 1 }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    expect(await group(env)).toMatchObject({ DesiredCapacity: 0, MaxSize: 0 });
  });

  it('launches to the desired capacity: activities InProgress then Successful, instances Pending then InService', async () => {
    env = await simulatedCloud();
    await env.west.autoScaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 3, MaxSize: 3 }),
    );
    await later(env, 1_000);
    expect((await group(env))?.Instances?.map((i) => i.LifecycleState)).toEqual([
      'Pending',
      'Pending',
      'Pending',
    ]);
    const started = await activities(env);
    expect(started.map((a) => a.StatusCode)).toEqual(['InProgress', 'InProgress', 'InProgress']);
    expect(started[0]?.Cause).toContain('changing the desired capacity from 0 to 3');
    await later(env, 31_000);
    expect((await group(env))?.Instances?.map((i) => `${i.LifecycleState}/${i.HealthStatus}`)).toEqual([
      'InService/Healthy',
      'InService/Healthy',
      'InService/Healthy',
    ]);
    expect((await activities(env)).map((a) => a.StatusCode)).toEqual([
      'Successful',
      'Successful',
      'Successful',
    ]);
  });

  it('records a launch without capacity as a Failed activity with EC2’s message, and retries it later', async () => {
    env = await simulatedCloud();
    env.cloud.scenarios.capacityShortage('us-west-2', 'm6i.large');
    await env.west.autoScaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 2, MaxSize: 2 }),
    );
    await later(env, 1_000);
    const [failed] = await activities(env);
    expect(failed).toMatchObject({
      StatusCode: 'Failed',
      StatusMessage: expect.stringMatching(
        /do not have sufficient m6i\.large capacity.*Launching EC2 instance failed\./,
      ),
    });
    expect((await group(env))?.Instances).toEqual([]);
    env.cloud.scenarios.capacityShortage('us-west-2', 'm6i.large', true);
    await later(env, 31_000);
    expect((await activities(env))[0]?.StatusCode).toBe('InProgress');
    expect((await group(env))?.Instances).toHaveLength(2);
  });

  it('fails a launch beyond the vCPU quota with VcpuLimitExceeded’s message', async () => {
    env = await simulatedCloud();
    env.cloud.scenarios.vcpuQuota(2, 'us-west-2');
    await env.west.autoScaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 2, MaxSize: 2 }),
    );
    await later(env, 1_000);
    expect((await activities(env))[0]).toMatchObject({
      StatusCode: 'Failed',
      StatusMessage: expect.stringContaining('more vCPU capacity than your current vCPU limit of 2'),
    });
  });

  it('fails every call while the Region is out, and launches nothing there', async () => {
    env = await simulatedCloud();
    env.cloud.faults.regionOutage('us-west-2');
    await expect(group(env)).rejects.toMatchObject({ name: 'ServiceUnavailable' });
  });
});
