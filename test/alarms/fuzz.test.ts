import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type Lifeboat, startLifeboat } from '../../src/main.js';
import { parsePlan } from '../../src/plan/load.js';
import { type FakeSlackApi, slackSignature, startFakeSlackApi } from '../helpers/slack.js';
import { metricAlarm } from './fixtures.js';
import { CERT_URL, PLAN_YAML, TOPIC } from './harness.js';

const SECRET = 'fuzz-signing-secret';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const contentTypes = fc.constantFrom(
  'text/plain; charset=UTF-8',
  'application/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '',
);

/** SNS-shaped objects with wrong types, missing or extra fields, and bodies that are not JSON at all. */
const snsBodies = fc.oneof(
  fc.string({ maxLength: 2_000 }),
  fc.json({ maxDepth: 4 }),
  fc
    .record(
      {
        Type: fc.constantFrom(
          'Notification',
          'SubscriptionConfirmation',
          'UnsubscribeConfirmation',
          'Other',
          42,
        ),
        MessageId: fc.oneof(fc.uuid(), fc.integer(), fc.constant('')),
        TopicArn: fc.oneof(fc.constant(TOPIC), fc.string()),
        Message: fc.oneof(
          fc.string(),
          fc.constant(metricAlarm('payments-fuzz', 'ALARM', Date.now())),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        Timestamp: fc.oneof(fc.constant(new Date().toISOString()), fc.string()),
        SignatureVersion: fc.constantFrom('1', '2', '3', 2),
        Signature: fc.base64String({ maxLength: 344 }),
        SigningCertURL: fc.oneof(fc.constant(CERT_URL), fc.webUrl(), fc.string()),
        SubscribeURL: fc.webUrl(),
        Token: fc.string(),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.constant('x'.repeat(310 * 1024)),
);

const slackBodies = fc.oneof(
  fc.string({ maxLength: 2_000 }),
  fc.json({ maxDepth: 4 }),
  fc
    .dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 50 }))
    .map((d) => new URLSearchParams(d).toString()),
  fc.jsonValue().map((v) => `payload=${encodeURIComponent(JSON.stringify(v))}`),
  fc.constant('y'.repeat(1_100 * 1024)),
);

const notJson = (text: string) => {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
};

/**
 * Requests to /slack/events: anything unsigned (or wrongly signed), and correctly signed bodies that
 * are malformed or oversized. (A signed, well-formed event of no known type makes Bolt wait 3 s for
 * an ack that never comes; that is Bolt's behaviour, not a crash, and too slow to fuzz.)
 */
const slackRequests = fc.oneof(
  fc.record({ body: slackBodies, contentType: contentTypes, signed: fc.constant(false) }),
  fc.record({
    body: fc.oneof(fc.string({ maxLength: 500 }).filter(notJson), fc.constant('z'.repeat(1_100 * 1024))),
    contentType: fc.constant('application/json'),
    signed: fc.constant(true),
  }),
);

describe('fuzzing the public endpoints', () => {
  let slack: FakeSlackApi;
  let bot: Lifeboat;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    const config = parseConfig(
      {
        SLACK_BOT_TOKEN: 'xoxb-fuzz',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        LOG_LEVEL: 'silent',
      },
      { memoryState: true },
    );
    bot = await startLifeboat({
      config,
      plan: parsePlan(PLAN_YAML),
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await bot.close(1_000);
    await slack.close();
  });

  it('answers POST /sns garbage with 4xx only, stays up, and keeps memory flat', async () => {
    // Prepare
    const before = heapAfterGc();

    // Act / Assert
    await fc.assert(
      fc.asyncProperty(snsBodies, contentTypes, async (body, contentType) => {
        const res = await fetch(`${bot.url}/sns`, {
          method: 'POST',
          headers: contentType ? { 'content-type': contentType } : {},
          body,
        });
        await res.arrayBuffer();
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 120 },
    );
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    expect(heapAfterGc() - before).toBeLessThan(40 * 1024 * 1024);
  });

  it('answers POST /slack/events garbage (signed or not) with 4xx only, stays up, and keeps memory flat', async () => {
    // Prepare
    const before = heapAfterGc();

    // Act / Assert
    await fc.assert(
      fc.asyncProperty(slackRequests, async ({ body, contentType, signed }) => {
        const timestamp = Math.floor(Date.now() / 1000);
        const res = await fetch(`${bot.url}/slack/events`, {
          method: 'POST',
          headers: {
            ...(contentType ? { 'content-type': contentType } : {}),
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': signed ? slackSignature(SECRET, timestamp, body) : 'v0=bad',
          },
          body,
        });
        await res.arrayBuffer();
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 120 },
    );
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    expect(heapAfterGc() - before).toBeLessThan(40 * 1024 * 1024);
  });
});
