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
