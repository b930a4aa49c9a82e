import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { addBackupStacks, restoreTestingCron } from '../lib/backups.js';
import { EXAMPLE_PLAN, readPlan } from './helpers.js';

const synth = (edit?: (text: string) => string) => {
  const { plan } = readPlan(EXAMPLE_PLAN, edit);
  const app = new App();
  const stacks = addBackupStacks(app, { plan, prefix: 'Lifeboat', env: { account: '123456789012' } });
  return {
    app,
    stacks,
    template: (region: string) => {
      const stack = stacks.find((s) => s.region === region);
      if (!stack) throw new Error(`no stack in ${region}`);
      return Template.fromStack(stack);
    },
  };
};

// Synthesized once for the tests that read the example plan's stacks: synth takes seconds, and much longer on
// a loaded machine, so it gets the hook's budget rather than each test's.
let example: ReturnType<typeof synth> | undefined;
const exampleStacks = () => {
  example ??= synth();
  return example;
};

describe('AWS Backup stacks from dr-plan.example.yml', () => {
  beforeAll(() => {
    exampleStacks().template('us-east-1');
    exampleStacks().template('us-west-2');
  }, 180_000);

  it('puts a locked vault per service in each Region, with the plan key or one the stack creates', () => {
    const { stacks, template } = exampleStacks();
    expect(stacks.map((s) => s.stackName)).toEqual([
      'Lifeboat-backups-us-west-2',
      'Lifeboat-backups-us-east-1',
    ]);
    const east = template('us-east-1');
    east.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'lifeboat-payments',
      EncryptionKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/mrk-payments-use1',
      LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 365, ChangeableForDays: 3 },
    });
    // accounts names no key: the stack creates one, rotated, and the vault uses it.
    east.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    east.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'lifeboat-accounts',
      EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccountsVaultKey'), 'Arn'] },
      LockConfiguration: Match.objectLike({ MinRetentionDays: 7 }),
    });
    template('us-west-2').hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'lifeboat-payments',
      EncryptionKeyArn: 'arn:aws:kms:us-west-2:123456789012:key/mrk-payments-usw2',
    });
    expect(Object.keys(east.findResources('AWS::Backup::BackupVault'))).toHaveLength(2);
  });

  it('schedules the daily backup with lifecycle and a copy to the recovery-Region vault, selecting the plan ARNs', () => {
    const east = exampleStacks().template('us-east-1');
    east.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: 'lifeboat-payments',
        BackupPlanRule: [
          Match.objectLike({
            ScheduleExpression: 'cron(0 3 * * ? *)',
            ScheduleExpressionTimezone: 'Europe/Berlin',
            StartWindowMinutes: 60,
            Lifecycle: { DeleteAfterDays: 35 },
            CopyActions: [
              {
                DestinationBackupVaultArn: {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':backup:us-west-2:123456789012:backup-vault:lifeboat-payments',
                    ],
                  ],
                },
                Lifecycle: { DeleteAfterDays: 35 },
              },
            ],
          }),
        ],
      },
    });
    east.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        SelectionName: 'lifeboat-payments',
        Resources: [
          'arn:aws:rds:us-east-1:123456789012:cluster:payments-use1',
          'arn:aws:s3:::payments-receipts-use1',
          'arn:aws:dynamodb:us-east-1:123456789012:table/payments-ledger',
        ],
      }),
    });
    east.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })],
      }),
    });
  });

  it('restore-tests the copies in the recovery Region at the drill interval where the plan asks', () => {
    const west = exampleStacks().template('us-west-2');
    west.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      RestoreTestingPlanName: 'lifeboat_payments',
      ScheduleExpression: 'cron(0 5 1 */3 ? *)',
      RecoveryPointSelection: Match.objectLike({
        Algorithm: 'LATEST_WITHIN_WINDOW',
        SelectionWindowDays: 90,
      }),
    });
    west.hasResourceProperties('AWS::IAM::Role', { RoleName: 'lifeboat-backup-restore-payments' });
    west.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceType: 'DynamoDB',
      ProtectedResourceArns: ['arn:aws:dynamodb:us-east-1:123456789012:table/payments-ledger'],
    });
    // accounts does not ask for restore testing, and backup plans live in the primary Region only.
    expect(Object.keys(west.findResources('AWS::Backup::RestoreTestingPlan'))).toHaveLength(1);
    expect(Object.keys(west.findResources('AWS::Backup::BackupPlan'))).toHaveLength(0);
  });

  it('maps drill intervals onto restore testing schedules', () => {
    const day = 86_400_000;
    expect(restoreTestingCron(day)).toBe('cron(0 5 * * ? *)');
    expect(restoreTestingCron(7 * day)).toBe('cron(0 5 ? * MON *)');
    expect(restoreTestingCron(30 * day)).toBe('cron(0 5 1 * ? *)');
    expect(restoreTestingCron(90 * day)).toBe('cron(0 5 1 */3 ? *)');
  });

  it('creates no stack for a plan without backups sections', () => {
    const { stacks } = synth((t) =>
      t
        .replace(/\n {4}backups:[^\n]*\n( {6}[^\n]*\n)*/g, '\n')
        .replace(
          '    backups: {} # the defaults above; every resource AWS Backup can back up; keys the stack creates\n',
          '',
        ),
    );
    expect(stacks).toEqual([]);
  });

  it('passes cdk-nag AwsSolutions', () => {
    const { app, stacks } = exampleStacks();
    const errors = stacks.flatMap((stack) =>
      new AwsSolutionsChecks(app)
        .validateScope(stack)
        .violations.filter((v) => v.severity === 'error')
        .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`)),
    );
    expect(errors).toEqual([]);
  });
});

describe('the bot reads AWS Backup with least privilege', () => {
  it('reads the plan vaults by ARN and the job lists read-only', async () => {
    const { policyStatementsForPlan } = await import('../lib/permissions.js');
    const { plan } = readPlan(EXAMPLE_PLAN);
    const statements = policyStatementsForPlan(plan);
    const vaults = statements.find((s) => s.sid === 'BackupVaultsRead');
    expect(vaults?.resources).toEqual([
      'arn:aws:backup:us-east-1:123456789012:backup-vault:lifeboat-accounts',
      'arn:aws:backup:us-east-1:123456789012:backup-vault:lifeboat-payments',
      'arn:aws:backup:us-west-2:123456789012:backup-vault:lifeboat-accounts',
      'arn:aws:backup:us-west-2:123456789012:backup-vault:lifeboat-payments',
    ]);
    const actions = statements.flatMap((s) => s.actions).filter((a) => a.startsWith('backup:'));
    expect(actions.every((a) => /^backup:(Describe|List)/.test(a))).toBe(true);
  });

  it('lets drills restore (drillRestore) from the recovery vault with the named restore role and delete only drill resources', async () => {
    const { policyStatementsForPlan } = await import('../lib/permissions.js');
    const { plan } = readPlan(EXAMPLE_PLAN, (t) =>
      t.replace('      restoreTesting: true\n', '      restoreTesting: true\n      drillRestore: true\n'),
    );
    const statements = policyStatementsForPlan(plan);
    const restore = statements.find((s) => s.sid === 'BackupDrillRestore');
    expect(restore?.actions).toEqual(['backup:GetRecoveryPointRestoreMetadata', 'backup:StartRestoreJob']);
    expect(restore?.resources).toContain(
      'arn:aws:backup:us-west-2:123456789012:backup-vault:lifeboat-payments',
    );
    expect(restore?.resources.every((r) => r.includes(':us-west-2:'))).toBe(true);
    const pass = statements.find((s) => s.sid === 'BackupDrillPassRestoreRole');
    expect(pass?.resources).toEqual(['arn:aws:iam::123456789012:role/lifeboat-backup-restore-payments']);
    expect(pass?.conditions).toEqual({ StringEquals: { 'iam:PassedToService': ['backup.amazonaws.com'] } });
    for (const sid of [
      'BackupDrillRestoredTables',
      'BackupDrillRestoredBuckets',
      'BackupDrillRestoredDatabases',
    ])
      for (const r of statements.find((s) => s.sid === sid)?.resources ?? [])
        expect(r).toContain('lifeboat-drill-');
    expect(
      policyStatementsForPlan(readPlan(EXAMPLE_PLAN).plan).some((s) => s.sid === 'BackupDrillRestore'),
    ).toBe(false);
  });
});
