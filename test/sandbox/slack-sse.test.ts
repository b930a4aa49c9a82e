import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackEmulator } from '../../src/sandbox/slack/index.js';
import { ALICE, INCIDENTS, startTestEmulator, webClient } from './slack-fixture.js';

/** Reads server-sent events until one matches. */
async function nextEvent(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  match: (event: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('event stream ended');
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (data) {
        const event = JSON.parse(data) as Record<string, unknown>;
        if (match(event)) return event;
      }
      end = buffer.indexOf('\n\n');
    }
  }
}

describe('Slack emulator UI endpoints', () => {
  let emulator: SlackEmulator;

  beforeEach(async () => {
    emulator = await startTestEmulator();
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('pushes a server-sent event when a message is edited in place', async () => {
    // Prepare
    const client = webClient(emulator);
    const posted = await client.chat.postMessage({ channel: INCIDENTS, text: 'Step 1 running' });
    const controller = new AbortController();
    const res = await fetch(`${emulator.url}_ui/events`, { signal: controller.signal });
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    await reader.read(); // the ": connected" comment: the subscription is live

    // Act
    await client.chat.update({ channel: INCIDENTS, ts: posted.ts ?? '', text: 'Step 1 done' });

    // Assert
    const event = await nextEvent(reader, (e) => e.type === 'messages');
    expect(event).toEqual({ type: 'messages', channel: INCIDENTS });
    const listing = (await (
      await fetch(`${emulator.url}_ui/messages?channel=${INCIDENTS}&user=${ALICE}`)
    ).json()) as {
      messages: { text: string; edited?: unknown }[];
    };
    expect(listing.messages).toMatchObject([{ text: 'Step 1 done', edited: { user: expect.any(String) } }]);
    controller.abort();
  });

  it('serves the page and the workspace state for the user switcher', async () => {
    const page = await (await fetch(emulator.url)).text();
    const state = (await (await fetch(`${emulator.url}_ui/state?user=${ALICE}`)).json()) as {
      users: { id: string; role: string | null }[];
      channels: { name: string }[];
      dm: string;
    };

    expect(page).toContain('data-testid="composer"');
    expect(state.users).toContainEqual(expect.objectContaining({ id: ALICE, role: 'approver' }));
    expect(state.channels.map((c) => c.name)).toContain('incidents');
    expect(state.dm).toMatch(/^D/);
  });

  it('shows ephemeral messages only to their user', async () => {
    await webClient(emulator).chat.postEphemeral({ channel: INCIDENTS, user: ALICE, text: 'secret' });

    const forAlice = (await (
      await fetch(`${emulator.url}_ui/messages?channel=${INCIDENTS}&user=${ALICE}`)
    ).json()) as {
      messages: { text: string; ephemeral?: boolean }[];
    };
    const forBob = (await (
      await fetch(`${emulator.url}_ui/messages?channel=${INCIDENTS}&user=U0BOB`)
    ).json()) as {
      messages: unknown[];
    };

    expect(forAlice.messages).toMatchObject([{ text: 'secret', ephemeral: true }]);
    expect(forBob.messages).toEqual([]);
  });
});
