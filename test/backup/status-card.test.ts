import { afterEach, describe, expect, it } from 'vitest';
import { serviceStatusMessage } from '../../blocks/readiness/service.js';
import { createAwsCheckers } from '../../src/readiness/aws/index.js';
import { createReadinessEngine } from '../../src/readiness/engine.js';
import { type CloudEnv, exampleService, simulatedCloud } from '../fidelity/helpers.js';
import { examplePlan } from '../sandbox/aws-fixture.js';

const MINUTE = 60_000;

/** `/dr status` as the composition root builds readiness (createAwsCheckers with the plan), on the sandbox. */
describe('/dr status shows AWS Backup evidence', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const card = async (e: CloudEnv) => {
    const plan = examplePlan();
    const engine = createReadinessEngine({
      checkers: createAwsCheckers(e.aws, { plan: () => plan }),
      clock: e.clock,
    });
    const result = await engine.checkService(exampleService('payments'), {
      backupInterval: plan.defaults.backupInterval,
      stepEstimate: plan.defaults.stepEstimate,
    });
    return { result, text: JSON.stringify(serviceStatusMessage(result).blocks) };
  };

  it('lists the recovery point, its copy, the vault lock and the restore test result per resource', async () => {
    env = await simulatedCloud();
    const { text } = await card(env);

    expect(text).toContain('AWS Backup recovery point: 6 h (target 24 h)');
    expect(text).toContain('AWS Backup copy: 6 h (target 24 h)');
    expect(text).toContain('backup vault lock: locked 7–365d (expected locked 7–365d)');
    expect(text).toContain('restore test: SUCCESSFUL 2 d ago, restored in 11 min');
  });

  it('turns the copy row red with the copy job reason after a failed copy', async () => {
    env = await simulatedCloud();
    env.cloud.backup.failCopyJobs('payments-receipts', 'Copy job failed: destination vault key not usable');
    env.clock.advance(40 * MINUTE);

    const { result, text } = await card(env);

    expect(result.verdict).toBe('not_ready');
    expect(text).toContain(':red_circle:');
    expect(text).toContain(
      'payments-receipts: copy job to us-west-2 FAILED: Copy job failed: destination vault key not usable',
    );
  });
});

describe('the sandbox fault panel', () => {
  it('fails the resource backup copy through POST /_sandbox/faults', async () => {
    const { applyFault } = await import('../../src/sandbox/panel.js');
    const env = await simulatedCloud();
    try {
      applyFault(
        env.cloud.faults,
        { action: 'backup-copy-fail', resourceId: 'payments-ledger' },
        env.cloud.backup,
      );
      env.clock.advance(20 * MINUTE);
      const plan = examplePlan();
      const engine = createReadinessEngine({
        checkers: createAwsCheckers(env.aws, { plan: () => plan }),
        clock: env.clock,
      });
      const result = await engine.checkService(exampleService('payments'), {
        backupInterval: plan.defaults.backupInterval,
        stepEstimate: plan.defaults.stepEstimate,
      });
      expect(
        result.checks.find((c) => c.resourceId === 'payments-ledger' && c.name === 'AWS Backup copy')
          ?.verdict,
      ).toBe('not_ready');
    } finally {
      await env.close();
    }
  });
});
