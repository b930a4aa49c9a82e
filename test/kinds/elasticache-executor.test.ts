import {
  DescribeGlobalReplicationGroupsCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
  type GlobalReplicationGroup,
  InvalidGlobalReplicationGroupStateFault,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import type { StepRecord } from '../../src/domain/records.js';
import { PROMOTION_GRACE_MS } from '../../src/kinds/elasticache/executor.js';
import { stepContext } from '../../src/runbook/drive-step.js';
import { defaultExecutors, executorFor } from '../../src/runbook/executors/index.js';
import { allSteps, routeFor } from '../../src/runbook/stages.js';
import type { RunbookKind, RunbookMode } from '../../src/runbook/types.js';
import { datastoresPlan } from './datastores-fixture.js';

expect.extend(allCustomMatcherWithAliases);

const ec = mockClient(ElastiCacheClient);
beforeEach(() => ec.reset());

const NOW = 10_000_000;
const PLAN = datastoresPlan();

function step(record?: StepRecord, options: { kind?: RunbookKind; mode?: RunbookMode; now?: number } = {}) {
  const kind = options.kind ?? 'failover';
  const route = routeFor(PLAN, 'storefront', kind);
  const found = allSteps(route).find((s) => s.kind === 'elasticache-global-datastore');
  if (!found) throw new Error('no step');
  const env = {
    route,
    kind,
    mode: options.mode ?? 'planned',
    aws: createAwsClients({ maxAttempts: 1 }),
    clock: { now: () => options.now ?? NOW },
  };
  return {
    ctx: stepContext(env, found, 'exec-1', () => record, false, 5_000),
    executor: executorFor(defaultExecutors, found),
  };
}

const datastore = (
  status: string,
  roles: { use1: 'PRIMARY' | 'SECONDARY'; usw2: 'PRIMARY' | 'SECONDARY' },
): GlobalReplicationGroup => ({
  GlobalReplicationGroupId: 'ldgnf-storefront-sessions',
  Status: status,
  Engine: 'valkey',
  EngineVersion: '8.0',
  Members: [
    {
      ReplicationGroupId: 'sessions-use1',
      ReplicationGroupRegion: 'us-east-1',
      Role: roles.use1,
      Status: 'associated',
    },
    {
      ReplicationGroupId: 'sessions-usw2',
      ReplicationGroupRegion: 'us-west-2',
      Role: roles.usw2,
      Status: 'associated',
    },
  ],
});
const before = datastore('available', { use1: 'PRIMARY', usw2: 'SECONDARY' });
const intent: StepRecord = { state: 'intent', attempts: 1, startedAtMs: NOW - 1_000, observed: {} };
const called = (at: number): StepRecord => ({ ...intent, calledAtMs: at });

describe('elasticache-global-datastore executor (SDK mocked)', () => {
  it('promotes the recovery group once, naming it and its Region, and is done when it is PRIMARY and available', async () => {
    ec.on(DescribeGlobalReplicationGroupsCommand).resolves({ GlobalReplicationGroups: [before] });
    ec.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [{ ReplicationGroupId: 'sessions-use1', Status: 'available' }],
    });
    ec.on(FailoverGlobalReplicationGroupCommand).resolves({
      GlobalReplicationGroup: datastore('modifying', { use1: 'PRIMARY', usw2: 'SECONDARY' }),
    });
    const { ctx, executor } = step();
    const observed = await executor.observe(ctx);
    expect(observed.state).toBe('not-started');
    await executor.start(ctx, observed);
    expect(ec).toReceiveCommandTimes(FailoverGlobalReplicationGroupCommand, 1);
    expect(ec).toReceiveCommandWith(FailoverGlobalReplicationGroupCommand, {
      GlobalReplicationGroupId: 'ldgnf-storefront-sessions',
      PrimaryRegion: 'us-west-2',
      PrimaryReplicationGroupId: 'sessions-usw2',
    });
    expect(ec).toReceiveCommandWith(DescribeGlobalReplicationGroupsCommand, { ShowMemberInfo: true });
    ec.on(DescribeGlobalReplicationGroupsCommand).resolves({
      GlobalReplicationGroups: [datastore('available', { use1: 'SECONDARY', usw2: 'PRIMARY' })],
    });
    expect(await step(called(NOW)).executor.observe(step(called(NOW)).ctx)).toMatchObject({ state: 'done' });
  });

  it('an intent recorded without its call (crash) re-reads the datastore: a promotion under way is waited for, not repeated', async () => {
    ec.on(DescribeGlobalReplicationGroupsCommand).resolves({
      GlobalReplicationGroups: [datastore('modifying', { use1: 'PRIMARY', usw2: 'SECONDARY' })],
    });
    const { ctx, executor } = step(intent);
    expect(await executor.observe(ctx)).toMatchObject({ state: 'blocked' });
    ec.on(DescribeGlobalReplicationGroupsCommand).resolves({
      GlobalReplicationGroups: [datastore('modifying', { use1: 'SECONDARY', usw2: 'PRIMARY' })],
    });
    expect(await executor.observe(ctx)).toMatchObject({ state: 'in-progress' });
    const settling = datastore('available', { use1: 'SECONDARY', usw2: 'PRIMARY' });
    ec.on(DescribeGlobalReplicationGroupsCommand).resolves({
      GlobalReplicationGroups: [
        { ...settling, Members: settling.Members?.map((m) => ({ ...m, Status: 'associating' })) },
      ],
    });
    expect(await executor.observe(ctx)).toMatchObject({ state: 'in-progress' });
    expect(ec).not.toReceiveCommand(FailoverGlobalReplicationGroupCommand);
  });

  it('a called promotion the datastore does not show is waited for briefly, then fails the step rather than calling again', async () => {
    ec.on(DescribeGlobalReplicationGroupsCommand).resolves({ GlobalReplicationGroups: [before] });
    const fresh = step(called(NOW - 1_000));
    expect(await fresh.executor.observe(fresh.ctx)).toMatchObject({ state: 'in-progress' });
    const stale = step(called(NOW - PROMOTION_GRACE_MS - 1));
    expect(await stale.executor.observe(stale.ctx)).toMatchObject({
      state: 'failed',
      summary: expect.stringContaining('accepted the promotion of sessions-usw2 but it is not primary'),
    });
    expect(ec).not.toReceiveCommand(FailoverGlobalReplicationGroupCommand);
  });

  it('a refusal while the primary Region does not answer says what happened and what to do', async () => {
    ec.on(DescribeGlobalReplicationGroupsCommand).resolves({ GlobalReplicationGroups: [before] });
    ec.on(FailoverGlobalReplicationGroupCommand).rejects(
      new InvalidGlobalReplicationGroupStateFault({ message: 'not available', $metadata: {} }),
    );
    ec.on(DescribeReplicationGroupsCommand).rejects(
      Object.assign(new Error('Service unavailable in us-east-1'), { name: 'ServiceUnavailable' }),
    );
    const { ctx, executor } = step(undefined, { mode: 'unplanned' });
    const observed = await executor.observe(ctx);
    await expect(executor.start(ctx, observed)).rejects.toThrow(
      /still a read-only secondary.*Retry once ElastiCache accepts the promotion, or Skip this step and detach sessions-usw2.*DisassociateGlobalReplicationGroup/,
    );
  });

  it('a refusal while the primary Region answers is reported as AWS said it', async () => {
    ec.on(DescribeGlobalReplicationGroupsCommand).resolves({ GlobalReplicationGroups: [before] });
    ec.on(FailoverGlobalReplicationGroupCommand).rejects(
      new InvalidGlobalReplicationGroupStateFault({ message: 'not available', $metadata: {} }),
    );
    ec.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [{ ReplicationGroupId: 'sessions-use1', Status: 'available' }],
    });
    const { ctx, executor } = step();
    await expect(executor.start(ctx, await executor.observe(ctx))).rejects.toThrow(
      'elasticache:FailoverGlobalReplicationGroup: InvalidGlobalReplicationGroupStateFault: not available',
    );
  });

  it('failback promotes the primary Region’s group back', async () => {
    ec.on(DescribeGlobalReplicationGroupsCommand).resolves({
      GlobalReplicationGroups: [datastore('available', { use1: 'SECONDARY', usw2: 'PRIMARY' })],
    });
    const { ctx, executor } = step(undefined, { kind: 'failback' });
    expect(executor.calls(ctx, undefined)).toEqual([
      expect.objectContaining({
        region: 'us-east-1',
        input: expect.objectContaining({
          PrimaryRegion: 'us-east-1',
          PrimaryReplicationGroupId: 'sessions-use1',
        }),
      }),
    ]);
    expect(await executor.observe(ctx)).toMatchObject({ state: 'not-started' });
  });

  it('a group that is not a member of the datastore fails the step before any call', async () => {
    ec.on(DescribeGlobalReplicationGroupsCommand).resolves({
      GlobalReplicationGroups: [{ ...before, Members: before.Members?.slice(0, 1) }],
    });
    const { ctx, executor } = step();
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'failed',
      summary: expect.stringContaining('sessions-usw2 in us-west-2 is not a member'),
    });
  });
});
