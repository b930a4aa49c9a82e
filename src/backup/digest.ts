import type { AwsClients } from '../adapters/aws/clients.js';
import { clientsFor } from '../adapters/aws/roles.js';
import { type ResolvedBackups, resolveAllBackups } from '../plan/backups.js';
import type { ParsedPlan } from '../plan/schema.js';
import { classifyAwsError } from '../readiness/aws/call.js';
import { formatDuration } from '../readiness/format.js';
import { backupJobsIn, type Call, describeVault, latestCopyJob, newestRecoveryPoint } from './read.js';

/** One backup regression for the daily digest (docs/backups.md, "Digest"). */
export interface BackupRegression {
  readonly service: string;
  /** missed-backup: no backup in the interval or a job EXPIRED/FAILED; could-not-read: AWS did not answer. */
  readonly kind: 'missed-backup' | 'failed-copy' | 'unlocked-vault' | 'could-not-read';
  readonly resource?: string;
  readonly detail: string;
}

const direct: Call = (_action, fn) => fn(AbortSignal.timeout(10_000));

/**
 * The backup regressions of the last day, per service with a backups section: a missed daily backup (a
 * backup job that EXPIRED or FAILED, or no recovery point within the interval), a failed copy job (with its
 * StatusMessage), a vault without the lock the plan asks for. An AWS call that fails is listed too, so the
 * digest never says "none" for what it could not read.
 */
export async function backupRegressions(
  aws: AwsClients,
  plan: Pick<ParsedPlan, 'account' | 'timezone' | 'backups' | 'defaults' | 'services'>,
  now: number,
  call: Call = direct,
): Promise<BackupRegression[]> {
  // A service behind a role (docs/plan.md, "Other accounts") keeps its vaults in its account: read them as the role.
  const clients = (p: ResolvedBackups) => {
    const service = Object.hasOwn(plan.services, p.service) ? plan.services[p.service] : undefined;
    return service ? clientsFor(aws, service, undefined, 'digest') : aws;
  };
  const all = await Promise.all(resolveAllBackups(plan).map((p) => forService(clients(p), p, now, call)));
  return all.flat();
}

async function forService(
  aws: AwsClients,
  p: ResolvedBackups,
  now: number,
  call: Call,
): Promise<BackupRegression[]> {
  const out: BackupRegression[] = [];
  const since = now - p.intervalMs;
  const primary = aws.forRegion(p.primaryRegion).backup;
  const guarded = async (what: string, resource: string | undefined, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      const { name, message } = classifyAwsError(error);
      out.push({
        service: p.service,
        kind: 'could-not-read',
        ...(resource ? { resource } : {}),
        detail: `could not read ${what}: ${name}: ${message}`,
      });
    }
  };
  for (const r of p.resources) {
    for (const arn of r.arns) {
      await guarded('backup jobs', r.id, async () => {
        const [expired, failed, newest] = await Promise.all([
          backupJobsIn(primary, call, arn, 'EXPIRED', since),
          backupJobsIn(primary, call, arn, 'FAILED', since),
          newestRecoveryPoint(primary, call, arn),
        ]);
        const job = [...expired, ...failed][0];
        if (job)
          out.push({
            service: p.service,
            kind: 'missed-backup',
            resource: r.id,
            detail: `backup job ${job.State}: ${job.StatusMessage ?? 'no status message'}`,
          });
        else if (!newest || now - newest.createdAt > p.intervalMs)
          out.push({
            service: p.service,
            kind: 'missed-backup',
            resource: r.id,
            detail: newest
              ? `newest recovery point is ${formatDuration(now - newest.createdAt)} old (interval ${formatDuration(p.intervalMs)})`
              : `no recovery point in ${p.primaryRegion}`,
          });
      });
      await guarded('copy jobs', r.id, async () => {
        const job = await latestCopyJob(primary, call, arn, since);
        if (job && (job.State === 'FAILED' || job.State === 'PARTIAL'))
          out.push({
            service: p.service,
            kind: 'failed-copy',
            resource: r.id,
            detail: `copy to ${p.recoveryRegion} ${job.State}: ${job.StatusMessage ?? 'no status message'}`,
          });
      });
    }
  }
  if (p.vaultLock) {
    for (const region of [p.primaryRegion, p.recoveryRegion]) {
      await guarded(`vault ${p.vaultName} in ${region}`, undefined, async () => {
        const vault = await describeVault(aws.forRegion(region).backup, call, p.vaultName);
        if (!vault.Locked)
          out.push({
            service: p.service,
            kind: 'unlocked-vault',
            detail: `vault ${p.vaultName} in ${region} has no Vault Lock (the plan asks for ${p.vaultLock?.mode} mode)`,
          });
      });
    }
  }
  return out;
}
