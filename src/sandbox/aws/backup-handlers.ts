import type {
  DescribeBackupVaultCommandInput,
  DescribeBackupVaultCommandOutput,
  DescribeRestoreJobCommandInput,
  DescribeRestoreJobCommandOutput,
  ListBackupJobsCommandInput,
  ListBackupJobsCommandOutput,
  ListCopyJobsCommandInput,
  ListCopyJobsCommandOutput,
  ListRecoveryPointsByBackupVaultCommandInput,
  ListRecoveryPointsByBackupVaultCommandOutput,
  ListRecoveryPointsByResourceCommandInput,
  ListRecoveryPointsByResourceCommandOutput,
  ListRestoreJobsCommandInput,
  ListRestoreJobsCommandOutput,
  ListRestoreTestingPlansCommandInput,
  ListRestoreTestingPlansCommandOutput,
  RestoreJobsListMember,
} from '@aws-sdk/client-backup';
import type { BackupModel, RestoreJob } from './backup.js';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import type { World } from './world.js';

/** AWS Backup's API over the model (FIDELITY.md, "AWS Backup"). Lists are in creation order, unsorted. */

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

function page<T>(items: readonly T[], maxResults: number | undefined, token: string | undefined) {
  const offset = Number(token ?? 0);
  const slice = items.slice(offset, offset + (maxResults ?? 1000));
  const next = offset + slice.length < items.length ? String(offset + slice.length) : undefined;
  return { slice, ...(next ? { NextToken: next } : {}) };
}

const inRange = (t: number, after?: Date, before?: Date) =>
  (!after || t >= after.getTime()) && (!before || t <= before.getTime());

const notFound = (message: string) => awsError('backup', 'ResourceNotFoundException', message, 400);

export function restoreShape(world: World, job: RestoreJob): RestoreJobsListMember {
  return {
    AccountId: world.account,
    RestoreJobId: job.id,
    RecoveryPointArn: job.recoveryPointArn,
    SourceResourceArn: job.sourceResourceArn,
    BackupVaultArn: job.vaultArn,
    CreationDate: new Date(job.createdAt),
    ...(job.completedAt !== undefined ? { CompletionDate: new Date(job.completedAt) } : {}),
    Status: job.status,
    ...(job.statusMessage ? { StatusMessage: job.statusMessage } : {}),
    ...(job.createdResourceArn ? { CreatedResourceArn: job.createdResourceArn } : {}),
    ResourceType: job.resourceType,
    RecoveryPointCreationDate: new Date(job.recoveryPointCreatedAt),
    ...(job.testingPlanArn ? { CreatedBy: { RestoreTestingPlanArn: job.testingPlanArn } } : {}),
    ...(job.validation ? { ValidationStatus: job.validation } : {}),
  };
}

export function registerBackup(registry: Registry, model: BackupModel): void {
  registry
    .on<ListRecoveryPointsByResourceCommandInput, ListRecoveryPointsByResourceCommandOutput>(
      'backup:ListRecoveryPointsByResource',
      (input, { region }) => {
        if (!input.ResourceArn)
          throw awsError('backup', 'MissingParameterValueException', 'ResourceArn', 400);
        // Stricter than the docs say: the Region's own backups only, never the copies other Regions sent here.
        const found = model.recoveryPoints.filter(
          (rp) => rp.region === region && rp.resourceArn === input.ResourceArn && !rp.sourceVaultArn,
        );
        const { slice, ...next } = page(found, input.MaxResults, input.NextToken);
        return {
          RecoveryPoints: slice.map((rp) => ({
            RecoveryPointArn: rp.arn,
            CreationDate: new Date(rp.createdAt),
            Status: rp.status,
            EncryptionKeyArn: rp.keyArn,
            BackupVaultName: rp.vaultName,
          })),
          ...next,
        };
      },
    )
    .on<ListRecoveryPointsByBackupVaultCommandInput, ListRecoveryPointsByBackupVaultCommandOutput>(
      'backup:ListRecoveryPointsByBackupVault',
      (input, { region }) => {
        const vault = model.vault(region, input.BackupVaultName ?? '');
        if (!vault) throw notFound(`Backup vault ${input.BackupVaultName} does not exist in ${region}`);
        const found = model.recoveryPoints.filter(
          (rp) =>
            rp.region === region &&
            rp.account === undefined &&
            rp.vaultName === vault.name &&
            (!input.ByResourceArn || rp.resourceArn === input.ByResourceArn) &&
            (!input.ByResourceType || rp.resourceType === input.ByResourceType) &&
            inRange(rp.createdAt, input.ByCreatedAfter, input.ByCreatedBefore),
        );
        const { slice, ...next } = page(found, input.MaxResults, input.NextToken);
        return {
          RecoveryPoints: slice.map((rp) => ({
            RecoveryPointArn: rp.arn,
            BackupVaultName: rp.vaultName,
            BackupVaultArn: vault.arn,
            ...(rp.sourceVaultArn ? { SourceBackupVaultArn: rp.sourceVaultArn } : {}),
            ResourceArn: rp.resourceArn,
            ResourceType: rp.resourceType,
            Status: rp.status,
            CreationDate: new Date(rp.createdAt),
            CompletionDate: date(rp.completedAt),
            EncryptionKeyArn: rp.keyArn,
            IsEncrypted: true,
            Lifecycle: { DeleteAfterDays: rp.deleteAfterDays },
          })),
          ...next,
        };
      },
    )
    .on<DescribeBackupVaultCommandInput, DescribeBackupVaultCommandOutput>(
      'backup:DescribeBackupVault',
      (input, { region }) => {
        const vault = model.vault(region, input.BackupVaultName ?? '');
        if (!vault) throw notFound(`Backup vault ${input.BackupVaultName} does not exist in ${region}`);
        const lock = vault.lock;
        return {
          BackupVaultName: vault.name,
          BackupVaultArn: vault.arn,
          VaultType: 'BACKUP_VAULT',
          EncryptionKeyArn: vault.keyArn,
          CreationDate: new Date(vault.createdAt),
          NumberOfRecoveryPoints: model.recoveryPoints.filter(
            (rp) => rp.region === region && rp.account === undefined && rp.vaultName === vault.name,
          ).length,
          Locked: lock !== undefined,
          ...(lock?.minRetentionDays !== undefined ? { MinRetentionDays: lock.minRetentionDays } : {}),
          ...(lock?.maxRetentionDays !== undefined ? { MaxRetentionDays: lock.maxRetentionDays } : {}),
          ...(lock?.lockDate !== undefined ? { LockDate: new Date(lock.lockDate) } : {}),
        };
      },
    )
    .on<ListBackupJobsCommandInput, ListBackupJobsCommandOutput>(
      'backup:ListBackupJobs',
      (input, { region }) => {
        const found = model.backupJobs.filter(
          (j) =>
            j.region === region &&
            (!input.ByResourceArn || j.resourceArn === input.ByResourceArn) &&
            (!input.ByState || j.state === input.ByState) &&
            (!input.ByBackupVaultName || j.vaultName === input.ByBackupVaultName) &&
            inRange(j.createdAt, input.ByCreatedAfter, input.ByCreatedBefore),
        );
        const { slice, ...next } = page(found, input.MaxResults, input.NextToken);
        return {
          BackupJobs: slice.map((j) => ({
            BackupJobId: j.id,
            BackupVaultName: j.vaultName,
            BackupVaultArn: model.vaultArn(j.region, j.vaultName),
            ...(j.recoveryPointArn ? { RecoveryPointArn: j.recoveryPointArn } : {}),
            ResourceArn: j.resourceArn,
            ResourceType: j.resourceType,
            CreationDate: new Date(j.createdAt),
            CompletionDate: date(j.completedAt),
            State: j.state,
            ...(j.statusMessage ? { StatusMessage: j.statusMessage } : {}),
          })),
          ...next,
        };
      },
    )
    .on<ListCopyJobsCommandInput, ListCopyJobsCommandOutput>('backup:ListCopyJobs', (input, { region }) => {
      const found = model.copyJobs.filter(
        (j) =>
          j.region === region &&
          (!input.ByResourceArn || j.resourceArn === input.ByResourceArn) &&
          (!input.ByState || j.state === input.ByState) &&
          (!input.ByDestinationVaultArn || j.destinationVaultArn === input.ByDestinationVaultArn) &&
          inRange(j.createdAt, input.ByCreatedAfter, input.ByCreatedBefore),
      );
      const { slice, ...next } = page(found, input.MaxResults, input.NextToken);
      return {
        CopyJobs: slice.map((j) => ({
          CopyJobId: j.id,
          SourceBackupVaultArn: j.sourceVaultArn,
          SourceRecoveryPointArn: j.sourceRecoveryPointArn,
          DestinationBackupVaultArn: j.destinationVaultArn,
          ...(j.destinationRecoveryPointArn
            ? { DestinationRecoveryPointArn: j.destinationRecoveryPointArn }
            : {}),
          ResourceArn: j.resourceArn,
          ResourceType: j.resourceType,
          CreationDate: new Date(j.createdAt),
          CompletionDate: date(j.completedAt),
          State: j.state,
          ...(j.statusMessage ? { StatusMessage: j.statusMessage } : {}),
        })),
        ...next,
      };
    })
    .on<DescribeRestoreJobCommandInput, DescribeRestoreJobCommandOutput>(
      'backup:DescribeRestoreJob',
      (input, { world, region }) => {
        const job = model.restoreJobs.find((j) => j.id === input.RestoreJobId && j.region === region);
        if (!job) throw notFound(`Restore job ${input.RestoreJobId} not found in ${region}`);
        return restoreShape(world, job);
      },
    )
    .on<ListRestoreJobsCommandInput, ListRestoreJobsCommandOutput>(
      'backup:ListRestoreJobs',
      (input, { world, region }) => {
        const found = model.restoreJobs.filter(
          (j) =>
            j.region === region &&
            (!input.ByStatus || j.status === input.ByStatus) &&
            (!input.ByResourceType || j.resourceType === input.ByResourceType) &&
            (!input.ByRestoreTestingPlanArn || j.testingPlanArn === input.ByRestoreTestingPlanArn) &&
            inRange(j.createdAt, input.ByCreatedAfter, input.ByCreatedBefore),
        );
        const { slice, ...next } = page(found, input.MaxResults, input.NextToken);
        return { RestoreJobs: slice.map((j) => restoreShape(world, j)), ...next };
      },
    )
    .on<ListRestoreTestingPlansCommandInput, ListRestoreTestingPlansCommandOutput>(
      'backup:ListRestoreTestingPlans',
      (input, { region }) => {
        const { slice, ...next } = page(
          model.testingPlans.filter((p) => p.region === region),
          input.MaxResults,
          input.NextToken,
        );
        return {
          RestoreTestingPlans: slice.map((p) => ({
            RestoreTestingPlanName: p.name,
            RestoreTestingPlanArn: p.arn,
            ScheduleExpression: p.scheduleExpression,
            CreationTime: new Date(p.createdAt),
          })),
          ...next,
        };
      },
    );
}
