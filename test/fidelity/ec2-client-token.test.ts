import { DescribeImagesCommand, DescribeInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/domain/records.js';
import { type CloudEnv, exampleStep, simulatedCloud } from './helpers.js';

/**
 * A retried launch step sends its first RunInstances input again: the same ClientToken with other parameters
 * is refused by EC2 (IdempotentParameterMismatch, Run_Instance_Idempotency), e.g. after a newer AMI copy.
 */
describe('ec2 launch step retried with the same ClientToken', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('keeps the first launch parameters when a newer AMI copy appeared since', async () => {
    env = await simulatedCloud();
    const cloud = env;
    const images = await cloud.west.ec2.send(
      new DescribeImagesCommand({
        Owners: ['self'],
        Filters: [{ Name: 'tag:lifeboat:service', Values: ['payments'] }],
      }),
    );
    const [newest, older] = (images.Images ?? [])
      .sort((a, b) => String(b.CreationDate).localeCompare(String(a.CreationDate)))
      .map((i) => i.ImageId ?? '');
    // The first attempt chose the copy that was newest then (the older one now) and recorded it with its intent.
    let record: StepRecord = {
      state: 'intent',
      attempts: 1,
      observed: { launchCount: 2, image: older ?? null },
    };
    const { ctx, executor } = exampleStep(cloud, 'payments', 'start-api', { record: () => record });
    const first = await executor.start(ctx, { state: 'not-started', summary: '', facts: record.observed });
    const ids = String(first.launched).split(',');
    // Its instances were stopped since, so nothing tagged for the step is pending or running.
    cloud.clock.advance(10 * 60_000);
    await cloud.west.ec2.send(new StopInstancesCommand({ InstanceIds: ids }));
    cloud.clock.advance(10 * 60_000);
    record = { ...record, attempts: 2 };

    const again = await executor.observe(ctx);
    const retried = await executor.start(ctx, again);

    expect(newest).not.toBe(older);
    expect(again.facts).toMatchObject({ image: older, launchCount: 2 });
    expect(String(retried.launched).split(',')).toEqual(ids);
    const described = await cloud.west.ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    expect(described.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.ImageId)).toEqual([
      older,
      older,
    ]);
  });
});
