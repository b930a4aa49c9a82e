import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackEmulator } from '../../src/sandbox/slack/index.js';
import { ALICE, INCIDENTS, startTestEmulator, webClient } from './slack-fixture.js';

const CHROMIUM = '/usr/bin/chromium';

/**
 * mrkdwn as Slack renders it (docs.slack.dev "Formatting text for app surfaces"): emoji shortcodes from
 * Slack's own emoji set (iamcal's emoji-data), `<!date^…>` in the reader's time zone, mentions by name.
 */
describe('the emulator renders mrkdwn as Slack does', () => {
  let emulator: SlackEmulator;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ timezoneId: 'UTC', locale: 'en-US' });
    page.setDefaultTimeout(10_000);
    await page.goto(`${emulator.url}?user=${ALICE}`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByTestId('channel-incidents').click();
  });
  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });

  async function post(text: string): Promise<string> {
    const marker = `m${Math.random().toString(36).slice(2, 8)}`;
    await webClient(emulator).chat.postMessage({
      channel: INCIDENTS,
      text: 'fallback',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `${marker} ${text}` } }],
    });
    const message = page.getByTestId('message').filter({ hasText: marker });
    await message.waitFor();
    return ((await message.locator('.mrkdwn').first().textContent()) ?? '').replace(`${marker} `, '');
  }

  it('shows emoji from the whole Slack set, not a hand-typed table', async () => {
    expect(await post(':book: :clock3: :rotating_light: :ring_buoy: :thumbsup: :flag-de:')).toBe(
      '📖 🕒 🚨 🛟 👍 🇩🇪',
    );
    // A code Slack does not know stays as typed.
    expect(await post(':not_an_emoji_at_all:')).toBe(':not_an_emoji_at_all:');
    // Inside code, shortcodes are not emoji.
    expect(await post('`:book:`')).toBe(':book:');
  });

  it('shows emoji in plain_text (headers, buttons) unless emoji is false', async () => {
    await webClient(emulator).chat.postMessage({
      channel: INCIDENTS,
      text: 'fallback',
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: ':rotating_light: Incident: hdr1', emoji: true },
        },
        { type: 'header', text: { type: 'plain_text', text: ':book: literal hdr2', emoji: false } },
      ],
    });
    const message = page.getByTestId('message').filter({ hasText: 'hdr1' });
    await message.waitFor();
    expect(await message.locator('.bk-header').allTextContents()).toEqual([
      '🚨 Incident: hdr1',
      ':book: literal hdr2',
    ]);
  });

  it('formats <!date^…> tokens in the reader’s time zone and falls back on a bad token string', async () => {
    // 2014-02-18 06:39:42 UTC
    expect(await post('<!date^1392705582^{date_num} {time_secs}|fallback>')).toBe('2014-02-18 6:39:42 AM');
    expect(await post('<!date^1392705582^{date} at {time}|fallback>')).toBe('February 18th, 2014 at 6:39 AM');
    expect(await post('<!date^1392705582^{date_short}|fallback>')).toBe('Feb 18, 2014');
    expect(await post('<!date^1392705582^{date_long}|fallback>')).toBe('Tuesday, February 18th, 2014');
    const now = Math.floor(Date.now() / 1000);
    expect(await post(`<!date^${now}^{date_short_pretty}|fallback>`)).toBe('today');
    expect(await post(`<!date^${now - 86_400}^{date_pretty}|fallback>`)).toBe('yesterday');
    expect(await post('<!date^notanumber^{date}|Feb 18 fallback>')).toBe('Feb 18 fallback');
    // Linked date.
    await post('<!date^1392705582^{date_num}^https://example.com/x|fallback>');
    expect(await page.locator('a[href="https://example.com/x"]').last().textContent()).toBe('2014-02-18');
  });

  it('names users, user groups and channels, and decodes escaped text', async () => {
    expect(await post('<@U0ALICE> and <!subteam^S0APPROVERS> in <#C0INCIDENTS>')).toBe(
      '@alice and @dr-approvers in #incidents',
    );
    expect(await post('a &lt;b&gt; &amp; c')).toBe('a <b> & c');
    expect(await post('<!here> <!channel>')).toBe('@here @channel');
  });

  it('follows a thread to its newest reply, like Slack', async () => {
    const client = webClient(emulator);
    const parent = await client.chat.postMessage({ channel: INCIDENTS, text: 'long thread parent' });
    const threadTs = parent.ts ?? '';
    for (let i = 1; i <= 30; i++)
      await client.chat.postMessage({ channel: INCIDENTS, thread_ts: threadTs, text: `reply number ${i}` });
    const message = page
      .getByTestId('message-list')
      .getByTestId('message')
      .filter({ hasText: 'long thread parent' });
    await message.getByTestId('replies').click();
    await page.getByTestId('thread-list').getByText('reply number 30').waitFor();

    await client.chat.postMessage({ channel: INCIDENTS, thread_ts: threadTs, text: 'the newest reply' });
    await page.getByTestId('thread-list').getByText('the newest reply').waitFor();

    const atBottom = () =>
      page
        .getByTestId('thread-list')
        .evaluate((list) => list.scrollTop + list.clientHeight >= list.scrollHeight - 2);
    await expect.poll(atBottom).toBe(true);
  });
});
