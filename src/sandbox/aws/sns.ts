import { randomBytes, randomUUID } from 'node:crypto';
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { DURATIONS } from './durations.js';
import { awsError } from './errors.js';
import {
  type SigningIdentity,
  type SnsEnvelope,
  signSnsMessage,
  type UnsignedEnvelope,
} from './sns-signing.js';
import type { SqsModel } from './sqs.js';
import type { World } from './world.js';

export interface Subscription {
  arn: string;
  topicArn: string;
  protocol: 'http' | 'https' | 'sqs';
  endpoint: string;
  raw: boolean;
  confirmed: boolean;
  token: string;
}
export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  at: number;
  attributes: Record<string, MessageAttributeValue>;
}
export interface Topic {
  arn: string;
  region: string;
  name: string;
  subscriptions: Subscription[];
  published: PublishedMessage[];
}
interface Delivery {
  subscription: Subscription;
  envelope: SnsEnvelope;
  attempt: number;
  dueAt: number;
}

export interface SnsOptions {
  readonly identity: SigningIdentity;
  readonly urls: () => { baseUrl: string; certUrl: string };
  readonly signatureVersion: '1' | '2';
  /** Per-attempt HTTP delivery timeout, real ms. */
  readonly deliveryTimeoutMs: number;
}

const SNS_RETRIES = 3;

/** SNS topics, publishing, subscriptions, and signed delivery to HTTP(S) endpoints and SQS queues. */
export class SnsModel {
  readonly topics = new Map<string, Topic>();
  private queue: Delivery[] = [];
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly w: World,
    private readonly sqs: SqsModel,
    private readonly options: SnsOptions,
  ) {}

  ensureTopic(arn: string): Topic {
    let topic = this.topics.get(arn);
    if (!topic) {
      const parts = arn.split(':');
      topic = { arn, region: parts[3] ?? '', name: parts[5] ?? '', subscriptions: [], published: [] };
      this.topics.set(arn, topic);
    }
    return topic;
  }

  topic(arn: string | undefined, region?: string): Topic {
    const topic = arn ? this.topics.get(arn) : undefined;
    if (!topic) throw awsError('sns', 'NotFoundException', 'Topic does not exist', 404);
    if (region && topic.region !== region)
      throw awsError('sns', 'InvalidParameterException', 'Invalid parameter: TopicArn', 400);
    return topic;
  }

  publish(
    topicArn: string,
    message: string,
    subject?: string,
    attributes: Record<string, MessageAttributeValue> = {},
  ): string {
    const topic = this.topic(topicArn);
    const messageId = randomUUID();
    const at = this.w.time.now();
    topic.published.push({ messageId, topicArn, ...(subject ? { subject } : {}), message, at, attributes });
    this.w.events.emit('sns', { topicArn, messageId, subject, message, at });
    for (const sub of topic.subscriptions) {
      if (!sub.confirmed) continue;
      const envelope = this.sign({
        Type: 'Notification',
        MessageId: messageId,
        TopicArn: topicArn,
        ...(subject ? { Subject: subject } : {}),
        Message: message,
        Timestamp: new Date(at).toISOString(),
        SignatureVersion: this.options.signatureVersion,
        SigningCertURL: this.options.urls().certUrl,
        UnsubscribeURL: `${this.options.urls().baseUrl}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(sub.arn)}`,
        ...(Object.keys(attributes).length > 0
          ? {
              MessageAttributes: Object.fromEntries(
                Object.entries(attributes).map(([k, v]) => [
                  k,
                  { Type: v.DataType ?? 'String', Value: v.StringValue ?? '' },
                ]),
              ),
            }
          : {}),
      });
      if (sub.protocol === 'sqs') this.toQueue(sub, envelope, attributes);
      else this.enqueue(sub, envelope);
    }
    this.pump();
    return messageId;
  }

  subscribe(topicArn: string, protocol: string, endpoint: string, raw: boolean): Subscription {
    const topic = this.topic(topicArn);
    if (protocol !== 'http' && protocol !== 'https' && protocol !== 'sqs')
      throw awsError(
        'sns',
        'InvalidParameterException',
        `Invalid parameter: Protocol ${protocol} is not simulated`,
      );
    const existing = topic.subscriptions.find((s) => s.protocol === protocol && s.endpoint === endpoint);
    if (existing) return existing;
    const sub: Subscription = {
      arn: `${topicArn}:${randomUUID()}`,
      topicArn,
      protocol,
      endpoint,
      raw,
      confirmed: protocol === 'sqs',
      token: randomBytes(64).toString('hex'),
    };
    if (protocol === 'sqs' && !this.sqs.byArn(endpoint))
      throw awsError('sns', 'InvalidParameterException', 'Invalid parameter: Endpoint (no such queue)');
    topic.subscriptions.push(sub);
    if (!sub.confirmed) {
      const { baseUrl, certUrl } = this.options.urls();
      const subscribeUrl = `${baseUrl}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${sub.token}`;
      this.enqueue(
        sub,
        this.sign({
          Type: 'SubscriptionConfirmation',
          MessageId: randomUUID(),
          Token: sub.token,
          TopicArn: topicArn,
          Message: `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
          SubscribeURL: subscribeUrl,
          Timestamp: new Date(this.w.time.now()).toISOString(),
          SignatureVersion: this.options.signatureVersion,
          SigningCertURL: certUrl,
        }),
      );
      this.pump();
    }
    return sub;
  }

  confirm(topicArn: string, token: string): string {
    const sub = this.topic(topicArn).subscriptions.find((s) => s.token === token);
    if (!sub) throw awsError('sns', 'InvalidParameterException', 'Invalid token');
    sub.confirmed = true;
    this.w.events.emit('subscription', { arn: sub.arn, endpoint: sub.endpoint, confirmed: true });
    return sub.arn;
  }

  unsubscribe(subscriptionArn: string): void {
    for (const topic of this.topics.values())
      topic.subscriptions = topic.subscriptions.filter((s) => s.arn !== subscriptionArn);
  }

  /** Starts every delivery that is due; `settle` waits for all in flight. */
  pump(): void {
    const now = this.w.time.now();
    const due = this.queue.filter((d) => d.dueAt <= now);
    this.queue = this.queue.filter((d) => d.dueAt > now);
    for (const d of due) {
      const p = this.deliver(d).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
  }

  async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  describe() {
    return [...this.topics.values()].map((t) => ({
      arn: t.arn,
      published: t.published.length,
      subscriptions: t.subscriptions.map((s) => ({
        endpoint: s.endpoint,
        protocol: s.protocol,
        confirmed: s.confirmed,
      })),
    }));
  }

  private sign(envelope: UnsignedEnvelope): SnsEnvelope {
    return signSnsMessage(envelope, this.options.identity.privateKeyPem);
  }

  private enqueue(subscription: Subscription, envelope: SnsEnvelope): void {
    this.queue.push({ subscription, envelope, attempt: 1, dueAt: this.w.time.now() });
  }

  private toQueue(
    sub: Subscription,
    envelope: SnsEnvelope,
    attributes: Record<string, MessageAttributeValue>,
  ): void {
    const queue = this.sqs.byArn(sub.endpoint);
    if (!queue) return;
    if (sub.raw) {
      const attrs = Object.fromEntries(
        Object.entries(attributes).map(([k, v]) => [
          k,
          {
            DataType: v.DataType ?? 'String',
            ...(v.StringValue !== undefined ? { StringValue: v.StringValue } : {}),
          },
        ]),
      );
      this.sqs.enqueue(queue, envelope.Message, attrs);
    } else {
      this.sqs.enqueue(queue, JSON.stringify(envelope));
    }
  }

  private async deliver(d: Delivery): Promise<void> {
    const { subscription: sub, envelope } = d;
    let status = 0;
    let failure: string | undefined;
    try {
      const res = await fetch(sub.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain; charset=UTF-8',
          'user-agent': 'Amazon Simple Notification Service Agent',
          'x-amz-sns-message-type': envelope.Type,
          'x-amz-sns-message-id': envelope.MessageId,
          'x-amz-sns-topic-arn': envelope.TopicArn,
          ...(envelope.Type === 'Notification' ? { 'x-amz-sns-subscription-arn': sub.arn } : {}),
          ...(sub.raw && envelope.Type === 'Notification' ? { 'x-amz-sns-rawdelivery': 'true' } : {}),
        },
        body: sub.raw && envelope.Type === 'Notification' ? envelope.Message : JSON.stringify(envelope),
        signal: AbortSignal.timeout(this.options.deliveryTimeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (error) {
      failure = String((error as Error).message);
    }
    const ok = status >= 200 && status < 300;
    const retry = !ok && d.attempt <= SNS_RETRIES;
    this.w.events.emit('delivery', {
      subscriptionArn: sub.arn,
      endpoint: sub.endpoint,
      type: envelope.Type,
      messageId: envelope.MessageId,
      attempt: d.attempt,
      status,
      ok,
      ...(failure ? { error: failure } : {}),
      willRetry: retry,
      at: this.w.time.now(),
    });
    if (retry) {
      this.queue.push({
        ...d,
        attempt: d.attempt + 1,
        dueAt: this.w.time.now() + this.w.time.toClock(DURATIONS.snsRetryDelay),
      });
    }
  }
}
