import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatedCloud } from '../sandbox/aws-fixture.js';

/** RunInstances in the simulated cloud honours ClientToken as EC2 does (Run_Instance_Idempotency). */
describe('simulated EC2 RunInstances with a ClientToken', () => {
  let env: Awaited<ReturnType<typeof simulatedCloud>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const launch = (token: string, count = 2) =>
    new RunInstancesCommand({
      LaunchTemplate: { LaunchTemplateId: 'lt-0a1b2c3d4e5f60001', Version: '$Latest' },
      MinCount: count,
      MaxCount: count,
      ClientToken: token,
    });

  it('answers a repeated request with the same reservation and instances, launching nothing more', async () => {
    // Prepare
    env = await simulatedCloud();
    const ec2 = env.west.ec2;
    const before = env.cloud.snapshot().ec2.instances.length;

    // Act
    const first = await ec2.send(launch('exec-1-start-api'));
    env.clock.advance(120_000);
    const again = await ec2.send(launch('exec-1-start-api'));

    // Assert
    expect(again.ReservationId).toBe(first.ReservationId);
    expect(again.Instances?.map((i) => i.InstanceId)).toEqual(first.Instances?.map((i) => i.InstanceId));
    expect(again.Instances?.every((i) => i.ClientToken === 'exec-1-start-api')).toBe(true);
    expect(env.cloud.snapshot().ec2.instances.length).toBe(before + 2);
    const described = await ec2.send(
      new DescribeInstancesCommand({ InstanceIds: first.Instances?.map((i) => i.InstanceId ?? '') }),
    );
    expect(described.Reservations?.map((r) => r.ReservationId)).toEqual([
      first.ReservationId,
      first.ReservationId,
    ]);
  });

  it('launches separately for another token', async () => {
    // Prepare
    env = await simulatedCloud();

    // Act
    const a = await env.west.ec2.send(launch('token-a', 1));
    const b = await env.west.ec2.send(launch('token-b', 1));

    // Assert
    expect(b.ReservationId).not.toBe(a.ReservationId);
    expect(b.Instances?.[0]?.InstanceId).not.toBe(a.Instances?.[0]?.InstanceId);
  });

  it('refuses the same token with other parameters (IdempotentParameterMismatch)', async () => {
    // Prepare
    env = await simulatedCloud();
    await env.west.ec2.send(launch('exec-2-start-api', 2));

    // Act
    const mismatch = env.west.ec2.send(launch('exec-2-start-api', 3));

    // Assert
    await expect(mismatch).rejects.toMatchObject({ name: 'IdempotentParameterMismatch' });
  });
});
