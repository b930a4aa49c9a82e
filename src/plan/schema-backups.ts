import { z } from 'zod';
import { account, duration, id, isTimeZone } from './schema-fields.js';

/**
 * The `backups` section (AWS Backup), plan-wide defaults at the top level and a section per service that
 * opts the service in. A field the service sets replaces the plan-wide one; src/backup/plan.ts resolves
 * them and checks what spans both (Vault Lock against the retention, key Regions, resource ids).
 */

const DAY_MS = 86_400_000;

/** A whole number of days, at least one: AWS Backup lifecycles and Vault Lock count in days. */
export const days = duration.refine((ms) => ms >= DAY_MS && ms % DAY_MS === 0, {
  message: 'expected a whole number of days such as "35d"',
});

const kmsKeyArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
    'expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
  );

/**
 * AWS Backup's cron: `cron(minutes hours day-of-month month day-of-week year)`, six fields, `?` in one of
 * the two day fields (Backup developer guide, "Creating a backup plan", and EventBridge's cron format).
 */
export function isBackupCron(text: string): boolean {
  const match = /^cron\((.+)\)$/.exec(text.trim());
  const fields = match?.[1]?.trim().split(/\s+/) ?? [];
  if (fields.length !== 6) return false;
  if (!fields.every((f) => /^[0-9A-Za-z*?,/#L-]+$/.test(f))) return false;
  return (fields[2] === '?') !== (fields[4] === '?');
}

const schedule = z
  .strictObject({
    dailyAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time such as "03:00"')
      .optional()
      .describe('one backup a day at this local time'),
    cron: z
      .string()
      .refine(isBackupCron, {
        message:
          'expected an AWS Backup cron expression such as "cron(0 3 ? * * *)" (six fields, ? in a day field)',
      })
      .optional(),
  })
  .refine((s) => (s.dailyAt === undefined) !== (s.cron === undefined), {
    message: 'expected exactly one of dailyAt or cron',
  });

const copy = z.strictObject({
  retention: days.optional().describe('retention of the copy in the recovery Region; default: retention'),
  account: account
    .optional()
    .describe('copy to a vault of this account (AWS Organizations cross-account copy)'),
});

const vaultLock = z.strictObject({
  mode: z
    .enum(['compliance', 'governance'])
    .default('compliance')
    .describe('compliance: immutable after changeableFor; governance: removable by privileged users'),
  minRetention: days.describe('Vault Lock minimum retention (compliance mode)'),
  maxRetention: days.optional().describe('Vault Lock maximum retention'),
  changeableFor: days
    .refine((ms) => ms >= 3 * DAY_MS, { message: 'expected at least "3d" (AWS Backup grace time)' })
    .optional()
    .describe('compliance mode: grace time before the lock becomes immutable; default 3d'),
});

const kmsKeys = z.strictObject({
  primary: kmsKeyArn.optional().describe("customer-managed key of the primary Region's vault"),
  recovery: kmsKeyArn.optional().describe("customer-managed key of the recovery Region's vault"),
});

/** Fields a service and the plan-wide defaults share. All optional here; defaults are applied on resolve. */
const backupFields = {
  schedule: schedule.optional(),
  timezone: z
    .string()
    .refine(isTimeZone, { message: 'expected an IANA time zone such as "Europe/Berlin" or "UTC"' })
    .optional()
    .describe("time zone of the schedule; default: the plan's timezone"),
  startWindow: duration
    .refine((ms) => ms >= 3_600_000 && ms % 60_000 === 0, {
      message: 'expected at least "1h" in whole minutes (AWS Backup StartWindowMinutes is at least 60)',
    })
    .optional(),
  retention: days.optional(),
  copy: copy.optional(),
  kmsKeys: kmsKeys.optional(),
  vaultLock: vaultLock.optional(),
  restoreTesting: z.boolean().optional().describe('an AWS Backup restore testing plan at the drill interval'),
  drillRestore: z
    .boolean()
    .optional()
    .describe('drills also restore the newest copied recovery point in the recovery Region (docs/drills.md)'),
};

export const planBackups = z.strictObject(backupFields);

export const serviceBackups = z.strictObject({
  ...backupFields,
  vaultName: z
    .string()
    .regex(/^[a-zA-Z0-9\-_]{2,50}$/, 'expected a backup vault name of 2-50 letters, digits, - and _')
    .optional()
    .describe('default: lifeboat-<service>'),
  resources: z
    .array(id)
    .min(1)
    .optional()
    .describe("ids of the service's resources; default: all it can back up"),
});

export type PlanBackups = z.output<typeof planBackups>;
export type ServiceBackupsInput = z.output<typeof serviceBackups>;
