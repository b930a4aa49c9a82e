import type { WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackEmulator } from '../../src/sandbox/slack/index.js';
import {
  ALICE,
  BOT_TOKEN,
  BOT_USER,
  INCIDENTS,
  rawCall,
  startTestEmulator,
  webClient,
} from './slack-fixture.js';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

async function platformError(promise: Promise<unknown>): Promise<WebAPIPlatformError['data']> {
  try {
    await promise;
  } catch (err) {
    return (err as WebAPIPlatformError).data;
  }
  throw new Error('expected the call to fail');
}

describe('Slack emulator Web API', () => {
  let emulator: SlackEmulator;

  beforeEach(async () => {
    emulator = await startTestEmulator();
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('accepts form-encoded calls with blocks as a JSON string and a Bearer token', async () => {
    // Prepare
    const body = new URLSearchParams({
      channel: INCIDENTS,
      text: 'fallback',
      blocks: JSON.stringify([section('*hello*')]),
    }).toString();

    // Act
    const res = await rawCall(emulator, 'chat.postMessage', body, {
      authorization: `Bearer ${BOT_TOKEN}`,
      'content-type': 'application/x-www-form-urlencoded',
    });

    // Assert
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      ok: true,
      channel: INCIDENTS,
      message: { text: 'fallback', bot_id: expect.any(String) },
    });
    expect(emulator.messages(INCIDENTS)[0]?.blocks).toEqual([section('*hello*')]);
  });

  it('accepts JSON calls and the token as a parameter', async () => {
    // Act
    const res = await rawCall(
      emulator,
      'chat.postMessage',
      JSON.stringify({ token: BOT_TOKEN, channel: INCIDENTS, text: 'json', blocks: [section('x')] }),
      { 'content-type': 'application/json; charset=utf-8' },
    );

    // Assert
    expect(res.json.ok).toBe(true);
    expect(res.json.ts).toMatch(/^\d{10}\.\d{6}$/);
  });

  it('answers not_authed without a token and invalid_auth with a wrong one', async () => {
    // Act
    const missing = await rawCall(emulator, 'auth.test', '', {});
    const wrong = await rawCall(emulator, 'auth.test', '', { authorization: 'Bearer xoxb-wrong' });

    // Assert
    expect(missing.json).toEqual({ ok: false, error: 'not_authed' });
    expect(wrong.json).toEqual({ ok: false, error: 'invalid_auth' });
    expect(wrong.status).toBe(200);
  });

  it('answers unknown_method with HTTP 200 like Slack', async () => {
    const res = await rawCall(emulator, 'chat.frobnicate', '', { authorization: `Bearer ${BOT_TOKEN}` });

    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: false, error: 'unknown_method' });
  });

  it('describes the bot in auth.test', async () => {
    const res = await webClient(emulator).auth.test();

    expect(res).toMatchObject({ ok: true, user_id: BOT_USER, user: 'lifeboat', url: emulator.url });
  });

  it('rejects an unknown channel with channel_not_found and a channel without the bot with not_in_channel', async () => {
    const client = webClient(emulator);

    expect(await platformError(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toMatchObject({
      error: 'channel_not_found',
    });
    expect(await platformError(client.chat.postMessage({ channel: 'C0PRIVATE', text: 'x' }))).toMatchObject({
      error: 'not_in_channel',
    });
  });

  it('rejects over-limit Block Kit with invalid_blocks and Slack-style messages', async () => {
    // Prepare: 51 blocks, one over the message limit.
    const blocks = Array.from({ length: 51 }, (_, i) => section(`block ${i}`));

    // Act
    const data = await platformError(
      webClient(emulator).chat.postMessage({ channel: INCIDENTS, text: 'x', blocks }),
    );

    // Assert
    expect(data.error).toBe('invalid_blocks');
    expect(data.response_metadata?.messages?.[0]).toMatch(/^\[ERROR\] .*json-pointer:\/blocks/);
    expect(emulator.messages(INCIDENTS)).toHaveLength(0);
  });

  it('rejects no_text and msg_too_long', async () => {
    const client = webClient(emulator);

    expect(await platformError(client.chat.postMessage({ channel: INCIDENTS, text: '' }))).toMatchObject({
      error: 'no_text',
    });
    expect(
      await platformError(client.chat.postMessage({ channel: INCIDENTS, text: 'x'.repeat(40_001) })),
    ).toMatchObject({ error: 'msg_too_long' });
  });

  it('threads replies, broadcasts, and lists history and replies with thread summaries', async () => {
    // Prepare
    const client = webClient(emulator);
    const parent = await client.chat.postMessage({ channel: INCIDENTS, text: 'alarm' });
    await client.chat.postMessage({ channel: INCIDENTS, text: 'step 1', thread_ts: parent.ts as string });
    await client.chat.postMessage({
      channel: INCIDENTS,
      text: 'done',
      thread_ts: parent.ts as string,
      reply_broadcast: true,
    });

    // Act
    const history = await client.conversations.history({ channel: INCIDENTS });
    const replies = await client.conversations.replies({ channel: INCIDENTS, ts: parent.ts ?? '' });

    // Assert
    expect(history.messages?.map((m) => m.text)).toEqual(['done', 'alarm']);
    expect(history.messages?.[1]).toMatchObject({ reply_count: 2, thread_ts: parent.ts as string });
    expect(replies.messages?.map((m) => m.text)).toEqual(['alarm', 'step 1', 'done']);
  });

  it('issues unique increasing ts values', async () => {
    const client = webClient(emulator);
    const a = await client.chat.postMessage({ channel: INCIDENTS, text: 'a' });
    const b = await client.chat.postMessage({ channel: INCIDENTS, text: 'b' });

    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
  });

  it('updates a bot message in place, keeping blocks when omitted, and marks it edited', async () => {
    // Prepare
    const client = webClient(emulator);
    const posted = await client.chat.postMessage({ channel: INCIDENTS, text: 'v1', blocks: [section('v1')] });

    // Act
    const updated = await client.chat.update({ channel: INCIDENTS, ts: posted.ts ?? '', text: 'v2' });

    // Assert
    expect(updated).toMatchObject({ ok: true, ts: posted.ts, text: 'v2' });
    const [stored] = emulator.messages(INCIDENTS);
    expect(stored).toMatchObject({ text: 'v2', blocks: [section('v1')], edited: { user: BOT_USER } });
  });

  it('refuses to update or find what is not there', async () => {
    const client = webClient(emulator);
    const human = await emulator.postUserMessage({ userId: ALICE, channelId: INCIDENTS, text: 'hi' });

    expect(
      await platformError(client.chat.update({ channel: INCIDENTS, ts: '1.000001', text: 'x' })),
    ).toMatchObject({
      error: 'message_not_found',
    });
    expect(
      await platformError(client.chat.update({ channel: INCIDENTS, ts: human.ts, text: 'x' })),
    ).toMatchObject({
      error: 'cant_update_message',
    });
  });

  it('posts ephemerals only the user sees, and deletes messages', async () => {
    const client = webClient(emulator);
    const eph = await client.chat.postEphemeral({ channel: INCIDENTS, user: ALICE, text: 'psst' });
    const posted = await client.chat.postMessage({ channel: INCIDENTS, text: 'bye' });
    await client.chat.delete({ channel: INCIDENTS, ts: posted.ts ?? '' });

    expect(eph.message_ts).toBeTruthy();
    expect(emulator.ephemerals(ALICE).map((m) => m.text)).toEqual(['psst']);
    expect(emulator.messages(INCIDENTS)).toHaveLength(0);
    expect(
      await platformError(client.chat.postEphemeral({ channel: INCIDENTS, user: 'U0NOBODY', text: 'x' })),
    ).toMatchObject({ error: 'user_not_found' });
  });

  it('opens a DM with a user, posts into it, and gives permalinks', async () => {
    const client = webClient(emulator);
    const open = await client.conversations.open({ users: ALICE });
    const dm = open.channel?.id ?? '';
    const posted = await client.chat.postMessage({ channel: dm, text: 'hello' });
    const link = await client.chat.getPermalink({ channel: dm, message_ts: posted.ts ?? '' });
    const info = await client.conversations.info({ channel: dm });

    expect(dm).toMatch(/^D/);
    expect(link.permalink).toBe(`${emulator.url}archives/${dm}/p${(posted.ts ?? '').replace('.', '')}`);
    expect(info.channel).toMatchObject({ id: dm, is_im: true, user: ALICE });
  });

  it('looks up users and user groups with Slack errors for unknown ones', async () => {
    const client = webClient(emulator);

    expect((await client.users.info({ user: ALICE })).user).toMatchObject({
      id: ALICE,
      real_name: 'Alice Example',
    });
    expect((await client.users.list({})).members?.map((m) => m.id)).toContain(BOT_USER);
    expect((await client.usergroups.users.list({ usergroup: 'S0APPROVERS' })).users).toEqual([ALICE]);
    expect(await platformError(client.users.info({ user: 'U0NOBODY' }))).toMatchObject({
      error: 'user_not_found',
    });
    expect(await platformError(client.usergroups.users.list({ usergroup: 'S0NONE' }))).toMatchObject({
      error: 'no_such_subteam',
    });
  });

  it('records every call with method, outcome and channel', async () => {
    const client = webClient(emulator);
    await client.chat.postMessage({ channel: INCIDENTS, text: 'x' });
    await platformError(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }));

    expect(emulator.apiCalls()).toEqual([
      expect.objectContaining({ method: 'chat.postMessage', ok: true, channel: INCIDENTS }),
      expect.objectContaining({
        method: 'chat.postMessage',
        ok: false,
        error: 'channel_not_found',
        channel: 'C0NOPE',
      }),
    ]);
  });
});
