import type { AwsClients } from '../adapters/aws/clients.js';
import {
  type BackedUpResource,
  type ResolvedBackups,
  resolveBackups,
  restoreTestingPlanName,
} from '../plan/backups.js';
import type { ParsedPlan, ResourceKind } from '../plan/schema.js';
import { awsCall, type CheckBase, guard } from '../readiness/aws/call.js';
import { freshnessCheck } from '../readiness/aws/freshness.js';
import { formatDuration, text } from '../readiness/format.js';
import type { Check, CheckContext, Checker } from '../readiness/types.js';
import { worst } from '../readiness/verdict.js';
import {
  type Call,
  describeVault,
  latestCopyJob,
  latestRestoreTest,
  newestInVault,
  newestRecoveryPoint,
  type RecoveryPointSeen,
} from './read.js';

/** What of the plan beyond the service the backups checks need: the plan-wide `backups` defaults. */
export type BackupPlanContext = Pick<ParsedPlan, 'account' | 'timezone' | 'backups' | 'defaults'>;

/** AWS Backup types whose recovery points take the vault's key (the others keep the source's key). */
const VAULT_KEYED = new Set(['S3', 'DynamoDB']);

const readCall =
  (ctx: CheckContext): Call =>
  (action, fn) =>
    awsCall(ctx, action, fn);

/**
 * Readiness rows of AWS Backup for a resource a service's `backups` section covers (docs/backups.md):
 * the newest recovery point in the primary Region and its copy in the recovery Region (age against the
 * interval, encryption with the expected key; the latest copy job FAILED is not ready, with its
 * StatusMessage), the vaults' lock (on the section's first resource), and the latest restore test.
 */
export function createAwsBackupChecker<K extends ResourceKind>(
  clients: AwsClients,
  plan: () => BackupPlanContext,
): Checker<K> {
  return {
    async check(resource, service, ctx) {
      const context = plan();
      const resolved = resolveBackups(context, service.name, service);
      const covered = resolved?.resources.find((r) => r.id === resource.id);
      if (!resolved || !covered) return [];
      const sections = await Promise.all([
        primaryPoint(clients, resolved, covered, ctx),
        copyPoint(clients, resolved, covered, ctx),
        ...(resolved.resources[0]?.id === covered.id ? [vaultLocks(clients, resolved, covered, ctx)] : []),
        ...(resolved.restoreTesting
          ? [
              restoreTest(clients, resolved, covered, ctx, {
                drillInterval: service.drillInterval ?? context.defaults.drillInterval,
              }),
            ]
          : []),
      ]);
      return sections.flat();
    },
  };
}

const base = (r: BackedUpResource, name: string): CheckBase => ({ resourceId: r.id, kind: r.kind, name });

function pointCheck(
  b: CheckBase,
  where: string,
  found: readonly (RecoveryPointSeen | undefined)[],
  arns: readonly string[],
  expectedKey: string | undefined,
  checkKey: boolean,
  interval: number,
  ctx: CheckContext,
): Check {
  const missing = found.findIndex((p) => p === undefined);
  if (missing >= 0)
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('none'),
      reason: `${b.resourceId}: no completed AWS Backup recovery point of ${arns[missing]} ${where}`,
    };
  const points = found as readonly RecoveryPointSeen[];
  const oldest = points.reduce((a, p) => (p.createdAt < a.createdAt ? p : a));
  const age = Math.max(0, ctx.now - oldest.createdAt);
  const check = freshnessCheck(
    b,
    `newest recovery point age ${where}`,
    age,
    interval,
    'backup interval',
    'api',
    false,
  );
  const plain = points.find((p) => !p.encrypted);
  if (plain)
    return {
      ...check,
      verdict: worst([check.verdict, 'degraded']),
      reason: `${b.resourceId}: recovery point ${plain.arn} ${where} is not encrypted`,
    };
  const wrong = checkKey && expectedKey ? points.find((p) => p.keyArn !== expectedKey) : undefined;
  if (wrong)
    return {
      ...check,
      verdict: worst([check.verdict, 'degraded']),
      reason: `${b.resourceId}: recovery point ${where} is encrypted with ${wrong.keyArn}, not the plan's key ${expectedKey}`,
    };
  return check;
}

async function primaryPoint(
  clients: AwsClients,
  p: ResolvedBackups,
  r: BackedUpResource,
  ctx: CheckContext,
): Promise<Check[]> {
  const b = base(r, 'AWS Backup recovery point');
  return guard(b, `recovery points of ${r.id}`, async () => {
    const client = clients.forRegion(p.primaryRegion).backup;
    const found = await Promise.all(r.arns.map((arn) => newestRecoveryPoint(client, readCall(ctx), arn)));
    const where = `in ${p.primaryRegion}`;
    return pointCheck(
      b,
      where,
      found,
      r.arns,
      p.kmsKeys.primary,
      VAULT_KEYED.has(r.resourceType),
      p.intervalMs,
      ctx,
    );
  });
}

async function copyPoint(
  clients: AwsClients,
  p: ResolvedBackups,
  r: BackedUpResource,
  ctx: CheckContext,
): Promise<Check[]> {
  const b = base(r, 'AWS Backup copy');
  return guard(b, `copies of ${r.id}`, async () => {
    const source = clients.forRegion(p.primaryRegion).backup;
    const since = ctx.now - 2 * p.intervalMs;
    for (const arn of r.arns) {
      const job = await latestCopyJob(source, readCall(ctx), arn, since);
      if (job && (job.State === 'FAILED' || job.State === 'PARTIAL'))
        return {
          ...b,
          verdict: 'not_ready',
          measured: text(`copy ${job.State.toLowerCase()}`),
          target: text(`copied to ${p.recoveryRegion}`),
          reason: `${r.id}: copy job to ${p.recoveryRegion} ${job.State}: ${job.StatusMessage ?? 'no status message'}`,
        };
    }
    if (p.copy.account !== p.account) return crossAccountCopy(b, clients, p, r, ctx);
    const target = clients.forRegion(p.recoveryRegion).backup;
    const found = await Promise.all(
      r.arns.map((arn) => newestInVault(target, readCall(ctx), p.vaultName, arn)),
    );
    const where = `in ${p.recoveryRegion}`;
    return pointCheck(b, where, found, r.arns, p.kmsKeys.recovery, true, p.intervalMs, ctx);
  });
}

/**
 * A copy to another account (`copy.account`): its recovery point lives in that account's vault, which Lifeboat
 * cannot read without a role there. What this account can read is the copy jobs in the primary Region: the
 * newest COMPLETED one per ARN (within ten intervals) is judged by when it started, and the row says that the
 * copy itself (its vault, key and recovery point) was not read.
 */
async function crossAccountCopy(
  b: CheckBase,
  clients: AwsClients,
  p: ResolvedBackups,
  r: BackedUpResource,
  ctx: CheckContext,
): Promise<Check> {
  const source = clients.forRegion(p.primaryRegion).backup;
  const since = ctx.now - 10 * p.intervalMs;
  const jobs = await Promise.all(
    r.arns.map((arn) => latestCopyJob(source, readCall(ctx), arn, since, 'COMPLETED')),
  );
  const unread = `the copy in account ${p.copy.account} (vault ${p.vaultName} in ${p.recoveryRegion}) is not read: Lifeboat has no role in that account`;
  const missing = jobs.findIndex((j) => j?.CreationDate === undefined);
  if (missing >= 0)
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('none'),
      reason: `${r.id}: no completed copy job of ${r.arns[missing]} to account ${p.copy.account} in ${p.recoveryRegion}; ${unread}`,
    };
  const oldest = Math.min(...jobs.map((j) => j?.CreationDate?.getTime() ?? 0));
  const check = freshnessCheck(
    b,
    `newest completed copy job to account ${p.copy.account} started`,
    Math.max(0, ctx.now - oldest),
    p.intervalMs,
    'backup interval',
    'api',
    false,
  );
  return { ...check, reason: `${check.reason}; ${unread}` };
}

async function vaultLocks(
  clients: AwsClients,
  p: ResolvedBackups,
  r: BackedUpResource,
  ctx: CheckContext,
): Promise<Check[]> {
  const b = base(r, 'backup vault lock');
  return guard(b, `backup vault ${p.vaultName}`, async () => {
    const regions = [p.primaryRegion, p.recoveryRegion];
    const vaults = await Promise.all(
      regions.map((region) => describeVault(clients.forRegion(region).backup, readCall(ctx), p.vaultName)),
    );
    const lock = p.vaultLock;
    const range = (min?: number, max?: number) => `${min ?? 0}–${max === undefined ? '∞' : `${max}`}d`;
    const problems: string[] = [];
    vaults.forEach((v, i) => {
      const region = regions[i];
      const key = i === 0 ? p.kmsKeys.primary : p.kmsKeys.recovery;
      if (key && v.EncryptionKeyArn !== key)
        problems.push(
          `vault ${p.vaultName} in ${region} is encrypted with ${v.EncryptionKeyArn}, not ${key}`,
        );
      if (!lock) return;
      if (!v.Locked)
        problems.push(
          `vault ${p.vaultName} in ${region} has no Vault Lock (plan: ${lock.mode}, ${range(lock.minRetentionDays, lock.maxRetentionDays)})`,
        );
      else if (v.MinRetentionDays !== lock.minRetentionDays || v.MaxRetentionDays !== lock.maxRetentionDays)
        problems.push(
          `vault ${p.vaultName} in ${region} is locked at ${range(v.MinRetentionDays, v.MaxRetentionDays)}, plan ${range(lock.minRetentionDays, lock.maxRetentionDays)}`,
        );
    });
    const measured = vaults.every((v) => v.Locked)
      ? `locked ${range(vaults[0]?.MinRetentionDays, vaults[0]?.MaxRetentionDays)}`
      : vaults.some((v) => v.Locked)
        ? 'partly locked'
        : 'not locked';
    return {
      ...b,
      verdict: problems.length > 0 ? 'degraded' : 'ready',
      measured: text(measured),
      ...(lock ? { target: text(`locked ${range(lock.minRetentionDays, lock.maxRetentionDays)}`) } : {}),
      reason:
        problems.length > 0
          ? `${r.id}: ${problems.join('; ')}`
          : `${r.id}: vault ${p.vaultName} ${measured} in ${regions.join(' and ')}${lock ? '' : ' (the plan asks for no lock)'}`,
    };
  });
}

async function restoreTest(
  clients: AwsClients,
  p: ResolvedBackups,
  r: BackedUpResource,
  ctx: CheckContext,
  { drillInterval }: { drillInterval: number },
): Promise<Check[]> {
  const b = base(r, 'restore test');
  return guard(b, `restore tests of ${r.id}`, async () => {
    const name = restoreTestingPlanName(p.service);
    const found = await latestRestoreTest(
      clients.forRegion(p.recoveryRegion).backup,
      readCall(ctx),
      name,
      r.arns,
    );
    if (found.plan === undefined)
      return {
        ...b,
        verdict: 'degraded',
        measured: text('no plan'),
        reason: `${r.id}: no restore testing plan ${name} in ${p.recoveryRegion}`,
      };
    const job = found.job;
    if (!job?.CreationDate)
      return {
        ...b,
        verdict: 'degraded',
        measured: text('never ran'),
        reason: `${r.id}: restore testing plan ${name} has not restored it yet`,
      };
    const ago = formatDuration(Math.max(0, ctx.now - job.CreationDate.getTime()));
    const failed =
      job.Status === 'FAILED' ||
      job.Status === 'ABORTED' ||
      job.ValidationStatus === 'FAILED' ||
      job.ValidationStatus === 'TIMED_OUT';
    if (failed)
      return {
        ...b,
        verdict: 'not_ready',
        measured: text(
          `${job.ValidationStatus === 'FAILED' || job.ValidationStatus === 'TIMED_OUT' ? `validation ${job.ValidationStatus}` : job.Status} ${ago} ago`,
        ),
        reason: `${r.id}: restore test ${ago} ago ${job.Status}${job.ValidationStatus ? `, validation ${job.ValidationStatus}` : ''}: ${job.ValidationStatusMessage ?? job.StatusMessage ?? 'no status message'}`,
      };
    if (job.Status !== 'COMPLETED' || !job.CompletionDate)
      return {
        ...b,
        verdict: 'ready',
        measured: text(`${job.Status?.toLowerCase() ?? 'running'} since ${ago} ago`),
        reason: `${r.id}: restore test started ${ago} ago is ${job.Status}`,
      };
    const took = job.CompletionDate.getTime() - job.CreationDate.getTime();
    const stale = ctx.now - job.CreationDate.getTime() > drillInterval;
    // The restore time is evidence, not a target: a failover by replication does not restore from backup.
    return {
      ...b,
      verdict: stale ? 'degraded' : 'ready',
      // Result, age and measured restore time, shown on the /dr status row even when ready.
      measured: text(`${job.ValidationStatus ?? job.Status} ${ago} ago, restored in ${formatDuration(took)}`),
      source: 'api',
      reason: `${r.id}: restore test ${ago} ago ${job.ValidationStatus ?? job.Status}, restored in ${formatDuration(took)}${stale ? `; older than the drill interval ${formatDuration(drillInterval)}` : ''}`,
    };
  });
}
