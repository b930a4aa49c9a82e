import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../blocks/ids.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

/** What the README promises a newcomer: an outage raises a failover request by itself (accounts' rule). */
describe('the sandbox story', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ logLevel: 'silent', timeScale: 120 });
  }, 60_000);
  afterAll(() => sandbox?.close());

  it('raises a failover request for accounts in #accounts when us-east-1 goes down', async () => {
    const channel = sandbox.plan.services.accounts?.channel ?? '';
    sandbox.cloud.faults.regionOutage('us-east-1');

    const request = () =>
      sandbox.slack
        .messages(channel)
        .find((m) => JSON.stringify(m.blocks ?? []).includes(`"action_id":"${ActionId.failoverApprove}"`));
    await expect.poll(request, { timeout: 90_000, interval: 500 }).toBeDefined();
  }, 120_000);
});
