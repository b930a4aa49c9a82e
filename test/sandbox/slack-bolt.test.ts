import type { App } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackEmulator } from '../../src/sandbox/slack/index.js';
import { ALICE, boltApp, connectBolt, INCIDENTS, startTestEmulator } from './slack-fixture.js';

/** A real Bolt app (HTTP receiver, signature checks on) talking to the emulator over HTTP. */
describe('a Bolt app against the Slack emulator', () => {
  let emulator: SlackEmulator;
  let app: App;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    app = boltApp(emulator);
    app.command('/dr', async ({ ack, body, client, respond }) => {
      await ack();
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'confirm',
          title: { type: 'plain_text', text: 'Confirm' },
          submit: { type: 'plain_text', text: 'Go' },
          blocks: [
            {
              type: 'input',
              block_id: 'why',
              label: { type: 'plain_text', text: 'Why?' },
              element: { type: 'plain_text_input', action_id: 'why_input' },
            },
          ],
        },
      });
      await respond({ text: `Opening ${body.text}` });
    });
    app.view('confirm', async ({ ack, view, client, body }) => {
      const why = view.state.values.why?.why_input?.value ?? '';
      if (why.length < 3) {
        await ack({ response_action: 'errors', errors: { why: 'Say more' } });
        return;
      }
      await ack();
      await client.chat.postMessage({
        channel: INCIDENTS,
        text: `Failover requested by <@${body.user.id}>: ${why}`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `Failover: ${why}` } },
          {
            type: 'actions',
            elements: [
              { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' } },
            ],
          },
        ],
      });
    });
    app.action('approve', async ({ ack, body, client }) => {
      await ack();
      if (body.type !== 'block_actions' || !body.channel || !body.message) return;
      await client.chat.update({
        channel: body.channel.id,
        ts: body.message.ts,
        text: 'Approved',
        blocks: [],
      });
    });
    await connectBolt(app, emulator);
  });
  afterAll(async () => {
    await app.stop();
    await emulator.close();
  });

  it('runs command, modal with errors, submission and button through signed HTTP', async () => {
    // Act 1: the command opens a modal and answers through response_url
    const command = await emulator.sendSlashCommand({
      userId: ALICE,
      channelId: INCIDENTS,
      text: 'failover',
    });
    const [view] = await emulator.waitFor(() => {
      const views = emulator.openViews(ALICE);
      return views.length > 0 && emulator.ephemerals(ALICE).length > 0 ? views : undefined;
    });

    // Assert 1
    expect(command.status).toBe(200);
    expect(emulator.ephemerals(ALICE)[0]?.text).toBe('Opening failover');

    // Act 2: a too-short answer gets field errors
    await emulator.submitView({
      userId: ALICE,
      viewId: view?.id ?? '',
      values: { why: { why_input: 'no' } },
    });

    // Assert 2
    expect(emulator.openViews(ALICE)[0]?.errors).toEqual({ why: 'Say more' });

    // Act 3: a good answer closes the modal and posts the approval request
    await emulator.submitView({
      userId: ALICE,
      viewId: view?.id ?? '',
      values: { why: { why_input: 'region down' } },
    });
    const request = await emulator.waitFor(() => emulator.messages(INCIDENTS)[0]);

    // Assert 3
    expect(emulator.openViews(ALICE)).toEqual([]);
    expect(request.text).toBe(`Failover requested by <@${ALICE}>: region down`);

    // Act 4: the approval button edits the message
    await emulator.clickButton({
      userId: ALICE,
      channelId: INCIDENTS,
      messageTs: request.ts,
      actionId: 'approve',
    });
    const approved = await emulator.waitFor(() =>
      emulator.messages(INCIDENTS).find((m) => m.text === 'Approved'),
    );

    // Assert 4
    expect(approved).toMatchObject({ ts: request.ts, blocks: [], edited: expect.any(Object) });
  });
});
