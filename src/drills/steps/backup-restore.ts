import type { RecoveryPointByBackupVault } from '@aws-sdk/client-backup';
import { sdk } from '../../adapters/aws/sdk.js';
import type { BackedUpResource, ResolvedBackups } from '../../plan/backups.js';
import { restoredChecks } from './backup-restored.js';
import type { DrillStepExecutor, Progress, StepContext } from './types.js';

/**
 * A drill's restore from AWS Backup: the newest COMPLETED copy of the resource in the recovery Region's vault
 * (ListRecoveryPointsByBackupVault), restored by one StartRestoreJob (idempotency token = drill and step, so
 * retries, crashes and other replicas make at most one job) with the metadata its type needs
 * (GetRecoveryPointRestoreMetadata, then the drill's name and isolation settings) and the service's restore
 * role; then DescribeRestoreJob until COMPLETED (FAILED/ABORTED fail the step with AWS's StatusMessage), and
 * the restored resource read through its own service (backup-restored.ts). Cleanup deletes it by name.
 */

type Covered = { readonly backups: ResolvedBackups; readonly covered: BackedUpResource };

function coveredOf(ctx: StepContext): Covered | { readonly error: string } {
  const backups = ctx.backups;
  const covered = backups?.resources.find((r) => r.id === ctx.step.resourceId);
  if (!backups || !covered)
    return { error: `${ctx.step.resourceId} is not covered by the service's AWS Backup section any more` };
  return { backups, covered };
}

/** The token of the step's one restore job: the same drill and step always name the same job. */
export const restoreToken = (drillId: string, stepId: string) => `lifeboat-drill-${drillId}-${stepId}`;

const TERMINAL_FAILURE = new Set(['FAILED', 'ABORTED']);

async function newestCopy(ctx: StepContext, c: Covered): Promise<RecoveryPointByBackupVault | undefined> {
  const found: RecoveryPointByBackupVault[] = [];
  let token: string | undefined;
  do {
    const out = await ctx.clients.backup.send(
      new (sdk.backup().ListRecoveryPointsByBackupVaultCommand)({
        BackupVaultName: c.backups.vaultName,
        ByResourceArn: c.covered.arns[0],
        ...(token ? { NextToken: token } : {}),
      }),
      { abortSignal: ctx.signal() },
    );
    found.push(...(out.RecoveryPoints ?? []));
    token = out.NextToken;
  } while (token);
  return found
    .filter((rp) => rp.Status === 'COMPLETED' && rp.CreationDate)
    .sort((a, b) => (b.CreationDate?.getTime() ?? 0) - (a.CreationDate?.getTime() ?? 0))[0];
}

/** The metadata of the restore: what the recovery point was backed up with, renamed and isolated for the drill. */
function restoreMetadata(
  ctx: StepContext,
  type: BackedUpResource['resourceType'],
  base: Readonly<Record<string, string>>,
  name: string,
): Record<string, string> {
  const s = ctx.settings;
  switch (type) {
    case 'DynamoDB':
      return { ...base, targetTableName: name };
    case 'S3':
      return { ...base, DestinationBucketName: name, NewBucket: 'true' };
    case 'RDS':
      return {
        ...base,
        DBInstanceIdentifier: name,
        ...(s.dbSubnetGroupName ? { DBSubnetGroupName: s.dbSubnetGroupName } : {}),
        ...(s.vpcSecurityGroupIds ? { VpcSecurityGroupIds: JSON.stringify(s.vpcSecurityGroupIds) } : {}),
        ...(s.dbInstanceClass ? { DBInstanceClass: s.dbInstanceClass } : {}),
        MultiAZ: 'false',
        PubliclyAccessible: 'false',
      };
    case 'Aurora':
      return {
        ...base,
        DBClusterIdentifier: name,
        ...(s.dbSubnetGroupName ? { DBSubnetGroupName: s.dbSubnetGroupName } : {}),
        ...(s.vpcSecurityGroupIds ? { VpcSecurityGroupIds: JSON.stringify(s.vpcSecurityGroupIds) } : {}),
      };
    case 'EC2':
      return { ...base };
  }
}

export const restoreBackup: DrillStepExecutor = {
  describe: (ctx) =>
    `Restore the newest AWS Backup copy of ${ctx.step.resourceId} in ${ctx.step.region} into ${ctx.step.names[0]}`,
  async advance(ctx): Promise<Progress> {
    const c = coveredOf(ctx);
    if ('error' in c) return { state: 'failed', error: c.error };
    const { backups, covered } = c;
    if (backups.copy.account !== backups.account)
      return {
        state: 'failed',
        error: `the copies of ${covered.id} go to account ${backups.copy.account}: Lifeboat restores only from its own account's vault`,
      };
    const [name = ''] = ctx.step.names;
    const source = ctx.step.source;
    if (!source) {
      const rp = await newestCopy(ctx, c);
      if (!rp?.RecoveryPointArn)
        return {
          state: 'failed',
          error: `no completed AWS Backup copy of ${covered.id} in vault ${backups.vaultName} in ${ctx.step.region}`,
        };
      const at = rp.CreationDate?.getTime();
      return {
        state: 'working',
        source: rp.RecoveryPointArn,
        ...(at !== undefined ? { dataAtMs: at } : {}),
        detail: `from recovery point ${rp.RecoveryPointArn} (${covered.resourceType}, backed up ${rp.CreationDate?.toISOString() ?? 'at an unknown time'})`,
      };
    }
    const [jobId] = ctx.step.created ?? [];
    if (!jobId) {
      const meta = await ctx.clients.backup.send(
        new (sdk.backup().GetRecoveryPointRestoreMetadataCommand)({
          BackupVaultName: backups.vaultName,
          RecoveryPointArn: source,
        }),
        { abortSignal: ctx.signal() },
      );
      const out = await ctx.clients.backup.send(
        new (sdk.backup().StartRestoreJobCommand)({
          RecoveryPointArn: source,
          ResourceType: covered.resourceType,
          IamRoleArn: backups.restoreRoleArn,
          IdempotencyToken: restoreToken(ctx.drillId, ctx.step.id),
          Metadata: restoreMetadata(ctx, covered.resourceType, meta.RestoreMetadata ?? {}, name),
        }),
        { abortSignal: ctx.signal() },
      );
      if (!out.RestoreJobId) return { state: 'working', error: 'StartRestoreJob answered no RestoreJobId' };
      return { state: 'working', created: [out.RestoreJobId] };
    }
    const job = await ctx.clients.backup.send(
      new (sdk.backup().DescribeRestoreJobCommand)({ RestoreJobId: jobId }),
      {
        abortSignal: ctx.signal(),
      },
    );
    const status = job.Status ?? 'PENDING';
    if (TERMINAL_FAILURE.has(status))
      return {
        state: 'failed',
        error: `AWS Backup restore job ${jobId} ${status}: ${job.StatusMessage ?? 'AWS gave no reason'}`,
      };
    if (status !== 'COMPLETED') return { state: 'working', detail: `restore job ${jobId} ${status}` };
    const seen = await restoredChecks[covered.resourceType].look(ctx, name);
    if (!seen.ready)
      return {
        state: 'working',
        detail: `restore job ${jobId} COMPLETED (${job.CreatedResourceArn ?? 'no resource ARN'}); ${seen.detail}`,
      };
    return {
      state: 'ready',
      detail: `restore job ${jobId} COMPLETED: ${seen.detail}`,
      created: [jobId, ...(job.CreatedResourceArn ? [job.CreatedResourceArn] : [])],
    };
  },
  async cleanup(ctx) {
    const c = coveredOf(ctx);
    const [jobId] = ctx.step.created ?? [];
    if (jobId) {
      // A job still running would create its resource after the delete: wait for it to end first.
      const job = await ctx.clients.backup.send(
        new (sdk.backup().DescribeRestoreJobCommand)({ RestoreJobId: jobId }),
        {
          abortSignal: ctx.signal(),
        },
      );
      if (job.Status === 'PENDING' || job.Status === 'RUNNING')
        return { gone: false, detail: `waiting for restore job ${jobId} (${job.Status}) to end` };
    }
    if ('error' in c) return { gone: true, detail: c.error };
    const [name = ''] = ctx.step.names;
    return restoredChecks[c.covered.resourceType].remove(ctx, name);
  },
};
