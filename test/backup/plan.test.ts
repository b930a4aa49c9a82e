import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveAllBackups } from '../../src/plan/backups.js';
import { PlanError, parsePlan } from '../../src/plan/load.js';

const example = readFileSync('dr-plan.example.yml', 'utf8');

function problemsOf(text: string) {
  try {
    parsePlan(text, 'plan.yml');
  } catch (error) {
    if (error instanceof PlanError) return error.problems;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('plan: backups', () => {
  it('resolves each service with the plan-wide defaults, the service overriding them', () => {
    const plan = parsePlan(example, 'plan.yml');
    const [payments, accounts] = resolveAllBackups(plan);

    expect(payments).toMatchObject({
      service: 'payments',
      vaultName: 'lifeboat-payments',
      scheduleExpression: 'cron(0 3 * * ? *)',
      timezone: 'Europe/Berlin',
      startWindowMinutes: 60,
      intervalMs: 86_400_000,
      retentionDays: 35,
      copy: { retentionDays: 35, account: '123456789012' },
      kmsKeys: {
        primary: 'arn:aws:kms:us-east-1:123456789012:key/mrk-payments-use1',
        recovery: 'arn:aws:kms:us-west-2:123456789012:key/mrk-payments-usw2',
      },
      vaultLock: { mode: 'compliance', minRetentionDays: 7, maxRetentionDays: 365, changeableForDays: 3 },
      restoreTesting: true,
    });
    expect(payments?.resources.map((r) => [r.id, r.resourceType, r.arns])).toEqual([
      ['payments-db', 'Aurora', ['arn:aws:rds:us-east-1:123456789012:cluster:payments-use1']],
      ['payments-receipts', 'S3', ['arn:aws:s3:::payments-receipts-use1']],
      ['payments-ledger', 'DynamoDB', ['arn:aws:dynamodb:us-east-1:123456789012:table/payments-ledger']],
    ]);
    // `backups: {}` takes every default and every resource AWS Backup can back up.
    expect(accounts?.resources.map((r) => r.id)).toEqual(['accounts-db', 'accounts-sessions']);
    expect(accounts?.kmsKeys).toEqual({});
    expect(accounts?.restoreTesting).toBe(false);
  });

  it('takes a cron schedule with its own time zone', () => {
    const text = example.replace(
      '      restoreTesting: true',
      '      restoreTesting: true\n      schedule: { cron: "cron(30 1 ? * MON-FRI *)" }\n      timezone: UTC',
    );
    const [payments] = resolveAllBackups(parsePlan(text));
    expect(payments).toMatchObject({ scheduleExpression: 'cron(30 1 ? * MON-FRI *)', timezone: 'UTC' });
  });

  it('names file:line:column and the field of a malformed cron, an unknown field and a short window', () => {
    const text = example
      .replace('  schedule: { dailyAt: "03:00" }', '  schedule: { cron: "0 3 * * *" }')
      .replace('  startWindow: 1h', '  startWindow: 30m')
      .replace('      restoreTesting: true', '      restoreTesting: true\n      retension: 30d');
    const problems = problemsOf(text);

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          line: lineOf(text, 'cron: "0 3'),
          path: 'backups.schedule.cron',
          message: expect.stringMatching(/AWS Backup cron expression/),
        }),
        expect.objectContaining({
          line: lineOf(text, 'startWindow: 30m'),
          path: 'backups.startWindow',
          message: expect.stringMatching(/StartWindowMinutes/),
        }),
        expect.objectContaining({
          line: lineOf(text, 'retension'),
          column: 7,
          path: 'services.payments.backups.retension',
        }),
      ]),
    );
  });

  it('refuses a retention outside the Vault Lock range where the retention is written', () => {
    const text = example.replace(
      '      restoreTesting: true',
      '      restoreTesting: true\n      retention: 3d',
    );
    const problems = problemsOf(text);

    expect(problems).toEqual([
      expect.objectContaining({
        file: 'plan.yml',
        line: lineOf(text, 'retention: 3d'),
        path: 'services.payments.backups.retention',
        message: expect.stringMatching(/retention \(3d\) within the Vault Lock range 7d–365d/),
      }),
    ]);
  });

  it('refuses a key of the wrong Region, a resource AWS Backup cannot back up and an unknown id', () => {
    const text = example
      .replace(
        'recovery: arn:aws:kms:us-west-2:123456789012:key/mrk-payments-usw2',
        'recovery: arn:aws:kms:us-east-1:123456789012:key/mrk-payments-use1',
      )
      .replace(
        'resources: [payments-db, payments-receipts, payments-ledger]',
        'resources: [payments-db, payments-dns, payments-ledgr]',
      );
    const problems = problemsOf(text);

    expect(problems.map((p) => [p.path, p.message.slice(0, 40)])).toEqual([
      ['services.payments.backups.resources[1]', 'expected a resource AWS Backup can back '],
      ['services.payments.backups.resources[2]', 'expected the id of a resource of this se'],
      ['services.payments.backups.kmsKeys.recovery', 'expected a KMS key in us-west-2 (a vault'],
    ]);
    expect(problems[0]?.line).toBe(lineOf(text, 'resources: [payments-db, payments-dns'));
  });
});
