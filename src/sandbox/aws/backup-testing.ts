import {
  type ResolvedBackups,
  restoreTestingCron,
  restoreTestingEveryMs,
  restoreTestingPlanName,
} from '../../plan/backups.js';
import type { BackupModel, RestoreTestingPlan } from './backup.js';
import { RESTORE_DURATION, restoredArn } from './backup-shapes.js';
import { emitChange, type World } from './world.js';

/**
 * AWS Backup restore testing as infra/lib/backups.ts deploys it: a plan in the recovery Region at the drill
 * interval's cron (`restoreTestingCron`), selecting the latest recovery point within the window
 * (LATEST_WITHIN_WINDOW) of each protected resource in the recovery vault. Each run starts one restore job
 * per resource (`CreatedBy.RestoreTestingPlanArn`), which completes with `ValidationStatus` SUCCESSFUL, or
 * FAILED under `cloud.backup.failRestoreJobs` (FIDELITY.md, "Restore testing"). The schedule re-arms itself
 * with the scheduler's `recurring` marker, so a saved world does not wait on it.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The service's restore testing plan, its seeded last run (two days ago) and its schedule from now on. */
export function seedRestoreTesting(
  w: World,
  model: BackupModel,
  p: ResolvedBackups,
  drillIntervalMs: number,
  now: number,
): RestoreTestingPlan {
  const name = restoreTestingPlanName(p.service);
  const plan: RestoreTestingPlan = {
    name,
    arn: `arn:aws:backup:${p.recoveryRegion}:${p.account}:restore-testing-plan:${name}-${p.service.length}`,
    region: p.recoveryRegion,
    scheduleExpression: restoreTestingCron(drillIntervalMs),
    createdAt: now - 30 * DAY,
  };
  model.testingPlans.push(plan);
  const testedAt = now - 2 * DAY;
  for (const r of p.resources)
    for (const arn of r.arns) {
      const rp = model.newestCopy(p, arn, testedAt);
      if (!rp) continue;
      const job = model.addRestoreJob({
        region: p.recoveryRegion,
        rp,
        at: testedAt,
        metadata: {},
        testingPlanArn: plan.arn,
      });
      job.status = 'COMPLETED';
      job.completedAt = testedAt + RESTORE_DURATION[r.resourceType];
      job.createdResourceArn = restoredArn(p.recoveryRegion, p.account, r.resourceType, job.id, {});
      job.validation = 'SUCCESSFUL';
    }
  const everyMs = restoreTestingEveryMs(drillIntervalMs);
  const first = now + w.time.toClock(Math.max(HOUR, everyMs - 2 * DAY));
  w.scheduler.at(first, (at) => runRestoreTests(w, model, p, plan, everyMs, at), { recurring: true });
  return plan;
}

/** One scheduled run: a restore job per protected resource ARN with a recovery point in the window. */
export function runRestoreTests(
  w: World,
  model: BackupModel,
  p: ResolvedBackups,
  plan: RestoreTestingPlan,
  everyMs: number,
  at: number,
): void {
  const windowStart = at - w.time.toClock(everyMs);
  for (const r of p.resources)
    for (const arn of r.arns) {
      const rp = model.newestCopy(p, arn, at);
      if (!rp || rp.createdAt < windowStart) continue;
      const job = model.addRestoreJob({
        region: p.recoveryRegion,
        rp,
        at,
        metadata: {},
        testingPlanArn: plan.arn,
      });
      const failure = model.restoreFailures.get(r.id) ?? model.restoreFailures.get('*');
      w.scheduler.at(at + w.time.toClock(MINUTE), () => {
        if (job.status === 'PENDING') job.status = 'RUNNING';
      });
      w.scheduler.at(at + w.time.toClock(RESTORE_DURATION[r.resourceType]), (end) => {
        job.completedAt = end;
        if (failure !== undefined) {
          job.status = 'FAILED';
          job.statusMessage = failure;
        } else {
          // AWS deletes a restore test's resource after its validation window: the model never shows it.
          job.status = 'COMPLETED';
          job.createdResourceArn = restoredArn(p.recoveryRegion, p.account, r.resourceType, job.id, {});
          job.validation = 'SUCCESSFUL';
        }
        emitChange(w, 'restore-job', job.id, { status: job.status, testingPlan: plan.name, resource: r.id });
      });
    }
  w.scheduler.at(at + w.time.toClock(everyMs), (next) => runRestoreTests(w, model, p, plan, everyMs, next), {
    recurring: true,
  });
}
