import { readFileSync } from 'node:fs';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/domain/records.js';
import { parsePlan } from '../../src/plan/load.js';
import { stepContext } from '../../src/runbook/drive-step.js';
import { defaultExecutors, executorFor } from '../../src/runbook/executors/index.js';
import { allSteps, routeFor } from '../../src/runbook/stages.js';
import { type CloudEnv, simulatedCloud } from './helpers.js';

/**
 * An instance whose encrypted EBS volumes use a customer-managed KMS key the caller cannot use goes pending,
 * then stopped with StateReason Client.InternalError (Troubleshoot Amazon EC2 instance launch issues: "Instance
 * terminates immediately"; EBS encryption requirements). The start step sees it and fails with the reason
 * (the runbook pauses) instead of waiting or reporting done.
 */
const STANDBY = 'i-0a1b2c3d4e5f60009';
const KEY = 'arn:aws:kms:us-west-2:123456789012:key/mrk-payments-usw2';
const text = readFileSync('dr-plan.example.yml', 'utf8')
  .replace(
    '        launchTemplate: { id: lt-0a1b2c3d4e5f60001 }\n',
    `        standbyInstances: [${STANDBY}]\n        launchTemplate: { id: lt-0a1b2c3d4e5f60001 }\n`,
  )
  .replace('              action: launch-from-ami\n', '              action: start-instances\n');

describe('starting an instance whose EBS volumes use a KMS key the caller cannot use', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('goes pending then stopped (Client.InternalError), and the start step fails with that reason', async () => {
    const plan = parsePlan(text, 'plan.yml');
    env = await simulatedCloud({ plan });
    const cloud = env;
    cloud.cloud.scenarios.unusableVolumeKey(STANDBY, KEY);
    const route = routeFor(plan, 'payments', 'failover');
    const step = allSteps(route).find((s) => s.id === 'start-api');
    if (!step) throw new Error('no step start-api');
    let record: StepRecord | undefined;
    const ctx = stepContext(
      { route, kind: 'failover', mode: 'planned', aws: cloud.aws, clock: cloud.clock },
      step,
      'exec-1',
      () => record,
      false,
      5_000,
    );
    const executor = executorFor(defaultExecutors, step);

    const before = await executor.observe(ctx);
    expect(before.state).toBe('not-started');
    await executor.start(ctx, before);
    record = { state: 'intent', attempts: 1, calledAtMs: cloud.clock.now(), observed: before.facts ?? {} };
    const pending = await cloud.west.ec2.send(new DescribeInstancesCommand({ InstanceIds: [STANDBY] }));
    expect(pending.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('pending');

    cloud.clock.advance(2 * 60_000);
    const after = await cloud.west.ec2.send(new DescribeInstancesCommand({ InstanceIds: [STANDBY] }));
    expect(after.Reservations?.[0]?.Instances?.[0]).toMatchObject({
      State: { Name: 'stopped' },
      StateReason: { Code: 'Client.InternalError', Message: 'Client.InternalError: Client error on launch' },
    });
    const seen = await executor.observe(ctx);
    expect(seen.state).toBe('failed');
    expect(seen.summary).toMatch(/Client\.InternalError.*volumeKmsKeyArns/);

    // A retry (the record is no longer this attempt's intent) starts it again rather than failing at once.
    record = { ...record, state: 'failed' };
    expect((await executor.observe(ctx)).state).toBe('not-started');
  });
});
