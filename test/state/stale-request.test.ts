import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApproveValue } from '../../blocks/failover/card.js';
import { ActionId } from '../../blocks/ids.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { StoredMessage } from '../../src/sandbox/slack/types.js';

/**
 * A failover request Lifeboat raised itself from an alarm (`autoRequestFailover`) goes stale when the incident
 * that raised it resolves: the card says so, its buttons go, and an approval is refused.
 */
describe('a stale automatic failover request', () => {
  let sandbox: Sandbox;
  let card: StoredMessage;
  const ACCOUNTS = 'C0ACCOUNTS';
  const hasButton = (m: StoredMessage, actionId: string) =>
    JSON.stringify(m.blocks ?? []).includes(`"${actionId}"`);

  beforeAll(async () => {
    sandbox = await startSandbox({ logLevel: 'silent', timeScale: 120 });
  }, 60_000);
  afterAll(() => sandbox?.close());

  it('is raised by the outage, then goes stale when its incident resolves, and cannot be approved', async () => {
    sandbox.cloud.faults.regionOutage('us-east-1');
    card = await sandbox.slack.waitFor(
      () => sandbox.slack.messages(ACCOUNTS).find((m) => hasButton(m, ActionId.failoverApprove)),
      30_000,
    );
    const button = (card.blocks ?? [])
      .flatMap((b) => (b as { elements?: { action_id?: string; value?: string }[] }).elements ?? [])
      .find((e) => e.action_id === ActionId.failoverApprove);
    const id = parseApproveValue(button?.value).id;
    const { request } = await sandbox.bot.failover.requests.load(id);
    expect(request?.source).toBe('alarm');
    expect(request?.incidentId).toBeTruthy();

    sandbox.cloud.faults.restoreRegion('us-east-1');
    await expect
      .poll(async () => (await sandbox.bot.failover.requests.load(id)).execution?.state, {
        timeout: 90_000,
        interval: 500,
      })
      .toBe('expired');
    const { execution } = await sandbox.bot.failover.requests.load(id);
    expect(execution?.staleBecause).toContain('resolved');

    const edited = await sandbox.slack.waitFor(
      () =>
        sandbox.slack
          .messages(ACCOUNTS)
          .find((m) => m.ts === card.ts && JSON.stringify(m.blocks ?? []).includes('Stale')),
      15_000,
    );
    expect(hasButton(edited, ActionId.failoverApprove)).toBe(false);

    const outcome = await sandbox.bot.failover.requests.approve(id, 'U0BOB', request?.digest);
    expect(outcome.kind).toBe('refused');
    const stale = [];
    for await (const e of sandbox.bot.audit.query({ service: 'accounts' }))
      if (e.type === 'request.expired' && e.details?.stale === true) stale.push(e.executionId);
    expect(stale).toEqual([id]);
  }, 150_000);
});
