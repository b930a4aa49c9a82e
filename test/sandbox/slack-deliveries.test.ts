import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackEmulator } from '../../src/sandbox/slack/index.js';
import {
  ALICE,
  INCIDENTS,
  payloadOf,
  type ReceivedRequest,
  type Receiver,
  SIGNING_SECRET,
  sleep,
  startReceiver,
  startTestEmulator,
  webClient,
} from './slack-fixture.js';

type Answer = (
  request: ReceivedRequest,
  index: number,
) => Promise<{ status: number; body?: string; json?: unknown }>;

const modal = {
  type: 'modal',
  callback_id: 'failover_confirm',
  private_metadata: '{"incident":"inc-1"}',
  title: { type: 'plain_text', text: 'Confirm failover' },
  submit: { type: 'plain_text', text: 'Fail over' },
  blocks: [
    {
      type: 'input',
      block_id: 'reason',
      label: { type: 'plain_text', text: 'Reason' },
      element: { type: 'plain_text_input', action_id: 'reason_input' },
    },
    {
      type: 'input',
      block_id: 'mode',
      label: { type: 'plain_text', text: 'Mode' },
      element: {
        type: 'static_select',
        action_id: 'mode_select',
        options: [
          { text: { type: 'plain_text', text: 'Switchover' }, value: 'switchover' },
          { text: { type: 'plain_text', text: 'Failover' }, value: 'failover' },
        ],
      },
    },
  ],
};

const buttons = [
  {
    type: 'actions',
    block_id: 'alert_actions',
    elements: [
      {
        type: 'button',
        action_id: 'approve',
        text: { type: 'plain_text', text: 'Approve' },
        value: 'exec-1',
        style: 'primary',
      },
    ],
  },
];

function verify(request: ReceivedRequest): boolean {
  const ts = String(request.headers['x-slack-request-timestamp']);
  const expected = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${request.body}`).digest('hex')}`;
  return request.headers['x-slack-signature'] === expected;
}

describe('Slack emulator deliveries to the bot', () => {
  let emulator: SlackEmulator;
  let receiver: Receiver;
  let answer: Answer;

  beforeEach(async () => {
    answer = async () => ({ status: 200 });
    receiver = await startReceiver((request, index) => answer(request, index));
    // Slack's own 3 s: a loaded machine still answers in time; the slow cases below wait for events, not for time.
    emulator = await startTestEmulator({ botUrl: receiver.url, retryAfterMs: 3_000 });
  });
  afterEach(async () => {
    await emulator.close();
    await receiver.close();
  });

  async function openModalFor(user: string): Promise<string> {
    answer = async () => ({ status: 200 });
    await emulator.sendSlashCommand({ userId: user, channelId: INCIDENTS, text: 'failover' });
    const triggerId = new URLSearchParams(receiver.requests.at(-1)?.body).get('trigger_id') ?? '';
    const opened = await webClient(emulator).views.open({ trigger_id: triggerId, view: modal as never });
    return opened.view?.id ?? '';
  }

  it('signs a slash command like Slack and carries every field', async () => {
    // Act
    const result = await emulator.sendSlashCommand({ userId: ALICE, channelId: INCIDENTS, text: 'status' });

    // Assert
    expect(result).toMatchObject({ status: 200, attempts: 1, timedOut: false });
    const [request] = receiver.requests;
    if (!request) throw new Error('no request');
    expect(verify(request)).toBe(true);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const fields = Object.fromEntries(new URLSearchParams(request.body));
    expect(fields).toMatchObject({
      command: '/dr',
      text: 'status',
      user_id: ALICE,
      user_name: 'alice',
      channel_id: INCIDENTS,
      channel_name: 'incidents',
      team_id: expect.any(String),
      team_domain: expect.any(String),
      api_app_id: expect.any(String),
      token: expect.any(String),
    });
    expect(fields.response_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_response\//);
    expect(fields.trigger_id).toBeTruthy();
  });

  it('shows the ack body of a command as an ephemeral or in-channel message', async () => {
    // Prepare
    answer = async (_r, i) => ({
      status: 200,
      json: i === 0 ? { text: 'only you' } : { response_type: 'in_channel', text: 'everyone' },
    });

    // Act
    await emulator.sendSlashCommand({ userId: ALICE, channelId: INCIDENTS, text: 'help' });
    await emulator.sendSlashCommand({ userId: ALICE, channelId: INCIDENTS, text: 'status' });

    // Assert
    expect(emulator.ephemerals(ALICE).map((m) => m.text)).toEqual(['only you']);
    expect(emulator.messages(INCIDENTS).map((m) => m.text)).toEqual(['everyone']);
  });

  it('retries an event with x-slack-retry-num when the receiver is slow', async () => {
    // Prepare: the first delivery is not answered until the retry arrived (so after retryAfterMs,
    // however loaded the machine); the retry is answered at once.
    answer = async (_r, i) => {
      if (i === 0) while (receiver.requests.length < 2) await sleep(20);
      return { status: 200 };
    };

    // Act
    const result = await emulator.sendEvent({ type: 'app_home_opened', user: ALICE, tab: 'home' });

    // Assert
    expect(result).toMatchObject({ status: 200, attempts: 2, timedOut: true });
    const [first, retry] = receiver.requests;
    expect(first?.headers['x-slack-retry-num']).toBeUndefined();
    expect(retry?.headers['x-slack-retry-num']).toBe('1');
    expect(retry?.headers['x-slack-retry-reason']).toBe('http_timeout');
    expect(retry && verify(retry)).toBe(true);
    expect(JSON.parse(retry?.body ?? '{}')).toMatchObject({
      type: 'event_callback',
      event: { type: 'app_home_opened' },
    });
  });

  it('does not retry a slow slash command but reports operation_timeout, as Slack shows the user', async () => {
    // Prepare
    const resolvers: (() => void)[] = [];
    const released = new Promise<void>((resolve) => resolvers.push(resolve));
    const release = () => {
      for (const resolve of resolvers) resolve();
    };
    answer = async () => {
      await released; // answered only after the emulator gave up on it
      return { status: 200 };
    };

    // Act
    const result = await emulator.sendSlashCommand({ userId: ALICE, channelId: INCIDENTS, text: 'status' });
    release();

    // Assert
    expect(result).toMatchObject({ status: 0, attempts: 1, timedOut: true });
    expect(receiver.requests).toHaveLength(1);
  });

  it('sends block_actions for a message button with the stored message and a usable trigger_id', async () => {
    // Prepare
    const client = webClient(emulator);
    const posted = await client.chat.postMessage({
      channel: INCIDENTS,
      text: 'Alarm',
      blocks: buttons as never,
    });

    // Act
    await emulator.clickButton({
      userId: ALICE,
      channelId: INCIDENTS,
      messageTs: posted.ts,
      actionId: 'approve',
    });

    // Assert
    const payload = payloadOf(receiver.requests[0] as ReceivedRequest);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: ALICE, username: 'alice', name: 'alice' },
      container: { type: 'message', message_ts: posted.ts, channel_id: INCIDENTS, is_ephemeral: false },
      channel: { id: INCIDENTS, name: 'incidents' },
      message: { ts: posted.ts, blocks: buttons },
      state: { values: {} },
      actions: [
        {
          action_id: 'approve',
          block_id: 'alert_actions',
          value: 'exec-1',
          type: 'button',
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve' },
        },
      ],
    });
    expect(payload.response_url).toMatch(/\/_response\//);
    const opened = await client.views.open({ trigger_id: String(payload.trigger_id), view: modal as never });
    expect(opened.view?.id).toMatch(/^V/);
  });

  it('sends view_submission with state values and honours response_action errors, update and close', async () => {
    // Prepare
    const viewId = await openModalFor(ALICE);
    const values = { reason: { reason_input: 'us-east-1 down' }, mode: { mode_select: 'failover' } };

    // Act 1: the bot answers with field errors
    answer = async () => ({
      status: 200,
      json: { response_action: 'errors', errors: { reason: 'Too short' } },
    });
    await emulator.submitView({ userId: ALICE, viewId, values });

    // Assert 1
    const submission = payloadOf(receiver.requests.at(-1) as ReceivedRequest);
    expect(verify(receiver.requests.at(-1) as ReceivedRequest)).toBe(true);
    expect(submission).toMatchObject({
      type: 'view_submission',
      user: { id: ALICE },
      view: {
        id: viewId,
        callback_id: 'failover_confirm',
        private_metadata: '{"incident":"inc-1"}',
        state: {
          values: {
            reason: { reason_input: { type: 'plain_text_input', value: 'us-east-1 down' } },
            mode: { mode_select: { type: 'static_select', selected_option: { value: 'failover' } } },
          },
        },
      },
    });
    expect(emulator.openViews(ALICE)[0]?.errors).toEqual({ reason: 'Too short' });

    // Act 2: update in place
    answer = async () => ({
      status: 200,
      json: { response_action: 'update', view: { ...modal, title: { type: 'plain_text', text: 'Updated' } } },
    });
    await emulator.submitView({ userId: ALICE, viewId, values });

    // Assert 2
    expect(emulator.openViews(ALICE)).toMatchObject([{ id: viewId, title: { text: 'Updated' } }]);

    // Act 3: empty ack closes the view
    answer = async () => ({ status: 200 });
    await emulator.submitView({ userId: ALICE, viewId, values });

    // Assert 3
    expect(emulator.openViews(ALICE)).toEqual([]);
  });

  it('refuses to submit a modal with an empty required field, without calling the bot', async () => {
    // Prepare
    const viewId = await openModalFor(ALICE);
    const before = receiver.requests.length;

    // Act
    const result = await emulator.submitView({
      userId: ALICE,
      viewId,
      values: { reason: { reason_input: 'x' } },
    });

    // Assert
    expect(result.attempts).toBe(0);
    expect(result.clientErrors).toEqual({ mode: expect.any(String) });
    expect(receiver.requests).toHaveLength(before);
  });

  it('sends view_closed when the view asked to be notified', async () => {
    // Prepare
    await emulator.sendSlashCommand({ userId: ALICE, channelId: INCIDENTS, text: 'x' });
    const triggerId = new URLSearchParams(receiver.requests.at(-1)?.body).get('trigger_id') ?? '';
    const opened = await webClient(emulator).views.open({
      trigger_id: triggerId,
      view: { ...modal, notify_on_close: true } as never,
    });

    // Act
    await emulator.closeView({ userId: ALICE, viewId: opened.view?.id ?? '' });

    // Assert
    expect(payloadOf(receiver.requests.at(-1) as ReceivedRequest)).toMatchObject({
      type: 'view_closed',
      is_cleared: false,
      view: { id: opened.view?.id },
    });
    expect(emulator.openViews(ALICE)).toEqual([]);
  });
});
