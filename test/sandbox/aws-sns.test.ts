import { createVerify, X509Certificate } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import MessageValidator from 'sns-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatedCloud } from './aws-fixture.js';

const ALARM_TOPIC = 'arn:aws:sns:us-east-1:123456789012:lifeboat-alarms';

type Envelope = Record<string, string>;

/** SNS's string to sign, written out independently of the sandbox's implementation. */
function stringToSign(m: Envelope): string {
  const keys =
    m.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return keys
    .filter((k) => m[k] !== undefined)
    .map((k) => `${k}\n${m[k]}\n`)
    .join('');
}

function verifiedWith(certificatePem: string, m: Envelope): boolean {
  const verifier = createVerify(m.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  verifier.update(stringToSign(m), 'utf8');
  return verifier.verify(new X509Certificate(certificatePem).publicKey, m.Signature ?? '', 'base64');
}

const getWithCa = (url: string, ca: string) =>
  new Promise<string>((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8');
        });
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });

/** A subscriber like Lifeboat's /sns: confirms subscriptions by GETting SubscribeURL, records notifications. */
async function subscriber(ca: string) {
  const received: { headers: IncomingHttpHeaders; body: Envelope }[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    req.on('end', async () => {
      const body = JSON.parse(text) as Envelope;
      received.push({ headers: req.headers, body });
      if (body.Type === 'SubscriptionConfirmation' && body.SubscribeURL)
        await getWithCa(body.SubscribeURL, ca);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('alarms and SNS delivery in the simulated cloud', () => {
  let env: Awaited<ReturnType<typeof simulatedCloud>> | undefined;
  let endpoint: Awaited<ReturnType<typeof subscriber>> | undefined;
  afterEach(async () => {
    await env?.close();
    await endpoint?.close();
    env = undefined;
    endpoint = undefined;
  });

  it('turns an injected outage into an ALARM whose correctly signed SNS notification reaches a local HTTP endpoint', async () => {
    // Prepare
    env = await simulatedCloud();
    const { cloud, clock } = env;
    endpoint = await subscriber(cloud.certificatePem);
    await cloud.subscribeHttp(ALARM_TOPIC, endpoint.url);
    // Act
    cloud.faults.regionOutage('us-east-1');
    clock.advance(180_000);
    await cloud.tick();
    // Assert
    const [confirmation, ...notifications] = endpoint.received;
    expect(confirmation?.body.Type).toBe('SubscriptionConfirmation');
    expect(confirmation && verifiedWith(cloud.certificatePem, confirmation.body)).toBe(true);
    const delivered = notifications.find(
      (n) => JSON.parse(n.body.Message ?? '{}').AlarmName === 'payments-db-writer-unavailable',
    );
    expect(delivered).toBeDefined();
    const { headers, body } = delivered as NonNullable<typeof delivered>;
    expect(headers['x-amz-sns-message-type']).toBe('Notification');
    expect(headers['x-amz-sns-message-id']).toBe(body.MessageId);
    expect(headers['x-amz-sns-topic-arn']).toBe(ALARM_TOPIC);
    expect(headers['content-type']).toMatch(/^text\/plain/);
    expect(body).toMatchObject({ Type: 'Notification', TopicArn: ALARM_TOPIC, SignatureVersion: '2' });
    expect(body.Subject).toBe('ALARM: "payments-db-writer-unavailable" in US West (Oregon)');
    expect(verifiedWith(cloud.certificatePem, body)).toBe(true);
    expect(verifiedWith(cloud.certificatePem, { ...body, Message: `${body.Message} ` })).toBe(false);
    const alarm = JSON.parse(body.Message ?? '{}');
    expect(alarm).toMatchObject({
      AlarmName: 'payments-db-writer-unavailable',
      AWSAccountId: '123456789012',
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      Region: 'US West (Oregon)',
      AlarmArn: 'arn:aws:cloudwatch:us-west-2:123456789012:alarm:payments-db-writer-unavailable',
      Trigger: {
        MetricName: 'AuroraGlobalDBReplicationLag',
        Namespace: 'AWS/RDS',
        StatisticType: 'Statistic',
        Statistic: 'MAXIMUM',
        Dimensions: [
          { name: 'DBClusterIdentifier', value: 'payments-usw2' },
          { name: 'SourceRegion', value: 'us-east-1' },
        ],
        ComparisonOperator: 'GreaterThanThreshold',
      },
    });
    expect(alarm.NewStateReason).toMatch(/^Threshold Crossed: 2 out of the last 2 datapoints/);
    expect(alarm.StateChangeTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  });

  it('passes sns-validator when it is told to trust the sandbox host and certificate', async () => {
    // Prepare
    env = await simulatedCloud();
    const { cloud, clock } = env;
    endpoint = await subscriber(cloud.certificatePem);
    await cloud.subscribeHttp(ALARM_TOPIC, endpoint.url);
    cloud.faults.regionOutage('us-east-1');
    clock.advance(180_000);
    await cloud.tick();
    const notification = endpoint.received.find((n) => n.body.Type === 'Notification');
    const validator = new MessageValidator(/^127\.0\.0\.1:\d+$/);
    const previousCa = https.globalAgent.options.ca;
    https.globalAgent.options.ca = cloud.certificatePem;
    // Act
    const outcome = await new Promise<string>((resolve) => {
      validator.validate(notification?.body ?? {}, (error) =>
        resolve(error ? String(error.message) : 'valid'),
      );
    }).finally(() => {
      https.globalAgent.options.ca = previousCa;
    });
    // Assert
    expect(outcome).toBe('valid');
  });

  it('delivers SNS messages to SQS queues, raw or as signed envelopes, for long polling', async () => {
    // Prepare
    env = await simulatedCloud();
    const { east, cloud } = env;
    const queueArn = async (name: string) => {
      const { QueueUrl } = await east.sqs.send(new CreateQueueCommand({ QueueName: name }));
      const attrs = await east.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      return { url: QueueUrl ?? '', arn: attrs.Attributes?.QueueArn ?? '' };
    };
    const raw = await queueArn('alarms-raw');
    const wrapped = await queueArn('alarms-wrapped');
    await east.sns.send(
      new SubscribeCommand({
        TopicArn: ALARM_TOPIC,
        Protocol: 'sqs',
        Endpoint: raw.arn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    await east.sns.send(
      new SubscribeCommand({ TopicArn: ALARM_TOPIC, Protocol: 'sqs', Endpoint: wrapped.arn }),
    );
    // Act
    const receiving = east.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: raw.url, WaitTimeSeconds: 2, MaxNumberOfMessages: 10 }),
    );
    await east.sns.send(
      new PublishCommand({ TopicArn: ALARM_TOPIC, Subject: 'hello', Message: '{"AlarmName":"x"}' }),
    );
    const rawMessages = await receiving;
    const wrappedMessages = await east.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: wrapped.url, WaitTimeSeconds: 0 }),
    );
    // Assert
    expect(rawMessages.Messages?.map((m) => m.Body)).toEqual(['{"AlarmName":"x"}']);
    const envelope = JSON.parse(wrappedMessages.Messages?.[0]?.Body ?? '{}') as Envelope;
    expect(envelope).toMatchObject({
      Type: 'Notification',
      Subject: 'hello',
      Message: '{"AlarmName":"x"}',
      TopicArn: ALARM_TOPIC,
    });
    expect(verifiedWith(cloud.certificatePem, envelope)).toBe(true);
    expect(cloud.published(ALARM_TOPIC).map((m) => m.subject)).toEqual(['hello']);
  });
});
