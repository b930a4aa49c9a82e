import { afterEach, describe, expect, it } from 'vitest';
import { digestMessage } from '../../blocks/digest/digest.js';
import { backupRegressions } from '../../src/backup/digest.js';
import { type CloudEnv, simulatedCloud } from '../fidelity/helpers.js';
import { examplePlan } from '../sandbox/aws-fixture.js';

const MINUTE = 60_000;

describe('the daily digest lists backup regressions', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('lists none while the schedule, the copies and the locks hold', async () => {
    env = await simulatedCloud();
    expect(await backupRegressions(env.aws, examplePlan(), env.clock.now())).toEqual([]);
  });

  it('lists a missed daily backup, a failed copy with its reason and an unlocked vault', async () => {
    env = await simulatedCloud();
    env.cloud.backup.missBackupWindow('accounts-sessions');
    env.cloud.backup.failCopyJobs('payments-ledger', 'Access denied on the destination vault');
    env.cloud.backup.unlockVault('payments', 'us-east-1');
    env.clock.advance(70 * MINUTE); // past the 60 min start window and the ledger's backup and copy

    const found = await backupRegressions(env.aws, examplePlan(), env.clock.now());

    expect(found).toEqual(
      expect.arrayContaining([
        {
          service: 'accounts',
          kind: 'missed-backup',
          resource: 'accounts-sessions',
          detail: 'backup job EXPIRED: The backup job did not start within the start window of 60 minutes',
        },
        {
          service: 'payments',
          kind: 'failed-copy',
          resource: 'payments-ledger',
          detail: 'copy to us-west-2 FAILED: Access denied on the destination vault',
        },
        {
          service: 'payments',
          kind: 'unlocked-vault',
          detail:
            'vault lifeboat-payments in us-east-1 has no Vault Lock (the plan asks for compliance mode)',
        },
      ]),
    );
    expect(found).toHaveLength(3);
    const message = digestMessage({
      atMs: env.clock.now(),
      timezone: 'UTC',
      services: [],
      backupRegressions: found,
    });
    const section = JSON.stringify(message.blocks);
    expect(section).toContain('*Backup regressions*');
    expect(section).toContain(
      'payments `payments-ledger`: copy to us-west-2 FAILED: Access denied on the destination vault',
    );
  });

  it('says what it could not read instead of none when AWS Backup does not answer', async () => {
    env = await simulatedCloud();
    env.cloud.faults.regionOutage('us-west-2', { mode: 'unavailable' });

    const found = await backupRegressions(env.aws, examplePlan(), env.clock.now());

    expect(found.map((f) => [f.service, f.kind])).toEqual([
      ['payments', 'could-not-read'],
      ['accounts', 'could-not-read'],
    ]);
    expect(found[0]?.detail).toMatch(
      /could not read vault lifeboat-payments in us-west-2: ServiceUnavailable/,
    );
  });
});
