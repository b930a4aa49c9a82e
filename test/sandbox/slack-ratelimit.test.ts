import { WebClientEvent } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/domain/clock.js';
import type { SlackEmulator } from '../../src/sandbox/slack/index.js';
import { BOT_TOKEN, INCIDENTS, rawCall, startTestEmulator, webClient } from './slack-fixture.js';

const form = { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' };
const post = (emulator: SlackEmulator, channel: string) =>
  rawCall(emulator, 'chat.postMessage', new URLSearchParams({ channel, text: 'x' }).toString(), form);

describe('Slack emulator rate limits', () => {
  let emulator: SlackEmulator | undefined;

  afterEach(async () => {
    await emulator?.close();
  });

  it('answers 429 with Retry-After once a channel exceeds its postMessage burst, per channel', async () => {
    // Prepare
    const clock = manualClock();
    emulator = await startTestEmulator({
      clock: () => clock.now(),
      rateLimits: { postMessagePerChannelPerSec: 1, burst: 2 },
      channels: [
        { id: INCIDENTS, name: 'incidents' },
        { id: 'C0OTHER', name: 'other' },
      ],
    });

    // Act
    const first = await post(emulator, INCIDENTS);
    const second = await post(emulator, INCIDENTS);
    const third = await post(emulator, INCIDENTS);
    const elsewhere = await post(emulator, 'C0OTHER');
    clock.advance(1000);
    const later = await post(emulator, INCIDENTS);

    // Assert
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(third.json).toEqual({ ok: false, error: 'ratelimited' });
    expect(elsewhere.json.ok).toBe(true);
    expect(later.json.ok).toBe(true);
    expect(emulator.apiCalls().filter((c) => c.error === 'ratelimited')).toHaveLength(1);
  });

  it('limits chat.update per minute (Tier 3) with a Retry-After in seconds', async () => {
    // Prepare
    const clock = manualClock();
    emulator = await startTestEmulator({ clock: () => clock.now(), rateLimits: { updatePerMin: 2 } });
    const client = webClient(emulator);
    const { ts } = await client.chat.postMessage({ channel: INCIDENTS, text: 'v0' });
    const update = (text: string) =>
      rawCall(emulator as SlackEmulator, 'chat.update', JSON.stringify({ channel: INCIDENTS, ts, text }), {
        authorization: `Bearer ${BOT_TOKEN}`,
        'content-type': 'application/json',
      });

    // Act
    await update('v1');
    await update('v2');
    const limited = await update('v3');

    // Assert
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
  });

  it('lets @slack/web-api honour Retry-After and succeed on its retry', async () => {
    // Prepare
    const clock = manualClock();
    emulator = await startTestEmulator({
      clock: () => clock.now(),
      rateLimits: { postMessagePerChannelPerSec: 1, burst: 1 },
    });
    const client = webClient(emulator, { retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 } });
    const waits: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (retryAfterSec: number) => {
      waits.push(retryAfterSec);
      clock.advance(retryAfterSec * 1000);
    });
    await client.chat.postMessage({ channel: INCIDENTS, text: 'first' });

    // Act
    const second = await client.chat.postMessage({ channel: INCIDENTS, text: 'second' });

    // Assert
    expect(second.ok).toBe(true);
    expect(waits).toEqual([1]);
    expect(emulator.apiCalls().map((c) => c.error ?? 'ok')).toEqual(['ok', 'ratelimited', 'ok']);
    expect(emulator.messages(INCIDENTS).map((m) => m.text)).toEqual(['first', 'second']);
  });

  it('does not limit at all when disabled', async () => {
    emulator = await startTestEmulator({ rateLimits: false });

    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => post(emulator as SlackEmulator, INCIDENTS)),
    );

    expect(statuses.every((s) => s.status === 200)).toBe(true);
  });
});
