import type { ResolvedBackups } from '../../plan/backups.js';

/** AWS Backup's shapes in the model: resource types, realistic durations, ARNs (FIDELITY.md, "AWS Backup"). */

const MINUTE = 60_000;

export type ResourceType = ResolvedBackups['resources'][number]['resourceType'];

/** Realistic durations (simulated ms) of a backup, a cross-Region copy and a restore, per resource type. */
export const BACKUP_DURATION: Readonly<Record<ResourceType, number>> = {
  Aurora: 25 * MINUTE,
  RDS: 20 * MINUTE,
  EC2: 12 * MINUTE,
  S3: 15 * MINUTE,
  DynamoDB: 8 * MINUTE,
};
export const COPY_DURATION: Readonly<Record<ResourceType, number>> = {
  Aurora: 30 * MINUTE,
  RDS: 25 * MINUTE,
  EC2: 20 * MINUTE,
  S3: 18 * MINUTE,
  DynamoDB: 10 * MINUTE,
};
export const RESTORE_DURATION: Readonly<Record<ResourceType, number>> = {
  Aurora: 38 * MINUTE,
  RDS: 27 * MINUTE,
  EC2: 7 * MINUTE,
  S3: 16 * MINUTE,
  DynamoDB: 11 * MINUTE,
};

/** Fully managed by AWS Backup: recovery points take the vault's key (Encryption for backups, dev guide). */
export const FULLY_MANAGED: ReadonlySet<ResourceType> = new Set(['S3', 'DynamoDB']);

export const DEFAULT_COPY_FAILURE =
  'Copy job failed because the destination backup vault key is not accessible: kms:CreateGrant denied';

export const DEFAULT_RESTORE_FAILURE =
  'Restore job failed: access denied when AWS Backup assumed the restore role to create the resource';

/** Recovery point ARNs as AWS Backup names them per resource type (ListRecoveryPointsByResource examples). */
export function recoveryPointArn(region: string, account: string, type: ResourceType, uuid: string): string {
  const short = uuid.replace(/-/g, '').slice(0, 24).toLowerCase();
  switch (type) {
    case 'RDS':
      return `arn:aws:rds:${region}:${account}:snapshot:awsbackup:job-${short}`;
    case 'Aurora':
      return `arn:aws:rds:${region}:${account}:cluster-snapshot:awsbackup:job-${short}`;
    case 'EC2':
      return `arn:aws:ec2:${region}::image/ami-${short.slice(0, 17)}`;
    default:
      return `arn:aws:backup:${region}:${account}:recovery-point:${uuid.toUpperCase()}`;
  }
}

/** The ARN of what a restore job creates, from its restore metadata where the type names the new resource. */
export function restoredArn(
  region: string,
  account: string,
  type: ResourceType,
  jobId: string,
  metadata: Readonly<Record<string, string>>,
): string {
  const suffix = jobId.replace(/-/g, '').slice(0, 12).toLowerCase();
  switch (type) {
    case 'DynamoDB':
      return `arn:aws:dynamodb:${region}:${account}:table/${metadata.targetTableName ?? `restored-${suffix}`}`;
    case 'RDS':
      return `arn:aws:rds:${region}:${account}:db:${metadata.DBInstanceIdentifier ?? `restored-${suffix}`}`;
    case 'Aurora':
      return `arn:aws:rds:${region}:${account}:cluster:${metadata.DBClusterIdentifier ?? `restored-${suffix}`}`;
    case 'S3':
      return `arn:aws:s3:::${metadata.DestinationBucketName ?? `restored-${suffix}`}`;
    case 'EC2':
      return `arn:aws:ec2:${region}:${account}:instance/i-${suffix.padEnd(17, '0')}`;
  }
}
