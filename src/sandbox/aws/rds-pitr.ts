import type {
  RestoreDBInstanceToPointInTimeCommandInput,
  RestoreDBInstanceToPointInTimeCommandOutput,
} from '@aws-sdk/client-rds';
import { DURATIONS } from './durations.js';
import { rdsFault as fault } from './rds-common.js';
import { finishCreating, newInstance } from './rds-ops.js';
import { automatedBackupShape, automatedBackupsIn, instanceShape } from './rds-shapes.js';
import type { Registry } from './registry.js';
import type { World } from './world.js';

/**
 * RestoreDBInstanceToPointInTime (API reference): the source is the instance's automated backups, named by
 * SourceDBInstanceIdentifier, SourceDbiResourceId or, for backups replicated to this Region,
 * SourceDBInstanceAutomatedBackupsArn; RestoreTime and UseLatestRestorableTime exclude each other, and a
 * RestoreTime outside the restore window is refused (InvalidRestoreFault).
 */
export function registerRdsPitr(registry: Registry): void {
  registry.on<RestoreDBInstanceToPointInTimeCommandInput, RestoreDBInstanceToPointInTimeCommandOutput>(
    'rds:RestoreDBInstanceToPointInTime',
    (input, { world, region }) => {
      if (input.RestoreTime && input.UseLatestRestorableTime)
        throw fault(
          'InvalidParameterCombination',
          'Cannot specify both RestoreTime and UseLatestRestorableTime.',
        );
      const backup = findBackup(world, region, input);
      const shape = automatedBackupShape(world, backup);
      const window = shape.RestoreWindow;
      const at = input.RestoreTime?.getTime();
      if (
        at !== undefined &&
        (at < (window?.EarliestTime?.getTime() ?? 0) || at > (window?.LatestTime?.getTime() ?? 0))
      )
        throw fault(
          'InvalidRestoreFault',
          `Restore time ${input.RestoreTime?.toISOString()} is outside the restore window of ${backup.instanceId}.`,
        );
      const instance = newInstance(world, region, input.TargetDBInstanceIdentifier ?? '', {
        engine: backup.engine,
        instanceClass: input.DBInstanceClass ?? 'db.m6g.large',
        multiAZ: input.MultiAZ ?? false,
        storageEncrypted: backup.encrypted,
      });
      finishCreating(world, instance, DURATIONS.restoreInstance);
      return { DBInstance: instanceShape(world, instance) };
    },
  );
}

function findBackup(w: World, region: string, input: RestoreDBInstanceToPointInTimeCommandInput) {
  const arn = input.SourceDBInstanceAutomatedBackupsArn;
  const found = automatedBackupsIn(w, region).find((b) =>
    arn
      ? automatedBackupShape(w, b).DBInstanceAutomatedBackupsArn === arn
      : input.SourceDbiResourceId
        ? b.resourceId === input.SourceDbiResourceId
        : b.instanceId === input.SourceDBInstanceIdentifier && b.sourceRegion === region,
  );
  if (!found)
    throw fault(
      'DBInstanceAutomatedBackupNotFoundFault',
      `No automated backup found for ${arn ?? input.SourceDbiResourceId ?? input.SourceDBInstanceIdentifier ?? ''} in ${region}.`,
    );
  return found;
}
