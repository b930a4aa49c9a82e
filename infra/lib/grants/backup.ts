import { DRILL_PREFIX } from '../../../src/drills/types.js';
import { resolveAllBackups } from '../../../src/plan/backups.js';
import type { ParsedPlan } from '../../../src/plan/schema.js';
import type { PolicyStatementSpec } from '../policy-spec.js';

/**
 * What readiness and the digest read of AWS Backup (src/backup/read.ts): the plan's vaults by ARN
 * (DescribeBackupVault, ListRecoveryPointsByBackupVault take a backupVault resource), and the list calls the
 * Service Authorization Reference gives no resource type for, on "*" (read-only).
 */
export function backupReadStatements(plan: ParsedPlan, partition: string): PolicyStatementSpec[] {
  const resolved = resolveAllBackups(plan);
  if (resolved.length === 0) return [];
  const vaults = resolved.flatMap((p) =>
    [p.primaryRegion, p.recoveryRegion].map(
      (region) => `arn:${partition}:backup:${region}:${p.account}:backup-vault:${p.vaultName}`,
    ),
  );
  return [
    {
      sid: 'BackupVaultsRead',
      actions: ['backup:DescribeBackupVault', 'backup:ListRecoveryPointsByBackupVault'],
      resources: vaults,
    },
    {
      sid: 'BackupJobsRead',
      actions: [
        'backup:ListRecoveryPointsByResource',
        'backup:ListBackupJobs',
        'backup:ListCopyJobs',
        'backup:ListRestoreJobs',
        'backup:ListRestoreTestingPlans',
      ],
      resources: ['*'],
    },
  ];
}

/**
 * Drills that restore from AWS Backup (`backups.drillRestore`, src/drills/steps/backup-restore.ts): read the
 * recovery vault's copies and their restore metadata, start and follow restore jobs, pass the service's restore
 * role to AWS Backup only, and read and delete what the restores created, all named `lifeboat-drill-…`, in the
 * recovery Region. DescribeRestoreJob has no resource type in the Service Authorization Reference: "*".
 */
export function backupDrillRestoreStatements(plan: ParsedPlan, partition: string): PolicyStatementSpec[] {
  const drilled = resolveAllBackups(plan).filter((p) => p.drillRestore);
  if (drilled.length === 0) return [];
  const at = (p: { recoveryRegion: string; account: string }) => `${p.recoveryRegion}:${p.account}`;
  return [
    {
      sid: 'BackupDrillRestore',
      actions: ['backup:GetRecoveryPointRestoreMetadata', 'backup:StartRestoreJob'],
      resources: drilled.flatMap((p) => [
        `arn:${partition}:backup:${at(p)}:backup-vault:${p.vaultName}`,
        `arn:${partition}:backup:${at(p)}:recovery-point:*`,
        `arn:${partition}:rds:${at(p)}:snapshot:awsbackup:*`,
        `arn:${partition}:rds:${at(p)}:cluster-snapshot:awsbackup:*`,
      ]),
    },
    { sid: 'BackupDrillRestoreJobs', actions: ['backup:DescribeRestoreJob'], resources: ['*'] },
    {
      sid: 'BackupDrillPassRestoreRole',
      actions: ['iam:PassRole'],
      resources: drilled.map((p) => p.restoreRoleArn.replace(/^arn:aws:/, `arn:${partition}:`)),
      conditions: { StringEquals: { 'iam:PassedToService': ['backup.amazonaws.com'] } },
    },
    {
      sid: 'BackupDrillRestoredTables',
      actions: ['dynamodb:DescribeTable', 'dynamodb:DeleteTable'],
      resources: drilled.map((p) => `arn:${partition}:dynamodb:${at(p)}:table/${DRILL_PREFIX}*`),
    },
    {
      sid: 'BackupDrillRestoredBuckets',
      actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:DeleteBucket'],
      resources: [`arn:${partition}:s3:::${DRILL_PREFIX}*`],
    },
    {
      sid: 'BackupDrillRestoredObjects',
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: [`arn:${partition}:s3:::${DRILL_PREFIX}*/*`],
    },
    {
      sid: 'BackupDrillRestoredDatabases',
      actions: [
        'rds:DescribeDBInstances',
        'rds:DescribeDBClusters',
        'rds:DeleteDBInstance',
        'rds:DeleteDBCluster',
      ],
      resources: drilled.flatMap((p) => [
        `arn:${partition}:rds:${at(p)}:db:${DRILL_PREFIX}*`,
        `arn:${partition}:rds:${at(p)}:cluster:${DRILL_PREFIX}*`,
      ]),
    },
  ];
}
