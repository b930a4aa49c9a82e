import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type Lifeboat, startLifeboat } from '../../src/main.js';
import { type FakeSlackApi, postSigned, slashCommandBody, startFakeSlackApi } from '../helpers/slack.js';

const SECRET = 'test-signing-secret';

describe('the Bolt app over real signed HTTP', () => {
  let slack: FakeSlackApi;
  let bot: Lifeboat;
  let events: string;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    const config = parseConfig(
      {
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        DR_PLAN: 'dr-plan.example.yml',
        LOG_LEVEL: 'silent',
      },
      { memoryState: true },
    );
    bot = await startLifeboat({ config, logger: createLogger({ level: 'silent' }) });
    events = `${bot.url}/slack/events`;
  });
  afterAll(async () => {
    await bot.close();
    await slack.close();
  });

  it('answers /dr help in the ack, ephemerally', async () => {
    const res = await postSigned(events, slashCommandBody({ text: 'help' }), { secret: SECRET });

    expect(res.status).toBe(200);
    const body = res.json<{ response_type: string; text: string; blocks: unknown[] }>();
    expect(body.response_type).toBe('ephemeral');
    expect(JSON.stringify(body.blocks)).toContain('/dr status');
    expect(JSON.stringify(body.blocks)).toContain('/dr drill');
  });

  it('answers an unknown subcommand with usage', async () => {
    const res = await postSigned(events, slashCommandBody({ text: 'sink-the-ship now' }), { secret: SECRET });

    expect(res.status).toBe(200);
    expect(res.json<{ text: string }>().text).toContain('Unknown subcommand "sink-the-ship"');
  });

  it('suggests the subcommand a typo was probably meant to be', async () => {
    const res = await postSigned(events, slashCommandBody({ text: 'statsu payments' }), { secret: SECRET });

    const body = res.json<{ text: string }>();
    expect(body.text).toContain('Unknown subcommand "statsu". Did you mean /dr status?');
    // Nothing close: no guess.
    const far = await postSigned(events, slashCommandBody({ text: 'sink-the-ship' }), { secret: SECRET });
    expect(far.json<{ text: string }>().text).not.toContain('Did you mean');
  });

  it('renders the example plan for /dr plan payments', async () => {
    const res = await postSigned(events, slashCommandBody({ text: 'plan payments' }), { secret: SECRET });

    const text = JSON.stringify(res.json());
    expect(text).toContain('DR plan: payments');
    expect(text).toContain('promote-db');
    expect(text).toContain('in parallel');
  });

  it('acks a slow subcommand at once with an empty body and answers later', async () => {
    const res = await postSigned(events, slashCommandBody({ text: 'failback payments' }), { secret: SECRET });

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });

  it('rejects a bad signature with 401', async () => {
    const res = await postSigned(events, slashCommandBody({ text: 'help' }), {
      secret: SECRET,
      signature: 'v0=deadbeef',
    });
    expect(res.status).toBe(401);
  });

  it('rejects a stale timestamp with 401', async () => {
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await postSigned(events, slashCommandBody({ text: 'help' }), {
      secret: SECRET,
      timestamp: old,
    });
    expect(res.status).toBe(401);
  });

  it('rejects a timestamp from the future with 401, although correctly signed', async () => {
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    const res = await postSigned(events, slashCommandBody({ text: 'help' }), {
      secret: SECRET,
      timestamp: future,
    });
    expect(res.status).toBe(401);
    expect(res.json<{ error: string }>().error).toBe('timestamp_in_future');
  });

  it('serves /healthz and /readyz', async () => {
    const health = await fetch(`${bot.url}/healthz`);
    const ready = await fetch(`${bot.url}/readyz`);

    expect(health.status).toBe(200);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ok: true,
      checks: [
        { name: 'plan', ok: true },
        { name: 'dynamodb', ok: true },
      ],
    });
  });

  it('audits commands and refused requests', async () => {
    await postSigned(events, slashCommandBody({ text: 'plan accounts', user: 'U0BOB' }), { secret: SECRET });
    await postSigned(events, slashCommandBody({ text: 'help' }), { secret: SECRET, signature: 'v0=00' });

    // Static answers do not wait for the audit write; it lands right after.
    await expect
      .poll(async () => {
        const entries = [];
        for await (const entry of bot.audit.query()) entries.push(entry);
        return entries;
      })
      .toContainEqual(
        expect.objectContaining({ type: 'command', actor: 'U0BOB', details: { text: '/dr plan accounts' } }),
      );
    // Refusals are audited as per-minute aggregates (test/foundation/refusals.test.ts); write this window now.
    await bot.refusals.flush();
    const rejected = [];
    for await (const entry of bot.audit.query()) if (entry.type === 'http.rejected') rejected.push(entry);
    expect(rejected.length).toBeGreaterThan(0);
  });

  it('answers unknown paths with 404 and stays up', async () => {
    const res = await fetch(`${bot.url}/nope`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(404);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  });
});
