import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApproveValue } from '../../blocks/failover/card.js';
import { ActionId } from '../../blocks/ids.js';
import { LIFEBOAT_REQUESTER } from '../../src/approval/types.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { StoredMessage } from '../../src/sandbox/slack/types.js';

/**
 * Alarms, failover requests, the two-person rule, the scheduler's digest and audit together, in the whole
 * sandbox (emulated Slack over signed HTTP, simulated cloud, embedded DynamoDB, the real bot): a primary
 * Region outage fires `accounts-db-replica-lag`, whose rule has `autoRequestFailover: true`, so Lifeboat
 * requests the accounts failover in the incident's thread; one person cannot approve it alone, two can.
 */
describe('an outage raises a Lifeboat failover request that needs two people', () => {
  let sandbox: Sandbox;
  let card: StoredMessage;
  let parent: StoredMessage;

  const ACCOUNTS = 'C0ACCOUNTS';
  const hasButton = (m: StoredMessage, actionId: string) =>
    JSON.stringify(m.blocks ?? []).includes(`"${actionId}"`);
  const incidentParent = (channel: string) =>
    sandbox.slack.messages(channel).find((m) => !m.thread_ts && hasButton(m, ActionId.incidentAcknowledge));
  const requestCards = (channel: string) =>
    sandbox.slack.messages(channel).filter((m) => hasButton(m, ActionId.failoverApprove));
  const approve = (userId: string) =>
    sandbox.slack.clickButton({
      userId,
      channelId: ACCOUNTS,
      messageTs: card.ts,
      actionId: ActionId.failoverApprove,
    });
  const lastEphemeral = (userId: string) => sandbox.slack.ephemerals(userId).at(-1)?.text ?? '';
  const executionOf = () => sandbox.bot.failover.requests.load(executionIdOf(card));
  const executionIdOf = (m: StoredMessage) => {
    const approveButton = (m.blocks ?? [])
      .flatMap((b) => (b as { elements?: { action_id?: string; value?: string }[] }).elements ?? [])
      .find((e) => e.action_id === ActionId.failoverApprove);
    return parseApproveValue(approveButton?.value).id;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ logLevel: 'silent', timeScale: 120 });
    sandbox.cloud.faults.regionOutage('us-east-1');
  }, 60_000);
  afterAll(() => sandbox?.close());

  it("posts Lifeboat's request in the accounts incident thread", async () => {
    // Act: wait for the replica-lag alarm's incident and the request it raises
    card = await sandbox.slack.waitFor(() => requestCards(ACCOUNTS)[0], 30_000);
    parent = await sandbox.slack.waitFor(() => incidentParent(ACCOUNTS), 20_000);

    // Assert
    expect(card.thread_ts).toBe(parent.ts);
    const { request, execution } = await executionOf();
    expect(request?.requestedBy).toBe(LIFEBOAT_REQUESTER);
    expect(request?.alarmName).toBe('accounts-db-replica-lag');
    expect(request?.approvalsRequired).toBe(2);
    expect(execution?.state).toBe('pendingApproval');
    // Payments' alarms raise no request by themselves: people request it from the card.
    expect(requestCards('C0PAYMENTS')).toEqual([]);
  }, 40_000);

  it('records one approval and keeps waiting when the first approver approves', async () => {
    // Act: approve, then click again once the first click is decided
    const delivered = await approve('U0ALICE');
    const recorded = await sandbox.slack.waitFor(
      () => sandbox.slack.ephemerals('U0ALICE').find((m) => m.text === 'Approval recorded.'),
      15_000,
    );
    const again = await approve('U0ALICE');

    // Assert: the first counts, the second is refused, and the request still waits for another person
    expect(delivered.status).toBe(200);
    expect(again.status).toBe(200);
    expect(JSON.stringify(recorded.blocks)).toContain('(1 of 2)');
    await sandbox.slack.waitFor(() => /You already approved/.test(lastEphemeral('U0ALICE')), 15_000);
    const { execution } = await executionOf();
    expect(execution?.state).toBe('pendingApproval');
    const granted = [];
    for await (const e of sandbox.bot.audit.query({ service: 'accounts' }))
      if (e.type === 'approval.granted') granted.push(e.actor);
    expect(granted).toEqual(['U0ALICE']);
  }, 20_000);

  it('starts the failover once a second person approves', async () => {
    // Act
    await approve('U0BOB');

    // Assert
    await expect
      .poll(async () => (await executionOf()).execution?.state, { timeout: 15_000, interval: 200 })
      .not.toBe('pendingApproval');
    const { execution } = await executionOf();
    expect(['approved', 'running', 'completed']).toContain(execution?.state);
  }, 20_000);

  it('lists both open incidents in the daily digest, read through the alarm module and posted through its queue', async () => {
    // Prepare
    const postedBefore = sandbox.bot.alarms.stats().outbox.posted;

    // Act
    const result = await sandbox.bot.scheduler.runSlot('digest', Date.now());

    // Assert
    expect(result).toBe('ran');
    expect(sandbox.bot.alarms.stats().outbox.posted).toBeGreaterThan(postedBefore);
    const digest = await sandbox.slack.waitFor(
      () =>
        sandbox.slack
          .messages('C0DROPS')
          .find((m) => JSON.stringify(m.blocks ?? []).includes('Open incidents')),
      10_000,
    );
    const text = JSON.stringify(digest.blocks);
    expect(text).toMatch(/payments: /);
    expect(text).toMatch(/accounts: /);
  }, 20_000);

  it('audits the incidents opened by the outage', async () => {
    // Act
    const opened: string[] = [];
    for await (const e of sandbox.bot.audit.query())
      if (e.type === 'incident.opened') opened.push(e.service ?? '');

    // Assert
    expect(opened.sort()).toEqual(['accounts', 'payments']);
  });
});
