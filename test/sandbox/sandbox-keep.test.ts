import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

/** The outage's own alarm, raised by no other fault. */
const OUTAGE_ALARM = 'payments-api-status-check-failed';

function paymentsChannel(sandbox: Sandbox): string {
  const service = sandbox.plan.services.payments;
  if (!service) throw new Error('the example plan has a payments service');
  return service.channel;
}

/** An incident card in #payments naming the outage's alarm, posted or edited after `sinceMs`. */
function cardSince(sandbox: Sandbox, sinceMs: number) {
  return sandbox.slack
    .messages(paymentsChannel(sandbox))
    .find(
      (m) =>
        JSON.stringify(m.blocks ?? m.text).includes(OUTAGE_ALARM) &&
        Math.max(Number(m.ts), Number(m.edited?.ts ?? 0)) * 1000 >= sinceMs,
    );
}

async function outageCard(sandbox: Sandbox): Promise<void> {
  const since = Date.now();
  sandbox.cloud.faults.regionOutage('us-east-1');
  await expect.poll(() => cardSince(sandbox, since), { timeout: 60_000, interval: 250 }).toBeDefined();
}

/**
 * The sandbox is one world across restarts: the bot's state, the workspace's messages and the simulated cloud
 * are reset together (the default) or kept together (`keep`), never one without the others.
 */
describe('a restarted sandbox', () => {
  let dataDir = '';
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const start = async (keep = false) => {
    sandbox = await startSandbox({ logLevel: 'silent', timeScale: 120, dataDir, keep });
    return sandbox;
  };
  const stop = async () => {
    await sandbox?.close();
    sandbox = undefined;
  };

  it('starts a fresh world by default: an outage injected after the restart shows its card', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lifeboat-restart-'));
    await outageCard(await start());
    await stop();

    const again = await start();
    expect(again.world).toBe('fresh');
    expect(again.slack.messages(paymentsChannel(again))).toEqual([]);
    expect(again.cloud.snapshot().regions.every((r) => r.status === 'available')).toBe(true);
    await outageCard(again);
  }, 150_000);

  it('continues the same world with keep: messages, the cloud and the bot together', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lifeboat-keep-'));
    const first = await start();
    await outageCard(first);
    const before = first.slack.messages(paymentsChannel(first)).map((m) => m.ts);
    first.cloud.faults.restoreRegion('us-east-1');
    await stop();

    const kept = await start(true);
    expect(kept.world).toBe('kept');
    // The workspace still has what was posted, the cloud remembers the outage that happened.
    expect(kept.slack.messages(paymentsChannel(kept)).map((m) => m.ts)).toEqual(
      expect.arrayContaining(before),
    );
    expect(kept.cloud.snapshot().faults.outages).toEqual([]);
    await outageCard(kept);
    // The start consumed the saved world: a crash now would leave none, and the next keep would start fresh.
    expect(existsSync(join(dataDir, 'sandbox-world.json'))).toBe(false);
    await stop();
    expect(existsSync(join(dataDir, 'sandbox-world.json'))).toBe(true);
  }, 240_000);

  it('says so when there is nothing to continue, and starts fresh', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lifeboat-nothing-'));
    expect((await start(true)).world).toBe('nothing-saved');
  }, 60_000);
});
