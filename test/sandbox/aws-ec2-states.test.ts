import {
  DescribeInstancesCommand,
  type EC2Client,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatedCloud } from './aws-fixture.js';

/** StartInstances / StopInstances / TerminateInstances in the simulated cloud follow EC2's instance states. */
describe('simulated EC2 instance state changes', () => {
  let env: Awaited<ReturnType<typeof simulatedCloud>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const stateOf = async (ec2: EC2Client, id: string) =>
    (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0]
      ?.State?.Name;

  const launchOne = async (ec2: EC2Client) => {
    const run = await ec2.send(
      new RunInstancesCommand({
        LaunchTemplate: { LaunchTemplateId: 'lt-0a1b2c3d4e5f60001', Version: '$Latest' },
        MinCount: 1,
        MaxCount: 1,
      }),
    );
    const id = run.Instances?.[0]?.InstanceId;
    if (!id) throw new Error('RunInstances returned no instance');
    return id;
  };

  it('stops a running instance through stopping, starts it again through pending, and reports no-ops unchanged', async () => {
    // Prepare
    env = await simulatedCloud();
    const ec2 = env.west.ec2;
    const id = await launchOne(ec2);
    env.clock.advance(120_000);

    // Act
    const stopping = await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    env.clock.advance(120_000);
    const stoppedState = await stateOf(ec2, id);
    const stopAgain = await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    const starting = await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    env.clock.advance(120_000);
    const runningState = await stateOf(ec2, id);

    // Assert
    expect(stopping.StoppingInstances).toEqual([
      {
        InstanceId: id,
        PreviousState: { Code: 16, Name: 'running' },
        CurrentState: { Code: 64, Name: 'stopping' },
      },
    ]);
    expect(stoppedState).toBe('stopped');
    expect(stopAgain.StoppingInstances).toEqual([
      {
        InstanceId: id,
        PreviousState: { Code: 80, Name: 'stopped' },
        CurrentState: { Code: 80, Name: 'stopped' },
      },
    ]);
    expect(starting.StartingInstances).toEqual([
      {
        InstanceId: id,
        PreviousState: { Code: 80, Name: 'stopped' },
        CurrentState: { Code: 0, Name: 'pending' },
      },
    ]);
    expect(runningState).toBe('running');
  });

  it('refuses to stop a pending instance or start a terminated one with IncorrectInstanceState', async () => {
    // Prepare
    env = await simulatedCloud();
    const ec2 = env.west.ec2;
    const terminated = await launchOne(ec2);
    env.clock.advance(120_000);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [terminated] }));
    env.clock.advance(120_000);
    const pending = await launchOne(ec2);

    // Act
    const stop = await ec2
      .send(new StopInstancesCommand({ InstanceIds: [pending] }))
      .catch((e: unknown) => e);
    const start = await ec2
      .send(new StartInstancesCommand({ InstanceIds: [terminated] }))
      .catch((e: unknown) => e);

    // Assert
    expect(stop).toMatchObject({
      name: 'IncorrectInstanceState',
      message: `The instance '${pending}' is not in a state from which it can be stopped.`,
    });
    expect(start).toMatchObject({
      name: 'IncorrectInstanceState',
      message: `The instance '${terminated}' is not in a state from which it can be started.`,
    });
  });
});
