import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/domain/clock.js';
import type { SlackEmulator } from '../../src/sandbox/slack/index.js';
import {
  ALICE,
  INCIDENTS,
  payloadOf,
  type ReceivedRequest,
  type Receiver,
  startRecordedEmulator,
  webClient,
} from './slack-fixture.js';

const buttonBlocks = [
  {
    type: 'actions',
    block_id: 'b',
    elements: [{ type: 'button', action_id: 'ack', text: { type: 'plain_text', text: 'Ack' }, value: '1' }],
  },
];

async function respond(
  url: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('Slack emulator response_url', () => {
  const clock = manualClock();
  let emulator: SlackEmulator;
  let receiver: Receiver;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ emulator, receiver, close } = await startRecordedEmulator({ clock: () => clock.now() }));
  });
  afterEach(() => close());

  async function commandResponseUrl(): Promise<string> {
    await emulator.sendSlashCommand({ userId: ALICE, channelId: INCIDENTS, text: 'status' });
    return new URLSearchParams(receiver.requests.at(-1)?.body).get('response_url') ?? '';
  }

  async function buttonResponseUrl(): Promise<{ url: string; ts: string }> {
    const posted = await webClient(emulator).chat.postMessage({
      channel: INCIDENTS,
      text: 'alarm',
      blocks: buttonBlocks,
    });
    await emulator.clickButton({
      userId: ALICE,
      channelId: INCIDENTS,
      messageTs: posted.ts,
      actionId: 'ack',
    });
    return {
      url: String(payloadOf(receiver.requests.at(-1) as ReceivedRequest).response_url),
      ts: posted.ts ?? '',
    };
  }

  it('posts ephemeral by default and in_channel when asked, in a thread when given thread_ts', async () => {
    // Prepare
    const url = await commandResponseUrl();
    const parent = await webClient(emulator).chat.postMessage({ channel: INCIDENTS, text: 'parent' });

    // Act
    const a = await respond(url, { text: 'just you' });
    const b = await respond(url, { response_type: 'in_channel', text: 'everyone', thread_ts: parent.ts });

    // Assert
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(emulator.ephemerals(ALICE).map((m) => m.text)).toEqual(['just you']);
    expect(emulator.thread(INCIDENTS, parent.ts ?? '').map((m) => m.text)).toEqual(['parent', 'everyone']);
  });

  it('replaces and deletes the original message of a button click', async () => {
    // Prepare
    const first = await buttonResponseUrl();

    // Act
    await respond(first.url, { replace_original: true, text: 'acknowledged', blocks: [] });

    // Assert
    expect(emulator.messages(INCIDENTS)).toMatchObject([{ ts: first.ts, text: 'acknowledged', blocks: [] }]);

    // Act
    const deleted = await respond(first.url, { delete_original: true });

    // Assert
    expect(deleted.status).toBe(200);
    expect(emulator.messages(INCIDENTS)).toEqual([]);
  });

  it('validates blocks sent to a response_url', async () => {
    const url = await commandResponseUrl();

    const res = await respond(url, { text: 'x', blocks: [{ type: 'section' }] });

    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_blocks');
  });

  it('accepts five uses, then answers used_url', async () => {
    const url = await commandResponseUrl();

    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await respond(url, { text: `n${i}` })).status);

    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });

  it('expires after 30 minutes', async () => {
    const url = await commandResponseUrl();
    clock.advance(30 * 60 * 1000 + 1);

    const res = await respond(url, { text: 'late' });

    expect(res).toEqual({ status: 404, json: { ok: false, error: 'expired_url' } });
  });
});
