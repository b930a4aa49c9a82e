import type { WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/domain/clock.js';
import type { SlackEmulator } from '../../src/sandbox/slack/index.js';
import { ALICE, INCIDENTS, type Receiver, startRecordedEmulator, webClient } from './slack-fixture.js';

const modal = (title = 'Lifeboat') => ({
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: title },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }],
});
const home = { type: 'home' as const, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Home' } }] };

async function errorOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return (err as WebAPIPlatformError).data?.error;
  }
}

describe('Slack emulator views', () => {
  const clock = manualClock();
  let emulator: SlackEmulator;
  let receiver: Receiver;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ emulator, receiver, close } = await startRecordedEmulator({ clock: () => clock.now() }));
  });
  afterEach(() => close());

  async function trigger(): Promise<string> {
    await emulator.sendSlashCommand({ userId: ALICE, channelId: INCIDENTS, text: 'x' });
    return new URLSearchParams(receiver.requests.at(-1)?.body).get('trigger_id') ?? '';
  }

  it('rejects a trigger_id older than 3 seconds with expired_trigger_id', async () => {
    // Prepare
    const triggerId = await trigger();
    clock.advance(3001);

    // Act
    const error = await errorOf(webClient(emulator).views.open({ trigger_id: triggerId, view: modal() }));

    // Assert
    expect(error).toBe('expired_trigger_id');
    expect(emulator.openViews(ALICE)).toEqual([]);
  });

  it('accepts a trigger once and rejects reuse and unknown triggers', async () => {
    const client = webClient(emulator);
    const triggerId = await trigger();

    const opened = await client.views.open({ trigger_id: triggerId, view: modal() });

    expect(opened.view).toMatchObject({ type: 'modal', root_view_id: opened.view?.id });
    expect(await errorOf(client.views.open({ trigger_id: triggerId, view: modal() }))).toBe(
      'exchanged_trigger_id',
    );
    expect(await errorOf(client.views.open({ trigger_id: '1.2.nope', view: modal() }))).toBe(
      'invalid_trigger_id',
    );
  });

  it('rejects an invalid view with invalid_arguments', async () => {
    const client = webClient(emulator);
    const triggerId = await trigger();

    const error = await errorOf(client.views.open({ trigger_id: triggerId, view: modal('x'.repeat(25)) }));

    expect(error).toBe('invalid_arguments');
  });

  it('updates by view_id or external_id, checking the hash', async () => {
    // Prepare
    const client = webClient(emulator);
    const opened = await client.views.open({
      trigger_id: await trigger(),
      view: { ...modal(), external_id: 'run-1' },
    });
    const id = opened.view?.id ?? '';

    // Act
    const byId = await client.views.update({ view_id: id, hash: opened.view?.hash, view: modal('Step 2') });
    const conflict = await errorOf(
      client.views.update({ view_id: id, hash: opened.view?.hash, view: modal('Stale') }),
    );
    await client.views.update({ external_id: 'run-1', view: { ...modal('Step 3'), external_id: 'run-1' } });
    const missing = await errorOf(client.views.update({ view_id: 'V0NOPE', view: modal() }));

    // Assert
    expect(byId.view?.id).toBe(id);
    expect(conflict).toBe('hash_conflict');
    expect(emulator.openViews(ALICE)[0]?.title).toMatchObject({ text: 'Step 3' });
    expect(missing).toBe('not_found');
  });

  it('pushes at most three views', async () => {
    const client = webClient(emulator);
    await client.views.open({ trigger_id: await trigger(), view: modal('1') });
    await client.views.push({ trigger_id: await trigger(), view: modal('2') });
    await client.views.push({ trigger_id: await trigger(), view: modal('3') });

    const error = await errorOf(client.views.push({ trigger_id: await trigger(), view: modal('4') }));

    expect(error).toBe('push_limit_reached');
    expect(emulator.openViews(ALICE)).toHaveLength(3);
  });

  it('publishes the App Home per user', async () => {
    const client = webClient(emulator);

    const published = await client.views.publish({ user_id: ALICE, view: home });
    const again = await client.views.publish({ user_id: ALICE, view: home });

    expect(published.view?.type).toBe('home');
    expect(again.view?.id).toBe(published.view?.id);
    expect(emulator.homeView(ALICE)?.blocks).toHaveLength(1);
    expect(await errorOf(client.views.publish({ user_id: 'U0NOBODY', view: home }))).toBe('user_not_found');
  });
});
