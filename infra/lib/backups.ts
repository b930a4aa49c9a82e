import { type App, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import {
  type ResolvedBackups,
  resolveAllBackups,
  restoreRoleName,
  restoreTestingCron,
  restoreTestingPlanName,
} from '../../src/plan/backups.js';

export { restoreTestingCron };

import type { ParsedPlan } from '../../src/plan/schema.js';
import { acknowledge } from './nag.js';
import { pascal } from './policy-spec.js';

/**
 * AWS Backup from the plan's backups sections (docs/backups.md): one stack per Region the sections name. In
 * each, a vault per service encrypted with the plan's customer-managed key (or a key the stack creates) and
 * its Vault Lock; in the primary Region the backup plan (schedule, start window, lifecycle, copy action to the
 * recovery-Region vault) with a selection of the plan's resource ARNs and the AWS Backup service role; in the
 * recovery Region the restore testing plan and selections where the plan asks for them.
 */

export interface BackupStacksProps {
  readonly plan: ParsedPlan;
  /** Stack name prefix, e.g. the bot stack's name. */
  readonly prefix: string;
  readonly env?: StackProps['env'];
}

/** AWS Backup stacks, recovery Regions first (a copy action's destination vault must exist before copies). */
export function addBackupStacks(app: App, props: BackupStacksProps): BackupRegionStack[] {
  const resolved = resolveAllBackups(props.plan);
  if (resolved.length === 0) return [];
  const recovery = new Set(resolved.map((p) => p.recoveryRegion));
  const regions = [...new Set(resolved.flatMap((p) => [p.recoveryRegion, p.primaryRegion]))].sort(
    (a, b) => Number(recovery.has(b)) - Number(recovery.has(a)),
  );
  const stacks = new Map<string, BackupRegionStack>();
  for (const region of regions) {
    const stack = new BackupRegionStack(app, `${props.prefix}-backups-${region}`, {
      env: { account: props.env?.account ?? resolved[0]?.account, region },
      region,
      backups: resolved,
      drillInterval: (name) => props.plan.services[name]?.drillInterval ?? props.plan.defaults.drillInterval,
    });
    stacks.set(region, stack);
  }
  for (const p of resolved) {
    const from = stacks.get(p.primaryRegion);
    const to = stacks.get(p.recoveryRegion);
    if (from && to && from !== to) from.addDependency(to, 'the copy action needs the recovery-Region vault');
  }
  return [...stacks.values()];
}

interface BackupRegionProps extends StackProps {
  readonly region: string;
  readonly backups: readonly ResolvedBackups[];
  readonly drillInterval: (service: string) => number;
}

export class BackupRegionStack extends Stack {
  constructor(scope: Construct, id: string, props: BackupRegionProps) {
    super(scope, id, {
      ...props,
      description: `Lifeboat: AWS Backup vaults, plans and restore tests from the DR plan (${props.region})`,
    });
    Tags.of(this).add('lifeboat:component', 'backups');
    const region = props.region;
    for (const p of props.backups) {
      const which =
        p.primaryRegion === region ? 'primary' : p.recoveryRegion === region ? 'recovery' : undefined;
      if (!which) continue;
      const name = pascal(p.service);
      const vault = this.vault(p, which, name);
      if (which === 'primary') this.plan(p, vault, name);
      // The restore role (named: drills pass it to StartRestoreJob, src/drills/steps/backup-restore.ts).
      const restoreRole =
        which === 'recovery' && (p.restoreTesting || p.drillRestore)
          ? this.serviceRole(
              `${name}RestoreRole`,
              'restore',
              new Set(p.resources.map((r) => r.resourceType)),
              restoreRoleName(p.service),
            )
          : undefined;
      if (restoreRole && p.restoreTesting)
        this.restoreTesting(p, vault, name, props.drillInterval(p.service), restoreRole);
    }
  }

  private vault(p: ResolvedBackups, which: 'primary' | 'recovery', name: string): backup.CfnBackupVault {
    let keyArn = p.kmsKeys[which];
    if (!keyArn) {
      const key = new kms.Key(this, `${name}VaultKey`, {
        description: `Lifeboat: AWS Backup vault ${p.vaultName} (${p.service})`,
        enableKeyRotation: true,
        alias: `alias/lifeboat-backup-${p.service}`,
      });
      keyArn = key.keyArn;
    }
    const lock = p.vaultLock;
    return new backup.CfnBackupVault(this, `${name}Vault`, {
      backupVaultName: p.vaultName,
      encryptionKeyArn: keyArn,
      ...(lock
        ? {
            lockConfiguration: {
              minRetentionDays: lock.minRetentionDays,
              ...(lock.maxRetentionDays !== undefined ? { maxRetentionDays: lock.maxRetentionDays } : {}),
              ...(lock.changeableForDays !== undefined ? { changeableForDays: lock.changeableForDays } : {}),
            },
          }
        : {}),
    });
  }

  /** The AWS Backup service role, with AWS's service-role policies for the backups and restores it runs. */
  private serviceRole(
    id: string,
    kind: 'backup' | 'restore',
    types: ReadonlySet<string>,
    roleName?: string,
  ): iam.Role {
    const managed =
      kind === 'backup'
        ? [
            'AWSBackupServiceRolePolicyForBackup',
            ...(types.has('S3') ? ['AWSBackupServiceRolePolicyForS3Backup'] : []),
          ]
        : [
            'AWSBackupServiceRolePolicyForRestores',
            ...(types.has('S3') ? ['AWSBackupServiceRolePolicyForS3Restore'] : []),
          ];
    const role = new iam.Role(this, id, {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      ...(roleName ? { roleName } : {}),
      description: `Lifeboat: AWS Backup ${kind}s of the DR plan's resources`,
      managedPolicies: managed.map((m) => iam.ManagedPolicy.fromAwsManagedPolicyName(`service-role/${m}`)),
    });
    for (const m of managed)
      acknowledge(
        role,
        `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${m}]`,
        "AWS Backup's own service-role policy (AWS Backup developer guide, default service role): it grants the backup and restore calls per resource type and AWS maintains it as those types change",
      );
    return role;
  }

  private plan(p: ResolvedBackups, vault: backup.CfnBackupVault, name: string): void {
    const role = this.serviceRole(
      `${name}BackupRole`,
      'backup',
      new Set(p.resources.map((r) => r.resourceType)),
    );
    const destination = `arn:${this.partition}:backup:${p.recoveryRegion}:${p.copy.account}:backup-vault:${p.vaultName}`;
    const plan = new backup.CfnBackupPlan(this, `${name}BackupPlan`, {
      backupPlan: {
        backupPlanName: `lifeboat-${p.service}`,
        backupPlanRule: [
          {
            ruleName: 'lifeboat-daily',
            targetBackupVault: vault.ref,
            scheduleExpression: p.scheduleExpression,
            scheduleExpressionTimezone: p.timezone,
            startWindowMinutes: p.startWindowMinutes,
            lifecycle: { deleteAfterDays: p.retentionDays },
            copyActions: [
              {
                destinationBackupVaultArn: destination,
                lifecycle: { deleteAfterDays: p.copy.retentionDays },
              },
            ],
          },
        ],
      },
    });
    plan.addDependency(vault);
    new backup.CfnBackupSelection(this, `${name}Selection`, {
      backupPlanId: plan.attrBackupPlanId,
      backupSelection: {
        selectionName: `lifeboat-${p.service}`,
        iamRoleArn: role.roleArn,
        resources: p.resources.flatMap((r) => r.arns),
      },
    });
  }

  private restoreTesting(
    p: ResolvedBackups,
    vault: backup.CfnBackupVault,
    name: string,
    interval: number,
    role: iam.Role,
  ): void {
    const planName = restoreTestingPlanName(p.service);
    const types = new Set(p.resources.map((r) => r.resourceType));
    const plan = new backup.CfnRestoreTestingPlan(this, `${name}RestoreTestingPlan`, {
      restoreTestingPlanName: planName,
      scheduleExpression: restoreTestingCron(interval),
      scheduleExpressionTimezone: p.timezone,
      startWindowHours: 24,
      recoveryPointSelection: {
        algorithm: 'LATEST_WITHIN_WINDOW',
        includeVaults: [vault.attrBackupVaultArn],
        recoveryPointTypes: ['SNAPSHOT'],
        selectionWindowDays: Math.min(365, Math.max(1, Math.round(Duration.millis(interval).toDays()))),
      },
    });
    for (const type of types) {
      const selection = new backup.CfnRestoreTestingSelection(this, `${name}RestoreTest${type}`, {
        restoreTestingPlanName: planName,
        restoreTestingSelectionName: `lifeboat_${p.service.replace(/-/g, '_')}_${type.toLowerCase()}`,
        protectedResourceType: type,
        iamRoleArn: role.roleArn,
        protectedResourceArns: p.resources.filter((r) => r.resourceType === type).flatMap((r) => r.arns),
        validationWindowHours: 1,
      });
      selection.addDependency(plan);
    }
  }
}
