import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/domain/records.js';
import { createEcsChecker } from '../../src/kinds/ecs/checker.js';
import type { ResourceOf } from '../../src/plan/schema.js';
import {
  type CloudEnv,
  cloudContext,
  exampleService,
  exampleStep,
  simulatedCloud,
} from '../fidelity/helpers.js';

/** The ecs-service step and checker of the example plan, and the simulated ECS/ECR, through the real SDK. */
describe('ecs-service against the simulated cloud', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const later = async (e: CloudEnv, ms: number) => {
    e.clock.advance(ms);
    await e.cloud.tick();
  };
  async function attempt(e: CloudEnv, record: { current: StepRecord | undefined }) {
    const { ctx, executor } = exampleStep(e, 'payments', 'scale-web', { record: () => record.current });
    const observed = await executor.observe(ctx);
    if (observed.state === 'not-started') {
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
    }
    return { observed, ctx, executor };
  }

  it('DescribeServices lists a missing service under failures (MISSING), not as an error', async () => {
    env = await simulatedCloud();
    const out = await env.west.ecs.send(
      new DescribeServicesCommand({ cluster: 'payments-usw2', services: ['nope'] }),
    );
    expect(out.services).toEqual([]);
    expect(out.failures).toEqual([expect.objectContaining({ reason: 'MISSING' })]);
    await expect(
      env.west.ecs.send(
        new UpdateServiceCommand({ cluster: 'payments-usw2', service: 'nope', desiredCount: 1 }),
      ),
    ).rejects.toMatchObject({ name: 'ServiceNotFoundException' });
  });

  it('scales the recovery service to 100% of the primary’s desired count and is done in a steady state', async () => {
    env = await simulatedCloud();
    const record: { current: StepRecord | undefined } = { current: undefined };
    const { observed, ctx, executor } = await attempt(env, record);
    expect(observed).toMatchObject({ state: 'not-started', facts: { wanted: 3 } });
    await later(env, 1_000);
    expect(await executor.observe(ctx)).toMatchObject({ state: 'in-progress' });
    await later(env, 61_000);
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'done',
      summary: expect.stringContaining('3 of 3 tasks running'),
    });
    const svc = await env.west.ecs.send(
      new DescribeServicesCommand({ cluster: 'payments-usw2', services: ['payments-web'] }),
    );
    expect(svc.services?.[0]?.events?.[0]?.message).toBe(
      '(service payments-web) has reached a steady state.',
    );
  });

  it('pauses with ECS’s event when the image cannot be pulled in the recovery Region, and readiness says so first', async () => {
    env = await simulatedCloud();
    env.cloud.scenarios.ecrImagesMissing('us-west-2', 'payments-web');
    const payments = exampleService('payments');
    const web = payments.resources.find((r) => r.kind === 'ecs-service') as ResourceOf<'ecs-service'>;
    const checks = await createEcsChecker(env.aws).check(web, payments, cloudContext(env));
    expect(checks.find((c) => c.name === 'images')).toMatchObject({
      verdict: 'not_ready',
      reason: expect.stringContaining('not in us-west-2 (ImageNotFoundException)'),
    });
    const record: { current: StepRecord | undefined } = { current: undefined };
    const { ctx, executor } = await attempt(env, record);
    await later(env, 1_000);
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'failed',
      summary: expect.stringContaining('CannotPullContainerError'),
    });
  });

  it('pauses when Fargate has no capacity, with the placement event', async () => {
    env = await simulatedCloud();
    env.cloud.scenarios.capacityShortage('us-west-2', 'fargate');
    const record: { current: StepRecord | undefined } = { current: undefined };
    const { ctx, executor } = await attempt(env, record);
    await later(env, 1_000);
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'failed',
      summary: expect.stringContaining('unable to place a task'),
    });
  });

  it('readiness: service ACTIVE, images in the recovery ECR, capacity with the min when us-east-1 is out', async () => {
    const cloud = await simulatedCloud();
    env = cloud;
    const payments = exampleService('payments');
    const web = payments.resources.find((r) => r.kind === 'ecs-service') as ResourceOf<'ecs-service'>;
    const check = () => createEcsChecker(cloud.aws).check(web, payments, cloudContext(cloud));
    expect((await check()).map((c) => [c.name, c.verdict])).toEqual([
      ['service', 'ready'],
      ['images', 'ready'],
      ['capacity', 'ready'],
    ]);
    cloud.cloud.faults.regionOutage('us-east-1');
    expect((await check()).find((c) => c.name === 'capacity')).toMatchObject({
      reason: expect.stringContaining('target 2 (min'),
    });
  });
});
