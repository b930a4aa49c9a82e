import type { DrillStepKind } from '../types.js';
import { restoreBackup } from './backup-restore.js';
import { launchEc2, readDynamoDb, readS3 } from './compute-data.js';
import { restoreAurora, restoreRds } from './databases.js';
import type { DrillStepExecutor } from './types.js';

export type { DrillStepExecutor, Progress, StepContext } from './types.js';

export type DrillExecutors = Readonly<Record<DrillStepKind, DrillStepExecutor>>;

/** The AWS-backed executor of each drill step kind. */
export const defaultDrillExecutors: DrillExecutors = {
  'restore-aurora': restoreAurora,
  'restore-rds': restoreRds,
  'launch-ec2': launchEc2,
  'read-s3': readS3,
  'read-dynamodb': readDynamoDb,
  'restore-backup': restoreBackup,
};
