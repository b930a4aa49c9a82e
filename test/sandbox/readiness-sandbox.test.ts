import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

/** The readiness engine against the simulated two-Region cloud, through the real SDK clients. */
describe('readiness in the sandbox', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it('reports every service ready in a healthy world', async () => {
    sandbox = await startSandbox({ logLevel: 'silent', timeScale: 60 });

    const all = await sandbox.bot.readiness.checkAll({ fresh: true });

    expect(Object.fromEntries(all.map((s) => [s.service, s.verdict]))).toEqual({
      payments: 'ready',
      accounts: 'ready',
    });
  });

  it('turns payments degraded when Aurora replication breaks, naming the resource and the measured lag', async () => {
    sandbox = await startSandbox({ logLevel: 'silent', timeScale: 60 });
    const cloud = sandbox.cloud;
    cloud.faults.breakReplication('payments-db');

    await expect
      .poll(async () => (await sandbox?.bot.readiness.check('payments', { fresh: true }))?.verdict, {
        timeout: 10_000,
      })
      .not.toBe('ready');

    const result = await sandbox.bot.readiness.check('payments', { fresh: true });
    const lag = result.checks.find((c) => c.resourceId === 'payments-db' && c.name === 'replication lag');
    expect(lag?.verdict).toMatch(/degraded|not_ready/);
    expect(lag?.reason).toMatch(/^payments-db: RPO lag [\d.]+ (s|min) exceeds RPO 60 s$/);
  });

  it('never reports ready for what it could not measure while the recovery Region is down', async () => {
    sandbox = await startSandbox({ logLevel: 'silent', timeScale: 60 });
    sandbox.cloud.faults.regionOutage('us-west-2');

    const all = await sandbox.bot.readiness.checkAll({ fresh: true });

    for (const service of all) {
      expect(service.verdict).not.toBe('ready');
      const recoverySide = service.checks.filter(
        (c) => c.reason.includes('us-west-2') || c.verdict === 'unknown',
      );
      expect(recoverySide.length).toBeGreaterThan(0);
    }
  }, 60_000);

  it('stays honest under 30 % throttling: every check is measured or unknown, none falsely ready', async () => {
    sandbox = await startSandbox({ logLevel: 'silent', timeScale: 60 });
    const healthy = await sandbox.bot.readiness.check('payments', { fresh: true });
    sandbox.cloud.faults.throttle(0.3);

    const throttled = await sandbox.bot.readiness.check('payments', { fresh: true });

    // Every resource is still accounted for (a resource whose calls all failed may collapse into one unknown check).
    expect(new Set(throttled.checks.map((c) => c.resourceId))).toEqual(
      new Set(healthy.checks.map((c) => c.resourceId)),
    );
    for (const check of throttled.checks) {
      const before = healthy.checks.find((c) => c.resourceId === check.resourceId && c.name === check.name);
      // The SDK's adaptive retry absorbs most throttling; what it cannot is unknown, never a made-up ready.
      expect(['ready', 'unknown']).toContain(check.verdict);
      if (check.verdict === 'ready') expect(before?.verdict).toBe('ready');
    }
  }, 60_000);
});
