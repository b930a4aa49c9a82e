import type {
  GetRecoveryPointRestoreMetadataCommandInput,
  GetRecoveryPointRestoreMetadataCommandOutput,
  StartRestoreJobCommandInput,
  StartRestoreJobCommandOutput,
} from '@aws-sdk/client-backup';
import { type BackupModel, RESTORE_DURATION } from './backup.js';
import {
  checkRestoreMetadata,
  materializeRestore,
  restorableRecoveryPoint,
  restoreMetadataOf,
} from './backup-restore.js';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import { emitChange } from './world.js';

/**
 * AWS Backup's restore calls over the model (FIDELITY.md, "AWS Backup"): GetRecoveryPointRestoreMetadata and
 * StartRestoreJob. A job is PENDING, RUNNING after a minute, then after a realistic duration per type either
 * COMPLETED with the new resource created in its service (backup-restore.ts) or FAILED with a StatusMessage.
 */
export function registerBackupRestore(registry: Registry, model: BackupModel): void {
  registry
    .on<GetRecoveryPointRestoreMetadataCommandInput, GetRecoveryPointRestoreMetadataCommandOutput>(
      'backup:GetRecoveryPointRestoreMetadata',
      (input, { world, region }) => {
        const vault = model.vault(region, input.BackupVaultName ?? '');
        if (!vault)
          throw awsError(
            'backup',
            'ResourceNotFoundException',
            `Backup vault ${input.BackupVaultName} does not exist in ${region}`,
          );
        const rp = model.recoveryPoints.find(
          (p) =>
            p.arn === input.RecoveryPointArn &&
            p.region === region &&
            p.account === undefined &&
            p.vaultName === vault.name,
        );
        if (!rp)
          throw awsError(
            'backup',
            'ResourceNotFoundException',
            `Recovery point ${input.RecoveryPointArn} not found in ${vault.name}`,
          );
        return {
          BackupVaultArn: vault.arn,
          RecoveryPointArn: rp.arn,
          ResourceType: rp.resourceType,
          RestoreMetadata: restoreMetadataOf(world, rp),
        };
      },
    )
    .on<StartRestoreJobCommandInput, StartRestoreJobCommandOutput>(
      'backup:StartRestoreJob',
      (input, { world, region }) => {
        if (!input.Metadata || Object.keys(input.Metadata).length === 0)
          throw awsError('backup', 'MissingParameterValueException', 'Metadata is required', 400);
        // The API reference lists IamRoleArn as optional; every restore needs a role AWS Backup can assume to
        // create the resource, so the model refuses a call without one (stricter than AWS).
        if (!input.IamRoleArn)
          throw awsError('backup', 'MissingParameterValueException', 'IamRoleArn is required', 400);
        const token = input.IdempotencyToken;
        const again = token
          ? model.restoreJobs.find((j) => j.token === token && j.region === region)
          : undefined;
        if (again) {
          if (again.recoveryPointArn !== input.RecoveryPointArn)
            throw awsError(
              'backup',
              'InvalidRequestException',
              'IdempotencyToken reused with other parameters',
            );
          return { RestoreJobId: again.id };
        }
        const rp = restorableRecoveryPoint(model.recoveryPoints, input.RecoveryPointArn, region);
        if (input.ResourceType && input.ResourceType !== rp.resourceType)
          throw awsError(
            'backup',
            'InvalidParameterValueException',
            `ResourceType ${input.ResourceType} does not match the recovery point's ${rp.resourceType}`,
          );
        checkRestoreMetadata(rp.resourceType, input.Metadata);
        const now = world.time.now();
        const job = model.addRestoreJob({
          region,
          rp,
          at: now,
          metadata: input.Metadata,
          ...(token ? { token } : {}),
        });
        const owner = model.owner(rp.resourceArn)?.id;
        const failure =
          (owner !== undefined ? model.restoreFailures.get(owner) : undefined) ??
          model.restoreFailures.get('*');
        world.scheduler.at(now + world.time.toClock(60_000), () => {
          if (job.status === 'PENDING') job.status = 'RUNNING';
        });
        world.scheduler.at(now + world.time.toClock(RESTORE_DURATION[rp.resourceType]), (end) => {
          job.completedAt = end;
          const made = failure === undefined ? materializeRestore(world, job) : { failure };
          if ('arn' in made) {
            job.status = 'COMPLETED';
            job.createdResourceArn = made.arn;
          } else {
            job.status = 'FAILED';
            job.statusMessage = made.failure;
          }
          emitChange(world, 'restore-job', job.id, {
            status: job.status,
            ...(job.createdResourceArn ? { created: job.createdResourceArn } : {}),
            ...(job.statusMessage ? { message: job.statusMessage } : {}),
          });
        });
        return { RestoreJobId: job.id };
      },
    );
}
