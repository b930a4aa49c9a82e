import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { afterEach, describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/domain/records.js';
import { createAutoscalingChecker } from '../../src/kinds/autoscaling/checker.js';
import type { ResourceOf } from '../../src/plan/schema.js';
import {
  type CloudEnv,
  cloudContext,
  exampleService,
  exampleStep,
  simulatedCloud,
} from '../fidelity/helpers.js';

/** The autoscaling-group step and checker of the example plan against the simulated cloud. */
describe('autoscaling-group against the simulated cloud', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const later = async (e: CloudEnv, ms: number) => {
    e.clock.advance(ms);
    await e.cloud.tick();
  };
  /** Observes, records the intent as the driver does, starts, records the call: one attempt of the step. */
  async function attempt(e: CloudEnv, record: { current: StepRecord | undefined }) {
    const { ctx, executor } = exampleStep(e, 'payments', 'scale-workers', { record: () => record.current });
    const observed = await executor.observe(ctx);
    if (observed.state !== 'not-started') return { observed, ctx, executor };
    record.current = {
      state: 'intent',
      attempts: 1,
      startedAtMs: e.clock.now(),
      observed: { ...observed.facts },
    };
    const facts = await executor.start(ctx, observed);
    record.current = {
      ...record.current,
      calledAtMs: e.clock.now(),
      observed: { ...record.current.observed, ...facts },
    };
    return { observed, ctx, executor };
  }

  it('scales the recovery group to 100% of the primary’s, raising MaxSize, and is done once they are InService', async () => {
    env = await simulatedCloud();
    const record: { current: StepRecord | undefined } = { current: undefined };
    const { observed, ctx, executor } = await attempt(env, record);
    expect(observed.facts).toMatchObject({ wanted: 4, maxBefore: 0 });
    expect(executor.calls(ctx, observed)).toEqual([
      expect.objectContaining({
        command: 'UpdateAutoScalingGroup',
        input: { AutoScalingGroupName: 'payments-workers-usw2', DesiredCapacity: 4, MaxSize: 4 },
      }),
    ]);
    await later(env, 1_000);
    expect((await executor.observe(ctx)).state).toBe('in-progress');
    await later(env, 31_000);
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'done',
      summary: expect.stringContaining('4 of 4 InService'),
    });
  });

  it('pauses with Auto Scaling’s own message when the launches fail for want of capacity', async () => {
    env = await simulatedCloud();
    env.cloud.scenarios.capacityShortage('us-west-2');
    const record: { current: StepRecord | undefined } = { current: undefined };
    const { ctx, executor } = await attempt(env, record);
    await later(env, 1_000);
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'failed',
      summary: expect.stringContaining('do not have sufficient m6i.large capacity'),
    });
  });

  it('falls back to capacity.min when the primary Region cannot be read, and says so', async () => {
    env = await simulatedCloud();
    env.cloud.faults.regionOutage('us-east-1');
    const { ctx, executor } = exampleStep(env, 'payments', 'scale-workers', { mode: 'unplanned' });
    const observed = await executor.observe(ctx);
    expect(observed).toMatchObject({ state: 'not-started', facts: { wanted: 2 } });
    expect(String(observed.facts?.basis)).toContain('unplanned: the Region left is not read');
  });

  it('keeps the target it pinned on its first attempt, and does not call again once called', async () => {
    env = await simulatedCloud();
    const record: { current: StepRecord | undefined } = { current: undefined };
    await attempt(env, record);
    // The primary grows meanwhile: the step's target stays the one it set.
    await env.east.autoScaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: 'payments-workers-use1',
        MaxSize: 8,
        DesiredCapacity: 8,
      }),
    );
    const again = await attempt(env, record);
    expect(again.observed).toMatchObject({ state: 'in-progress', facts: { wanted: 4 } });
    const west = await env.west.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['payments-workers-usw2'] }),
    );
    expect(west.AutoScalingGroups?.[0]?.DesiredCapacity).toBe(4);
  });

  it('readiness: group and launch template, capacity against the target, vCPU headroom', async () => {
    const cloud = await simulatedCloud();
    env = cloud;
    const payments = exampleService('payments');
    const workers = payments.resources.find(
      (r) => r.kind === 'autoscaling-group',
    ) as ResourceOf<'autoscaling-group'>;
    const check = () => createAutoscalingChecker(cloud.aws).check(workers, payments, cloudContext(cloud));
    expect((await check()).map((c) => [c.name, c.verdict])).toEqual([
      ['group', 'ready'],
      ['capacity', 'ready'],
      ['vCPU quota', 'ready'],
    ]);
    cloud.cloud.scenarios.vcpuQuota(6, 'us-west-2');
    expect((await check()).find((c) => c.name === 'vCPU quota')).toMatchObject({
      verdict: 'degraded',
      reason: expect.stringContaining('8 needed for 4 more m6i.large'),
    });
    cloud.cloud.faults.regionOutage('us-east-1');
    expect((await check()).find((c) => c.name === 'capacity')).toMatchObject({
      verdict: 'ready',
      reason: expect.stringContaining('target 2 (min'),
    });
  });
});
