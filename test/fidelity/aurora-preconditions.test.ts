import {
  DeleteDBInstanceCommand,
  FailoverGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceOf } from '../../src/plan/schema.js';
import { createAuroraChecker } from '../../src/readiness/aws/aurora.js';
import { type CloudEnv, cloudContext, exampleService, exampleStep, simulatedCloud } from './helpers.js';

const RECOVERY = 'arn:aws:rds:us-west-2:123456789012:cluster:payments-usw2';

/** Aurora refuses a switchover or failover to a mismatched or headless secondary (FIDELITY.md, "RDS and Aurora"). */
describe('Aurora global switchover and failover preconditions', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const payments = exampleService('payments');
  const resource = payments.resources.find(
    (r) => r.kind === 'aurora-global-cluster',
  ) as ResourceOf<'aurora-global-cluster'>;
  const move = {
    switchover: new SwitchoverGlobalClusterCommand({
      GlobalClusterIdentifier: 'payments-global',
      TargetDbClusterIdentifier: RECOVERY,
    }),
    failover: new FailoverGlobalClusterCommand({
      GlobalClusterIdentifier: 'payments-global',
      TargetDbClusterIdentifier: RECOVERY,
      AllowDataLoss: true,
    }),
  };

  it('refuses both when the target runs another engine version; readiness and the runbook say not ready', async () => {
    env = await simulatedCloud();
    env.cloud.scenarios.engineVersion('payments-usw2', '15.5');

    await expect(env.west.rds.send(move.switchover)).rejects.toMatchObject({
      name: 'InvalidDBClusterStateFault',
    });
    await expect(env.west.rds.send(move.failover)).rejects.toMatchObject({
      name: 'InvalidDBClusterStateFault',
    });
    const checks = await createAuroraChecker(env.aws).check(resource, payments, cloudContext(env));
    expect(checks.find((c) => c.name === 'recovery cluster')).toMatchObject({
      verdict: 'not_ready',
      measured: { text: 'engine 15.5' },
    });
    const { ctx, executor } = exampleStep(env, 'payments', 'promote-db', { mode: 'unplanned' });
    const observed = await executor.observe(ctx);
    expect(observed.state).toBe('failed');
    expect(observed.summary).toMatch(/engine version \(target 15\.5, primary 15\.4\)/);
  });

  it('refuses both when the target cluster has no DB instance', async () => {
    env = await simulatedCloud();
    await env.west.rds.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'payments-usw2-instance-1' }),
    );
    env.clock.advance(60 * 60_000);

    await expect(env.west.rds.send(move.switchover)).rejects.toMatchObject({
      name: 'InvalidDBClusterStateFault',
    });
    await expect(env.west.rds.send(move.failover)).rejects.toMatchObject({
      name: 'InvalidDBClusterStateFault',
    });
    const checks = await createAuroraChecker(env.aws).check(resource, payments, cloudContext(env));
    expect(checks.find((c) => c.name === 'recovery cluster')).toMatchObject({
      verdict: 'not_ready',
      measured: { text: 'no instances' },
    });
    const { ctx, executor } = exampleStep(env, 'payments', 'promote-db');
    const observed = await executor.observe(ctx);
    expect(observed.state).toBe('failed');
    expect(observed.summary).toMatch(/no DB instances/);
  });

  it('still switches over to a matching secondary with an instance', async () => {
    env = await simulatedCloud();

    const out = await env.west.rds.send(move.switchover);

    expect(out.GlobalCluster?.Status).toBe('switching-over');
  });
});
