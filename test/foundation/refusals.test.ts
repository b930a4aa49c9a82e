import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditEventInput } from '../../src/audit/types.js';
import { parseConfig } from '../../src/config.js';
import { createRefusalAudit } from '../../src/http/refusals.js';
import { createLogger } from '../../src/logger.js';
import { type Lifeboat, startLifeboat } from '../../src/main.js';
import { type FakeSlackApi, postSigned, slashCommandBody, startFakeSlackApi } from '../helpers/slack.js';

const SECRET = 'test-signing-secret';
const logger = createLogger({ level: 'silent' });

/** Issue 21: a flood of refused anonymous requests must not queue audit entries one per request. */
describe('refused requests are audited as per-minute aggregates', () => {
  let slack: FakeSlackApi;
  let bot: Lifeboat;

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
    bot = await startLifeboat({ config, logger });
  });
  afterAll(async () => {
    await bot.close();
    await slack.close();
  });

  const entries = async (type: AuditEntry['type']) => {
    const out: AuditEntry[] = [];
    for await (const entry of bot.audit.query()) if (entry.type === type) out.push(entry);
    return out;
  };

  it('writes one entry per reason for 200 bad signatures and 50 oversized SNS bodies, with truncated samples', async () => {
    // Act: bad signatures on the Slack route, bad SNS envelopes carrying a large message
    for (let i = 0; i < 200; i += 20)
      await Promise.all(
        Array.from({ length: 20 }, () =>
          postSigned(`${bot.url}/slack/events`, slashCommandBody({ text: 'help' }), {
            secret: SECRET,
            signature: 'v0=deadbeef',
          }),
        ),
      );
    const forged = JSON.stringify({
      Type: 'Notification',
      MessageId: 'x',
      TopicArn: `arn:aws:sns:us-east-1:123456789012:${'t'.repeat(200)}`,
      Message: 'A'.repeat(250_000),
      Timestamp: new Date().toISOString(),
      SignatureVersion: '2',
      Signature: 'AAAA',
      SigningCertURL: `https://evil.example.com/${'p'.repeat(5_000)}.pem`,
    });
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${bot.url}/sns`, { method: 'POST', body: forged });
      expect(res.status).toBe(403);
    }
    // Nothing is written per request: the window is still open.
    expect(await entries('http.rejected')).toHaveLength(0);
    await bot.refusals.flush();

    // Assert
    const http = await entries('http.rejected');
    expect(http).toHaveLength(1);
    expect(http[0]?.details).toMatchObject({ aggregate: true, reason: 'invalid_signature', count: 200 });
    const sns = await entries('alarm.rejected');
    expect(sns).toHaveLength(1);
    expect(sns[0]?.details).toMatchObject({ aggregate: true, reason: 'cert_url', count: 50 });
    expect(JSON.stringify(sns[0]?.details).length).toBeLessThan(2_000);
  });
});

describe('createRefusalAudit', () => {
  it('never waits for its audit log and stays bounded however many reasons arrive', async () => {
    const appended: AuditEventInput[] = [];
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const refusals = createRefusalAudit({
      audit: {
        append: async (event) => {
          await blocked;
          appended.push(event);
          return {} as AuditEntry;
        },
      },
      logger,
      maxKeys: 8,
    });
    for (let i = 0; i < 10_000; i++)
      refusals.record({
        type: 'http.rejected',
        reason: `reason_${i % 50}: ${'x'.repeat(1_000)}`,
        status: 401,
      });
    expect(refusals.stats()).toMatchObject({ pending: 10_000, keys: 9 });
    const flushed = refusals.flush();
    // The log is stuck: refusals keep being counted meanwhile, in the next window.
    for (let i = 0; i < 100; i++) refusals.record({ type: 'http.rejected', reason: 'stale', status: 401 });
    expect(refusals.stats()).toMatchObject({ pending: 100, keys: 1 });
    release();
    await flushed;
    expect(appended).toHaveLength(9);
    const total = appended.reduce((n, e) => n + Number(e.details?.count), 0);
    expect(total).toBe(10_000);
    const other = appended.find((e) => e.details?.reason === 'other');
    expect(other?.details?.count).toBe(10_000 - 8 * 200);
    for (const e of appended) expect(JSON.stringify(e).length).toBeLessThan(800);
    await refusals.close();
    expect(appended).toHaveLength(10);
  });
});
