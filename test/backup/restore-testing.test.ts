import { readFileSync } from 'node:fs';
import { ListRestoreJobsCommand, ListRestoreTestingPlansCommand } from '@aws-sdk/client-backup';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsBackupChecker } from '../../src/backup/readiness.js';
import { parsePlan } from '../../src/plan/load.js';
import type { Resource } from '../../src/plan/schema.js';
import { type CloudEnv, cloudContext, simulatedCloud } from '../fidelity/helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The example plan with a daily drill interval: its restore testing plan runs every day. */
const dailyPlan = () =>
  parsePlan(
    readFileSync('dr-plan.example.yml', 'utf8').replace(/^ {2}drillInterval: 90d/m, '  drillInterval: 1d'),
    'dr-plan.example.yml',
  );

describe('simulated AWS Backup restore testing runs on its schedule', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('runs the restore testing plan at the drill interval, and readiness reads its newest result', async () => {
    // Prepare
    env = await simulatedCloud({ plan: dailyPlan() });
    const startedAt = env.clock.now();
    const plans = await env.west.backup.send(new ListRestoreTestingPlansCommand({}));
    const plan = plans.RestoreTestingPlans?.[0];
    expect(plan?.ScheduleExpression).toBe('cron(0 5 * * ? *)');

    // Act: a day and a half passes, then restore tests of the ledger start failing and another day passes
    env.clock.advance(36 * HOUR);
    const first = await env.west.backup.send(
      new ListRestoreJobsCommand({ ByRestoreTestingPlanArn: plan?.RestoreTestingPlanArn }),
    );
    env.cloud.backup.failRestoreJobs(
      'payments-ledger',
      'Restore testing validation role cannot read the table',
    );
    env.clock.advance(DAY);
    const service = dailyPlan().services.payments;
    if (!service) throw new Error('no payments');
    const ledger = service.resources.find((r) => r.id === 'payments-ledger') as Resource;
    const checks = await createAwsBackupChecker(env.aws, dailyPlan).check(
      ledger as never,
      { ...service, name: 'payments' },
      cloudContext(env),
    );

    // Assert: scheduled runs produced new jobs, the newest of the ledger failed, and readiness says so
    const scheduled = (first.RestoreJobs ?? []).filter((j) => (j.CreationDate?.getTime() ?? 0) > startedAt);
    expect(scheduled.length).toBeGreaterThanOrEqual(3); // one per protected resource
    expect(scheduled.every((j) => j.Status === 'COMPLETED' && j.ValidationStatus === 'SUCCESSFUL')).toBe(
      true,
    );
    const row = checks.find((c) => c.name === 'restore test');
    expect(row?.verdict).toBe('not_ready');
    expect(row?.reason).toContain('FAILED');
  });

  it('keeps the schedule recurring: saving the world does not run restore tests on for ever', async () => {
    // Prepare: a restore test is in progress (started at the scheduled run, takes minutes)
    env = await simulatedCloud({ plan: dailyPlan() });
    env.clock.advance(22 * HOUR + 2 * 60_000);
    await env.cloud.tick();

    // Act
    const saved = env.cloud.save();

    // Assert: only the operations in progress were settled, not the daily schedules re-arming themselves
    expect(saved.settledAt - saved.savedAt).toBeLessThan(DAY);
  });
});
