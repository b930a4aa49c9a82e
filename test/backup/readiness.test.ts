import { afterEach, describe, expect, it } from 'vitest';
import { createAwsBackupChecker } from '../../src/backup/readiness.js';
import type { Resource } from '../../src/plan/schema.js';
import type { Check } from '../../src/readiness/types.js';
import { type CloudEnv, cloudContext, exampleService, simulatedCloud } from '../fidelity/helpers.js';
import { examplePlan } from '../sandbox/aws-fixture.js';

const MINUTE = 60_000;

/** AWS Backup readiness rows over the simulated cloud, from the example plan's backups sections. */
describe('AWS Backup readiness', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });
  const payments = exampleService('payments');
  const resource = (id: string): Resource => {
    const found = payments.resources.find((r) => r.id === id);
    if (!found) throw new Error(id);
    return found;
  };
  const check = async (e: CloudEnv, id: string): Promise<Record<string, Check>> => {
    const checker = createAwsBackupChecker(e.aws, examplePlan);
    const checks = await checker.check(resource(id) as never, payments, cloudContext(e));
    return Object.fromEntries(checks.map((c) => [c.name, c]));
  };

  it('reads the newest recovery point, its copy, the vault lock and the latest restore test', async () => {
    env = await simulatedCloud();
    const rows = await check(env, 'payments-db');

    expect(rows['AWS Backup recovery point']).toMatchObject({
      verdict: 'ready',
      measured: { value: 6 * 60 * MINUTE },
    });
    expect(rows['AWS Backup recovery point']?.reason).toMatch(
      /newest recovery point age in us-east-1 6 h within backup interval 24 h/,
    );
    expect(rows['AWS Backup copy']).toMatchObject({ verdict: 'ready', measured: { value: 6 * 60 * MINUTE } });
    expect(rows['backup vault lock']).toMatchObject({
      verdict: 'ready',
      measured: { text: 'locked 7–365d' },
    });
    expect(rows['restore test']).toMatchObject({
      verdict: 'ready',
      measured: { text: 'SUCCESSFUL 2 d ago, restored in 38 min' },
    });
    expect(rows['restore test']?.reason).toMatch(/restore test 2 d ago SUCCESSFUL, restored in 38 min/);
    // The vault lock row is reported once per service, on its first backed-up resource.
    expect(Object.keys(await check(env, 'payments-ledger'))).toEqual([
      'AWS Backup recovery point',
      'AWS Backup copy',
      'restore test',
    ]);
  });

  it('turns the copy row red with the copy job StatusMessage when a copy fails', async () => {
    env = await simulatedCloud();
    env.cloud.backup.failCopyJobs('payments-ledger', 'Insufficient privileges to perform this action.');
    env.clock.advance(20 * MINUTE); // backup (8 min) then copy (10 min) run and the copy fails

    const rows = await check(env, 'payments-ledger');

    expect(rows['AWS Backup copy']).toMatchObject({
      verdict: 'not_ready',
      measured: { text: 'copy failed' },
      reason:
        'payments-ledger: copy job to us-west-2 FAILED: Insufficient privileges to perform this action.',
    });
    // The backup itself ran: the primary row is fresh.
    expect(rows['AWS Backup recovery point']?.verdict).toBe('ready');
  });

  it('flags a vault without its lock and stale recovery points', async () => {
    env = await simulatedCloud();
    env.cloud.backup.unlockVault('payments');
    env.cloud.backup.missBackupWindow();
    env.clock.advance(30 * 60 * MINUTE); // 30 h: the next daily backups expire unstarted

    const rows = await check(env, 'payments-db');

    expect(rows['backup vault lock']).toMatchObject({
      verdict: 'degraded',
      measured: { text: 'partly locked' },
    });
    expect(rows['backup vault lock']?.reason).toMatch(
      /vault lifeboat-payments in us-west-2 has no Vault Lock/,
    );
    expect(rows['AWS Backup recovery point']).toMatchObject({ verdict: 'degraded' });
    expect(rows['AWS Backup recovery point']?.reason).toMatch(
      /age in us-east-1 36 h exceeds backup interval 24 h/,
    );
  });

  it('is unknown, never ready, when the recovery Region does not answer', async () => {
    env = await simulatedCloud();
    env.cloud.faults.regionOutage('us-west-2', { mode: 'unavailable' });

    const rows = await check(env, 'payments-ledger');

    expect(rows['AWS Backup recovery point']?.verdict).toBe('ready');
    expect(rows['AWS Backup copy']?.verdict).toBe('unknown');
    expect(rows['restore test']?.verdict).toBe('unknown');
  });

  it('adds no rows for a resource the backups section does not cover', async () => {
    env = await simulatedCloud();
    expect(await check(env, 'payments-api')).toEqual({});
  });
});
