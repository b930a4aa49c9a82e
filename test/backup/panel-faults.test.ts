import { DescribeBackupVaultCommand, ListBackupJobsCommand } from '@aws-sdk/client-backup';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsBackupChecker } from '../../src/backup/readiness.js';
import { applyFault } from '../../src/sandbox/panel.js';
import { type CloudEnv, cloudContext, exampleService, simulatedCloud } from '../fidelity/helpers.js';
import { examplePlan } from '../sandbox/aws-fixture.js';

const MINUTE = 60_000;

/** The fault panel's AWS Backup buttons, through the handler behind POST /_sandbox/faults (no browser). */
describe('the sandbox fault panel: AWS Backup faults', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('Miss backup window: the resource backup job starts now and EXPIRES with the window, without a recovery point', async () => {
    // Prepare
    env = await simulatedCloud();
    const startedAt = env.clock.now();

    // Act
    applyFault(
      env.cloud.faults,
      { action: 'backup-window-miss', resourceId: 'payments-ledger' },
      env.cloud.backup,
    );
    env.clock.advance(61 * MINUTE);

    // Assert
    const jobs = await env.east.backup.send(
      new ListBackupJobsCommand({
        ByResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/payments-ledger',
        ByCreatedAfter: new Date(startedAt),
      }),
    );
    expect(jobs.BackupJobs?.map((j) => j.State)).toEqual(['EXPIRED']);
    expect(jobs.BackupJobs?.[0]?.RecoveryPointArn).toBeUndefined();
  });

  it('Unlock backup vault: the recovery vault of the resource service loses its lock and readiness flags it', async () => {
    // Prepare
    env = await simulatedCloud();

    // Act
    applyFault(
      env.cloud.faults,
      { action: 'backup-vault-unlock', resourceId: 'payments-ledger' },
      env.cloud.backup,
    );

    // Assert
    const vault = await env.west.backup.send(
      new DescribeBackupVaultCommand({ BackupVaultName: 'lifeboat-payments' }),
    );
    expect(vault.Locked).toBe(false);
    const payments = exampleService('payments');
    const db = payments.resources.find((r) => r.id === 'payments-db');
    const checks = await createAwsBackupChecker(env.aws, examplePlan).check(
      db as never,
      payments,
      cloudContext(env),
    );
    const lock = checks.find((c) => c.name === 'backup vault lock');
    expect(lock?.verdict).toBe('degraded');
    expect(lock?.reason).toContain('us-west-2');
  });
});
