import { readFileSync } from 'node:fs';
import { ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsBackupChecker } from '../../src/backup/readiness.js';
import { parsePlan } from '../../src/plan/load.js';
import { type CloudEnv, cloudContext, simulatedCloud } from '../fidelity/helpers.js';

/** The example plan with payments' copies going to another account's vault. */
const crossAccountPlan = () =>
  parsePlan(
    readFileSync('dr-plan.example.yml', 'utf8').replace(
      '      resources: [payments-db, payments-receipts, payments-ledger]\n',
      '      resources: [payments-db, payments-receipts, payments-ledger]\n      copy: { account: "210987654321" }\n',
    ),
    'dr-plan.example.yml',
  );

describe('AWS Backup copies to another account', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('judges the copy by the completed copy jobs and says the other account’s copy is not read', async () => {
    // Prepare
    env = await simulatedCloud({ plan: crossAccountPlan() });
    const plan = crossAccountPlan();
    const service = plan.services.payments;
    const ledger = service?.resources.find((r) => r.id === 'payments-ledger');
    if (!service || !ledger) throw new Error('no payments-ledger');

    // Act
    const own = await env.west.backup.send(
      new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: 'lifeboat-payments' }),
    );
    const checks = await createAwsBackupChecker(env.aws, () => plan).check(
      ledger as never,
      { ...service, name: 'payments' },
      cloudContext(env),
    );

    // Assert: this account's recovery vault holds none of the copies, and the row says what it read
    expect(own.RecoveryPoints ?? []).toEqual([]);
    const copy = checks.find((c) => c.name === 'AWS Backup copy');
    expect(copy?.verdict).toBe('ready');
    expect(copy?.reason).toMatch(
      /newest completed copy job to account 210987654321 started 5.9 h within backup interval 24 h/,
    );
    expect(copy?.reason).toContain('is not read: Lifeboat has no role in that account');
  });
});
