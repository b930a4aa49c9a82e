import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/domain/records.js';
import type { StepContext } from '../../src/runbook/executors/index.js';
import { mockAll, step } from './executor-fixture.js';

const { rds } = mockAll();
beforeEach(() => {
  rds.reset();
});

const PRIMARY_ARN = 'arn:aws:rds:us-east-1:123456789012:db:legacy-db';
const recovery = (overrides: Record<string, unknown> = {}) => ({
  DBInstances: [
    {
      DBInstanceIdentifier: 'legacy-db-usw2',
      DBInstanceStatus: 'available',
      ReadReplicaSourceDBInstanceIdentifier: PRIMARY_ARN,
      ...overrides,
    },
  ],
});
const standalone = () => recovery({ ReadReplicaSourceDBInstanceIdentifier: undefined });

/** The `legacy` failover step, optionally with `acceptStandalone: true` as the plan would give it. */
function legacy(options: { record?: StepRecord; acceptStandalone?: boolean } = {}) {
  const { ctx, executor } = step('legacy', options.record ? { record: options.record } : {});
  const accepted = options.acceptStandalone
    ? ({ ...ctx, step: { ...ctx.step, acceptStandalone: true } } as StepContext)
    : ctx;
  return { ctx: accepted, executor };
}

describe('rds-promote-replica executor on failover', () => {
  it('promotes a read replica of the primary', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves(recovery());
    const { ctx, executor } = legacy();

    // Act
    const observed = await executor.observe(ctx);

    // Assert
    expect(observed.state).toBe('not-started');
    expect(executor.calls(ctx, observed)).toEqual([
      expect.objectContaining({
        command: 'PromoteReadReplica',
        input: { DBInstanceIdentifier: 'legacy-db-usw2' },
      }),
    ]);
  });

  it('refuses a recovery instance that was already standalone, naming the fix and the override', async () => {
    // Prepare: left standalone by a failback, or promoted outside this failover
    rds.on(DescribeDBInstancesCommand).resolves(standalone());
    const { ctx, executor } = legacy();

    // Act
    const observed = await executor.observe(ctx);

    // Assert
    expect(observed.state).toBe('failed');
    expect(observed.summary).toBe(
      "legacy-db-usw2 in us-west-2 is already standalone, not a read replica of legacy-db: it stopped receiving legacy-db's writes before this failover (after a failback, or a promotion outside it), so counting it as promoted would serve stale data. Make it a read replica of legacy-db again (/dr failback shop shows the command), or accept it as it is with acceptStandalone: true on step legacy",
    );
    expect(observed.preconditions).toEqual([
      { name: 'read replica of legacy-db', ok: false, observed: 'legacy-db-usw2 is available, standalone' },
    ]);
  });

  it('refuses a recovery instance that replicates another database, even when standalone ones are accepted', async () => {
    // Prepare
    rds
      .on(DescribeDBInstancesCommand)
      .resolves(
        recovery({ ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:123456789012:db:other' }),
      );
    const { ctx, executor } = legacy({ acceptStandalone: true });

    // Act
    const observed = await executor.observe(ctx);

    // Assert
    expect(observed.state).toBe('failed');
    expect(observed.summary).toContain(
      "replicates arn:aws:rds:us-east-1:123456789012:db:other, not legacy-db: promoting it would serve another database's data",
    );
  });

  it('counts its own promotion as done after a restart or a Retry', async () => {
    // Prepare: this execution asked for the promotion (intent recorded; or the call returned, then Retry)
    rds.on(DescribeDBInstancesCommand).resolves(standalone());
    const intent = legacy({ record: { state: 'intent', attempts: 1 } });
    const retried = legacy({ record: { state: 'pending', attempts: 1, calledAtMs: 5 } });

    // Act
    const afterCrash = await intent.executor.observe(intent.ctx);
    const afterRetry = await retried.executor.observe(retried.ctx);

    // Assert
    expect(afterCrash).toMatchObject({ state: 'done', summary: 'legacy-db-usw2 is promoted and available' });
    expect(afterRetry.state).toBe('done');
  });

  it('counts a standalone recovery instance as promoted when the step accepts it, and says so', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves(standalone());
    const { ctx, executor } = legacy({ acceptStandalone: true });

    // Act
    const observed = await executor.observe(ctx);

    // Assert
    expect(observed).toMatchObject({
      state: 'done',
      summary:
        'legacy-db-usw2 was already standalone, not a read replica of legacy-db: counted as promoted as it is, because step legacy accepts it (acceptStandalone)',
      facts: { acceptedStandalone: true },
    });
    expect(observed.preconditions?.[0]).toMatchObject({ name: 'read replica of legacy-db', ok: false });
    expect(observed.preconditions?.[0]?.observed).toContain(
      'accepted by step legacy (acceptStandalone: true in the plan)',
    );
  });
});
