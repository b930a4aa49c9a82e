import type { App } from '@slack/bolt';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackEmulator } from '../../src/sandbox/slack/index.js';
import { ALICE, BOB, boltApp, connectBolt, INCIDENTS, startTestEmulator } from './slack-fixture.js';

const CHROMIUM = '/usr/bin/chromium';

function statusBlocks(text: string) {
  return [
    { type: 'header', text: { type: 'plain_text', text: 'DR status' } },
    { type: 'section', text: { type: 'mrkdwn', text }, fields: [{ type: 'mrkdwn', text: '*RTO*\n15 min' }] },
    {
      type: 'actions',
      block_id: 'status_actions',
      elements: [
        {
          type: 'button',
          action_id: 'start_failover',
          style: 'danger',
          text: { type: 'plain_text', text: 'Fail over' },
          confirm: {
            title: { type: 'plain_text', text: 'Really?' },
            text: { type: 'mrkdwn', text: 'This moves *production*.' },
            confirm: { type: 'plain_text', text: 'Yes' },
            deny: { type: 'plain_text', text: 'No' },
          },
        },
      ],
    },
  ];
}

/** The emulator UI in a real browser, with a real Bolt app behind it. */
describe('the Slack emulator web UI', () => {
  let emulator: SlackEmulator;
  let app: App;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    app = boltApp(emulator);
    app.command('/dr', async ({ ack, body, client, respond }) => {
      await ack();
      if (body.text === 'failover') {
        await client.views.open({
          trigger_id: body.trigger_id,
          view: {
            type: 'modal',
            callback_id: 'reason',
            title: { type: 'plain_text', text: 'Why fail over?' },
            submit: { type: 'plain_text', text: 'Start' },
            blocks: [
              {
                type: 'input',
                block_id: 'why',
                label: { type: 'plain_text', text: 'Reason' },
                element: { type: 'plain_text_input', action_id: 'why_input' },
              },
            ],
          },
        });
        return;
      }
      const posted = await client.chat.postMessage({
        channel: body.channel_id,
        text: 'status',
        blocks: statusBlocks('_All green_ in `us-east-1`'),
      });
      await client.chat.postMessage({
        channel: body.channel_id,
        thread_ts: posted.ts,
        text: 'Checked 12 resources',
      });
      await respond({ text: 'Posted the status for you' });
    });
    app.action('start_failover', async ({ ack, body, client }) => {
      await ack();
      if (body.type !== 'block_actions' || !body.channel || !body.message) return;
      await client.chat.update({
        channel: body.channel.id,
        ts: body.message.ts,
        text: 'Failover started',
        blocks: [],
      });
    });
    app.view('reason', async ({ ack, view }) => {
      const why = view.state.values.why?.why_input?.value ?? '';
      if (why.length < 5) await ack({ response_action: 'errors', errors: { why: 'Tell us more' } });
      else await ack();
    });
    app.event('app_home_opened', async ({ event, client }) => {
      await client.views.publish({
        user_id: event.user,
        view: {
          type: 'home',
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Hello <@${event.user}>` } }],
        },
      });
    });
    app.message('ping', async ({ say }) => {
      await say('pong');
    });
    await connectBolt(app, emulator);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${emulator.url}?user=${ALICE}`);
    await page.waitForSelector('body[data-ready="true"]');
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await emulator?.close();
  });

  it('runs a slash command from the composer and renders Block Kit, ephemerals and threads', async () => {
    // Act
    await page.getByTestId('channel-incidents').click();
    await page.getByTestId('composer').fill('/dr status');
    await page.getByTestId('composer').press('Enter');

    // Assert
    const status = page.getByTestId('message-list').getByTestId('message').filter({ hasText: 'DR status' });
    await status.waitFor();
    expect(await status.locator('em').first().textContent()).toBe('All green');
    expect(await status.locator('code').first().textContent()).toBe('us-east-1');
    await page
      .locator('[data-testid="message"][data-ephemeral="true"]', { hasText: 'Posted the status for you' })
      .waitFor();
    await status.getByTestId('replies').click();
    await page.getByTestId('thread-list').getByText('Checked 12 resources').waitFor();
  });

  it('asks for confirmation and shows the edit in place without a reload', async () => {
    // Act
    const status = page.getByTestId('message-list').getByTestId('message').filter({ hasText: 'DR status' });
    await status.getByTestId('button-start_failover').click();
    await page.getByTestId('confirm-dialog').getByText('This moves').waitFor();
    await page.getByTestId('confirm-ok').click();

    // Assert
    const edited = page
      .getByTestId('message-list')
      .getByTestId('message')
      .filter({ hasText: 'Failover started' });
    await edited.waitFor();
    expect(await edited.getByTestId('edited').count()).toBe(1);
  });

  it('opens a modal, shows field errors from response_action and closes on success', async () => {
    // Act 1
    await page.getByTestId('composer').fill('/dr failover');
    await page.getByTestId('composer').press('Enter');
    await page.getByTestId('modal').waitFor();
    await page.getByTestId('input-why_input').fill('bad');
    await page.getByTestId('modal-submit').click();

    // Assert 1
    await page.getByTestId('error-why').getByText('Tell us more').waitFor();

    // Act 2
    await page.getByTestId('input-why_input').fill('us-east-1 is down');
    await page.getByTestId('modal-submit').click();

    // Assert 2
    await page.getByTestId('modal').waitFor({ state: 'detached' });
    expect(emulator.openViews(ALICE)).toEqual([]);
  });

  it('switches users: another user does not see the first user’s ephemerals', async () => {
    // Act
    await page.getByTestId('user-switcher').selectOption(BOB);
    await page.getByTestId('channel-incidents').click();
    await page
      .getByTestId('message-list')
      .getByTestId('message')
      .filter({ hasText: 'Failover started' })
      .waitFor();

    // Assert
    expect(await page.locator('[data-testid="message"][data-ephemeral="true"]').count()).toBe(0);
    expect(emulator.messages(INCIDENTS).length).toBeGreaterThan(0);
  });

  it('delivers plain messages as events and shows the App Home the app publishes', async () => {
    // Act
    await page.getByTestId('composer').fill('ping');
    await page.getByTestId('composer').press('Enter');
    await page.getByTestId('message-list').getByText('pong').waitFor();
    await page.getByTestId('app-home').click();

    // Assert
    await page.getByTestId('app-home-view').getByText('Hello @bob').waitFor();
  });
});
