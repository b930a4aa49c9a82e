import { DescribeServicesCommand, ECSClient, type Service, UpdateServiceCommand } from '@aws-sdk/client-ecs';
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

const ecs = mockClient(ECSClient);
beforeEach(() => ecs.reset());

const PLAN = parsePlan(
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
      - { id: web, kind: ecs-service, primaryCluster: shop-use1, recoveryCluster: shop-usw2, serviceName: web, capacity: { desired: 2 } }
    runbook:
      failover:
        - { id: scale-web, kind: ecs-service, resource: web }
`,
  'ecs.yml',
);

function step(record?: StepRecord) {
  const route = routeFor(PLAN, 'shop', 'failover');
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
const service = (s: Partial<Service>): Service => ({
  serviceName: 'web',
  status: 'ACTIVE',
  desiredCount: 0,
  runningCount: 0,
  pendingCount: 0,
  deployments: [{ id: 'd1', status: 'PRIMARY', rolloutState: 'COMPLETED' }],
  events: [{ id: 'e-old', message: '(service web) has reached a steady state.' }],
  ...s,
});
const called = (observed: Record<string, string | number | null>): StepRecord => ({
  state: 'intent',
  attempts: 1,
  startedAtMs: 999_000,
  calledAtMs: 999_500,
  observed,
});

describe('ecs-service executor (SDK mocked)', () => {
  it('sends one UpdateService with the target desired count in the recovery cluster', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({})] });
    const { ctx, executor } = step();
    const observed = await executor.observe(ctx);
    await executor.start(ctx, observed);
    expect(observed).toMatchObject({ state: 'not-started', facts: { wanted: 2, priorEvent: 'e-old' } });
    expect(ecs).toReceiveCommandTimes(UpdateServiceCommand, 1);
    expect(ecs).toReceiveCommandWith(UpdateServiceCommand, {
      cluster: 'shop-usw2',
      service: 'web',
      desiredCount: 2,
    });
  });

  it('pauses on a placement failure event newer than the call, not on older ones', async () => {
    const old = { id: 'e-old', message: '(service web) was unable to place a task. Reason: old.' };
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 2, events: [old] })] });
    const { ctx, executor } = step(called({ wanted: 2, basis: '2', priorEvent: 'e-old' }));
    expect(await executor.observe(ctx)).toMatchObject({ state: 'in-progress' });
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        service({
          desiredCount: 2,
          events: [
            {
              id: 'e-new',
              message: '(service web) failed to launch a task with (error CannotPullContainerError: x).',
            },
            old,
          ],
        }),
      ],
    });
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'failed',
      summary: expect.stringContaining('CannotPullContainerError'),
    });
    expect(ecs).not.toReceiveCommand(UpdateServiceCommand);
  });

  it('pauses on a deployment the circuit breaker failed', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        service({
          desiredCount: 2,
          deployments: [
            {
              id: 'd1',
              status: 'PRIMARY',
              rolloutState: 'FAILED',
              rolloutStateReason: 'tasks failed to start',
            },
          ],
        }),
      ],
    });
    const { ctx, executor } = step(called({ wanted: 2, basis: '2', priorEvent: 'e-old' }));
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'failed',
      summary: expect.stringContaining('tasks failed to start'),
    });
  });

  it('is done only in a steady state: enough running, nothing pending, one deployment', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [service({ desiredCount: 2, runningCount: 2, pendingCount: 1 })] });
    const { ctx, executor } = step(called({ wanted: 2, basis: '2', priorEvent: 'e-old' }));
    expect(await executor.observe(ctx)).toMatchObject({ state: 'in-progress' });
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 2, runningCount: 2 })] });
    expect(await executor.observe(ctx)).toMatchObject({ state: 'done' });
  });

  it('fails when the recovery service is missing or not ACTIVE', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: 'x', reason: 'MISSING' }] });
    const { ctx, executor } = step();
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'failed',
      summary: 'shop-usw2/web is not found in us-west-2',
    });
  });
});
