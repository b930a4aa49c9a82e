import {
  AutoScalingClient,
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import type { StepRecord } from '../../src/domain/records.js';
import { parsePlan } from '../../src/plan/load.js';
import { stepContext } from '../../src/runbook/drive-step.js';
import { defaultExecutors, executorFor } from '../../src/runbook/executors/index.js';
import { allSteps, routeFor } from '../../src/runbook/stages.js';

expect.extend(allCustomMatcherWithAliases);

const asg = mockClient(AutoScalingClient);
beforeEach(() => asg.reset());

const planWith = (capacity: string) =>
  parsePlan(
    `
version: 1
account: "123456789012"
services:
  shop:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 1m
    rto: 15m
    channel: C0SHOP
    approvers: { users: [U0ALICE] }
    resources:
      - { id: web, kind: autoscaling-group, primaryGroupName: web-use1, recoveryGroupName: web-usw2, capacity: ${capacity} }
    runbook:
      failover:
        - { id: scale-web, kind: autoscaling-group, resource: web }
`,
    'asg.yml',
  );

function step(capacity: string, record?: StepRecord) {
  const route = routeFor(planWith(capacity), 'shop', 'failover');
  const found = allSteps(route).find((s) => s.id === 'scale-web');
  if (!found) throw new Error('no step');
  const env = {
    route,
    kind: 'failover' as const,
    mode: 'planned' as const,
    aws: createAwsClients({ maxAttempts: 1 }),
    clock: { now: () => 1_000_000 },
  };
  return {
    ctx: stepContext(env, found, 'exec-1', () => record, false, 5_000),
    executor: executorFor(defaultExecutors, found),
  };
}

const group = (name: string, g: Partial<AutoScalingGroup>): AutoScalingGroup => ({
  AutoScalingGroupName: name,
  MinSize: 0,
  MaxSize: 10,
  DesiredCapacity: 0,
  DefaultCooldown: 300,
  AvailabilityZones: ['us-west-2a'],
  HealthCheckType: 'EC2',
  CreatedTime: new Date(0),
  Instances: [],
  ...g,
});
const serving = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    InstanceId: `i-${i}`,
    AvailabilityZone: 'us-west-2a',
    LifecycleState: 'InService' as const,
    HealthStatus: 'Healthy',
    ProtectedFromScaleIn: false,
  }));
const groups = (by: Record<string, AutoScalingGroup>) =>
  asg.on(DescribeAutoScalingGroupsCommand).callsFake((input: { AutoScalingGroupNames?: string[] }) => ({
    AutoScalingGroups: (input.AutoScalingGroupNames ?? []).flatMap((n) => (by[n] ? [by[n]] : [])),
  }));
const intent = (observed: Record<string, string | number | null>): StepRecord => ({
  state: 'intent',
  attempts: 1,
  startedAtMs: 999_000,
  calledAtMs: 999_500,
  observed,
});

describe('autoscaling-group executor (SDK mocked)', () => {
  it('sets an absolute target once, without touching MaxSize when it suffices', async () => {
    groups({ 'web-usw2': group('web-usw2', { DesiredCapacity: 1, MaxSize: 10 }) });
    asg.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
    const { ctx, executor } = step('{ desired: 3 }');
    const observed = await executor.observe(ctx);
    await executor.start(ctx, observed);
    expect(observed).toMatchObject({ state: 'not-started', facts: { wanted: 3, desiredBefore: 1 } });
    expect(asg).toReceiveCommandTimes(UpdateAutoScalingGroupCommand, 1);
    expect(asg).toReceiveCommandWith(UpdateAutoScalingGroupCommand, {
      AutoScalingGroupName: 'web-usw2',
      DesiredCapacity: 3,
    });
    expect(asg.commandCalls(UpdateAutoScalingGroupCommand)[0]?.args[0].input).not.toHaveProperty('MaxSize');
  });

  it('computes a percentage of the primary group, rounding up', async () => {
    groups({
      'web-usw2': group('web-usw2', { MaxSize: 0 }),
      'web-use1': group('web-use1', { DesiredCapacity: 5 }),
    });
    asg.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
    const { ctx, executor } = step('{ percent: 50 }');
    const observed = await executor.observe(ctx);
    expect(observed.facts).toMatchObject({ wanted: 3, basis: '3 (50% of 5)' });
    expect(executor.calls(ctx, observed)[0]?.input).toMatchObject({ DesiredCapacity: 3, MaxSize: 3 });
  });

  it('refuses a percentage it cannot compute (primary unreadable, no min) rather than guessing', async () => {
    asg.on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['web-usw2'] }).resolves({
      AutoScalingGroups: [group('web-usw2', {})],
    });
    asg
      .on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['web-use1'] })
      .rejects(Object.assign(new Error('Service unavailable in us-east-1'), { name: 'ServiceUnavailable' }));
    const { ctx, executor } = step('{ percent: 100 }');
    const observed = await executor.observe(ctx);
    expect(observed).toMatchObject({ state: 'failed', summary: expect.stringContaining('add capacity.min') });
  });

  it('fails with the newest activity’s StatusMessage after the call, ignoring failures from before it', async () => {
    groups({ 'web-usw2': group('web-usw2', { DesiredCapacity: 3 }) });
    const old = {
      ActivityId: 'a-old',
      AutoScalingGroupName: 'web-usw2',
      Cause: '',
      StartTime: new Date(0),
      StatusCode: 'Failed' as const,
      StatusMessage: 'old failure',
    };
    asg.on(DescribeScalingActivitiesCommand).resolves({ Activities: [old] });
    const waiting = step('{ desired: 3 }', intent({ wanted: 3, basis: '3', priorActivity: 'a-old' }));
    expect(await waiting.executor.observe(waiting.ctx)).toMatchObject({ state: 'in-progress' });

    asg.on(DescribeScalingActivitiesCommand).resolves({
      Activities: [
        {
          ...old,
          ActivityId: 'a-new',
          StatusMessage:
            'We currently do not have sufficient m6i.large capacity… Launching EC2 instance failed.',
        },
        old,
      ],
    });
    expect(await waiting.executor.observe(waiting.ctx)).toMatchObject({
      state: 'failed',
      summary: expect.stringContaining('do not have sufficient m6i.large capacity'),
    });
    expect(asg).not.toReceiveCommand(UpdateAutoScalingGroupCommand);
  });

  it('says so when the group was scaled in below the target after the call, instead of waiting out the timeout', async () => {
    groups({ 'web-usw2': group('web-usw2', { DesiredCapacity: 1, Instances: serving(1) }) });
    asg.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
    const { ctx, executor } = step('{ desired: 3 }', intent({ wanted: 3, basis: '3', priorActivity: null }));
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'failed',
      summary: expect.stringContaining('something scaled it in'),
    });
  });

  it('is done when enough instances are InService and Healthy, whoever scaled the group', async () => {
    groups({ 'web-usw2': group('web-usw2', { DesiredCapacity: 3, Instances: serving(3) }) });
    const { ctx, executor } = step('{ desired: 3 }');
    expect(await executor.observe(ctx)).toMatchObject({ state: 'done' });
    expect(executor.calls(ctx, undefined)[0]?.input).toMatchObject({ DesiredCapacity: '<target capacity>' });
  });

  it('fails when the group does not exist in the target Region', async () => {
    groups({});
    const { ctx, executor } = step('{ desired: 3 }');
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'failed',
      summary: 'web-usw2 not found in us-west-2',
    });
  });
});
