import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnsEndpoint } from '../../src/alarms/sns-endpoint.js';
import { createSnsVerifier } from '../../src/alarms/sns-verify.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import {
  createSigningIdentity,
  type SigningIdentity,
  signSnsMessage,
  type UnsignedEnvelope,
} from '../../src/sandbox/aws/sns-signing.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:lifeboat-alarms';
const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem';

describe('POST /sns', () => {
  let identity: SigningIdentity;
  let server: HttpServer;
  let url: string;
  const received: string[] = [];
  const confirmed: string[] = [];
  const rejected: string[] = [];
  const subscriptions: string[] = [];

  const envelope = (over: Partial<UnsignedEnvelope> = {}): UnsignedEnvelope => ({
    Type: 'Notification',
    MessageId: `m-${Math.random()}`,
    TopicArn: TOPIC,
    Subject: 'ALARM: "payments-db-lag" in US East (N. Virginia)',
    Message: JSON.stringify({ AlarmName: 'payments-db-lag', NewStateValue: 'ALARM' }),
    Timestamp: new Date().toISOString(),
    SignatureVersion: '2',
    SigningCertURL: CERT_URL,
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
    ...over,
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/sns`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=UTF-8', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    identity = await createSigningIdentity();
    const logger = createLogger({ level: 'silent' });
    server = createHttpServer({
      logger,
      readiness: [],
      sns: createSnsEndpoint({
        logger,
        verify: createSnsVerifier({
          certificates: async () => identity.certificatePem,
          maxAgeMs: 15 * 60_000,
          // SignatureVersion 1 is refused unless configured (sns-verify.test.ts covers the default).
          acceptSha1: true,
        }),
        allowedTopics: () => [TOPIC],
        confirm: async (u) => void confirmed.push(u),
        onNotification: async (m) => void received.push(m.MessageId),
        onSubscription: async (e) => void subscriptions.push(`${e.type} ${e.topicArn}`),
        onRejected: (r) => void rejected.push(r.reason),
      }),
    });
    url = await server.listen(0, '127.0.0.1');
  });
  afterAll(() => server.close());

  it('accepts a valid SignatureVersion 2 notification', async () => {
    const message = signSnsMessage(envelope(), identity.privateKeyPem);
    const res = await post(message, { 'x-amz-sns-message-type': 'Notification' });
    expect(res.status).toBe(200);
    expect(received).toContain(message.MessageId);
  });

  it('accepts a valid SignatureVersion 1 notification without a subject when configured to', async () => {
    const { Subject: _subject, ...rest } = envelope({ SignatureVersion: '1' });
    const message = signSnsMessage(rest, identity.privateKeyPem);
    expect((await post(message)).status).toBe(200);
    expect(received).toContain(message.MessageId);
  });

  it('refuses a tampered message', async () => {
    const message = {
      ...signSnsMessage(envelope(), identity.privateKeyPem),
      Message: '{"AlarmName":"forged"}',
    };
    const res = await post(message);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ ok: false, error: 'signature' });
  });

  it('refuses a certificate on a host that is not SNS, and a plain http URL', async () => {
    const wrongHost = signSnsMessage(
      envelope({ SigningCertURL: 'https://evil.example.com/cert.pem' }),
      identity.privateKeyPem,
    );
    const http = signSnsMessage(
      envelope({ SigningCertURL: CERT_URL.replace('https', 'http') }),
      identity.privateKeyPem,
    );
    expect((await post(wrongHost)).status).toBe(403);
    expect((await post(http)).status).toBe(403);
  });

  it('refuses a stale message', async () => {
    const old = new Date(Date.now() - 16 * 60_000).toISOString();
    const res = await post(signSnsMessage(envelope({ Timestamp: old }), identity.privateKeyPem));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ ok: false, error: 'stale' });
  });

  it('refuses a topic the plan does not list', async () => {
    const other = 'arn:aws:sns:us-east-1:123456789012:someone-elses';
    const res = await post(signSnsMessage(envelope({ TopicArn: other }), identity.privateKeyPem));
    expect(res.status).toBe(403);
    expect(rejected).toContain('unknown_topic');
  });

  it('confirms a subscription only for an allowed topic', async () => {
    const confirmation = (topic: string) =>
      signSnsMessage(
        envelope({
          Type: 'SubscriptionConfirmation',
          TopicArn: topic,
          Subject: undefined,
          SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${topic}`,
          Token: 'tok',
          Message: 'You have chosen to subscribe',
        }),
        identity.privateKeyPem,
      );
    expect((await post(confirmation(TOPIC))).status).toBe(200);
    expect((await post(confirmation(`${TOPIC}-other`))).status).toBe(403);
    expect(confirmed).toHaveLength(1);
    // Issue 21: confirmations are audited (before the subscription is confirmed).
    expect(subscriptions).toEqual([`SubscriptionConfirmation ${TOPIC}`]);
  });

  it('audits an unsubscribe confirmation, and does not confirm when the audit write fails (issue 21)', async () => {
    const unsubscribe = signSnsMessage(
      envelope({
        Type: 'UnsubscribeConfirmation',
        Subject: undefined,
        SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}`,
        Token: 'tok',
        Message: 'You have chosen to deactivate subscription',
      }),
      identity.privateKeyPem,
    );
    expect((await post(unsubscribe)).status).toBe(200);
    expect(subscriptions).toContain(`UnsubscribeConfirmation ${TOPIC}`);

    const logger = createLogger({ level: 'silent' });
    const visited: string[] = [];
    const failing = createHttpServer({
      logger,
      readiness: [],
      sns: createSnsEndpoint({
        logger,
        verify: createSnsVerifier({ certificates: async () => identity.certificatePem }),
        allowedTopics: () => [TOPIC],
        confirm: async (u) => void visited.push(u),
        onNotification: async () => undefined,
        onSubscription: async () => {
          throw new Error('audit unavailable');
        },
      }),
    });
    const base = await failing.listen(0, '127.0.0.1');
    const confirmation = signSnsMessage(
      envelope({
        Type: 'SubscriptionConfirmation',
        Subject: undefined,
        SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}`,
        Token: 'tok',
        Message: 'You have chosen to subscribe',
      }),
      identity.privateKeyPem,
    );
    const res = await fetch(`${base}/sns`, { method: 'POST', body: JSON.stringify(confirmation) });
    expect(res.status).toBe(500);
    expect(visited).toEqual([]);
    await failing.close();
  });

  it('answers malformed bodies with 400 and stays up', async () => {
    expect((await post('{not json')).status).toBe(400);
    expect((await post({ Type: 'Notification' })).status).toBe(400);
    expect((await post('x'.repeat(400 * 1024))).status).toBe(413);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
