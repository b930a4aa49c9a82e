import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type {
  ChangeMessageVisibilityCommandInput,
  ChangeMessageVisibilityCommandOutput,
  CreateQueueCommandInput,
  CreateQueueCommandOutput,
  DeleteMessageCommandInput,
  DeleteMessageCommandOutput,
  GetQueueAttributesCommandInput,
  GetQueueAttributesCommandOutput,
  GetQueueUrlCommandInput,
  GetQueueUrlCommandOutput,
  Message,
  MessageAttributeValue,
  ReceiveMessageCommandInput,
  ReceiveMessageCommandOutput,
  SendMessageCommandInput,
  SendMessageCommandOutput,
} from '@aws-sdk/client-sqs';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import type { World } from './world.js';

interface QueuedMessage {
  id: string;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  receipt?: string;
}
export interface Queue {
  name: string;
  region: string;
  url: string;
  arn: string;
  createdAt: number;
  attributes: Record<string, string>;
  messages: QueuedMessage[];
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const DEFAULTS = {
  VisibilityTimeout: '30',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
};

/** SQS queues, with scaled visibility timeouts and long polling. */
export class SqsModel {
  readonly queues = new Map<string, Queue>();
  private readonly arrivals = new EventEmitter();
  private closed = false;

  constructor(private readonly w: World) {
    this.arrivals.setMaxListeners(0);
  }

  create(region: string, name: string, attributes: Record<string, string> = {}): Queue {
    const url = `https://sqs.${region}.amazonaws.com/${this.w.account}/${name}`;
    const existing = this.queues.get(url);
    if (existing) return existing;
    const queue: Queue = {
      name,
      region,
      url,
      arn: `arn:aws:sqs:${region}:${this.w.account}:${name}`,
      createdAt: this.w.time.now(),
      attributes: { ...DEFAULTS, ...attributes },
      messages: [],
    };
    this.queues.set(url, queue);
    return queue;
  }

  byArn(arn: string): Queue | undefined {
    return [...this.queues.values()].find((q) => q.arn === arn);
  }

  get(url: string | undefined, region: string): Queue {
    const queue = url
      ? (this.queues.get(url) ??
        [...this.queues.values()].find((q) => q.region === region && url.endsWith(`/${q.name}`)))
      : undefined;
    if (!queue) throw awsError('sqs', 'QueueDoesNotExist', 'The specified queue does not exist.');
    return queue;
  }

  enqueue(queue: Queue, body: string, attributes: Record<string, MessageAttributeValue> = {}): string {
    const now = this.w.time.now();
    const id = randomUUID();
    queue.messages.push({ id, body, attributes, sentAt: now, visibleAt: now, receiveCount: 0 });
    this.arrivals.emit(queue.url);
    return id;
  }

  close(): void {
    this.closed = true;
    this.arrivals.emit('close');
  }

  private visible(queue: Queue, now: number): QueuedMessage[] {
    const retention = Number(queue.attributes.MessageRetentionPeriod) * 1000;
    queue.messages = queue.messages.filter((m) => now - m.sentAt < this.w.time.toClock(retention));
    return queue.messages.filter((m) => m.visibleAt <= now);
  }

  async receive(queue: Queue, input: ReceiveMessageCommandInput): Promise<Message[]> {
    const waitS = input.WaitTimeSeconds ?? Number(queue.attributes.ReceiveMessageWaitTimeSeconds);
    if (this.visible(queue, this.w.time.now()).length === 0 && waitS > 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.arrivals.off(queue.url, done);
          this.arrivals.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, this.w.time.toClock(waitS * 1000));
        timer.unref?.();
        this.arrivals.on(queue.url, done);
        this.arrivals.on('close', done);
      });
    }
    const now = this.w.time.now();
    const visibility = (input.VisibilityTimeout ?? Number(queue.attributes.VisibilityTimeout)) * 1000;
    const picked = this.visible(queue, now).slice(
      0,
      Math.min(10, Math.max(1, input.MaxNumberOfMessages ?? 1)),
    );
    const wantedAttrs = input.MessageAttributeNames ?? [];
    return picked.map((m) => {
      m.receiveCount += 1;
      m.firstReceivedAt ??= now;
      m.visibleAt = now + this.w.time.toClock(visibility);
      m.receipt = randomBytes(48).toString('base64');
      const attrs = Object.fromEntries(
        Object.entries(m.attributes).filter(
          ([k]) => wantedAttrs.includes('All') || wantedAttrs.includes('.*') || wantedAttrs.includes(k),
        ),
      );
      return {
        MessageId: m.id,
        ReceiptHandle: m.receipt,
        MD5OfBody: md5(m.body),
        Body: m.body,
        Attributes: {
          SentTimestamp: String(m.sentAt),
          ApproximateReceiveCount: String(m.receiveCount),
          ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
          SenderId: 'AIDASANDBOXSNS',
        },
        ...(Object.keys(attrs).length > 0 ? { MessageAttributes: attrs } : {}),
      };
    });
  }

  byReceipt(queue: Queue, receipt: string | undefined): QueuedMessage {
    const m = queue.messages.find((x) => x.receipt !== undefined && x.receipt === receipt);
    if (!m)
      throw awsError(
        'sqs',
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${receipt ?? ''}" is not a valid receipt handle.`,
      );
    return m;
  }

  describe() {
    const now = this.w.time.now();
    return [...this.queues.values()].map((q) => ({
      url: q.url,
      messages: q.messages.filter((m) => m.visibleAt <= now).length,
      inFlight: q.messages.filter((m) => m.visibleAt > now).length,
    }));
  }
}

export function registerSqs(registry: Registry, sqs: SqsModel): void {
  registry
    .on<CreateQueueCommandInput, CreateQueueCommandOutput>('sqs:CreateQueue', (input, { region }) => ({
      QueueUrl: sqs.create(region, input.QueueName ?? '', input.Attributes).url,
    }))
    .on<GetQueueUrlCommandInput, GetQueueUrlCommandOutput>('sqs:GetQueueUrl', (input, { region }) => ({
      QueueUrl: sqs.get(`/${input.QueueName ?? ''}`, region).url,
    }))
    .on<SendMessageCommandInput, SendMessageCommandOutput>('sqs:SendMessage', (input, { region }) => {
      const body = input.MessageBody ?? '';
      return {
        MessageId: sqs.enqueue(sqs.get(input.QueueUrl, region), body, input.MessageAttributes),
        MD5OfMessageBody: md5(body),
      };
    })
    .on<ReceiveMessageCommandInput, ReceiveMessageCommandOutput>(
      'sqs:ReceiveMessage',
      async (input, { region }) => {
        const messages = await sqs.receive(sqs.get(input.QueueUrl, region), input);
        return messages.length > 0 ? { Messages: messages } : {};
      },
    )
    .on<DeleteMessageCommandInput, DeleteMessageCommandOutput>('sqs:DeleteMessage', (input, { region }) => {
      const queue = sqs.get(input.QueueUrl, region);
      const m = sqs.byReceipt(queue, input.ReceiptHandle);
      queue.messages = queue.messages.filter((x) => x !== m);
      return {};
    })
    .on<ChangeMessageVisibilityCommandInput, ChangeMessageVisibilityCommandOutput>(
      'sqs:ChangeMessageVisibility',
      (input, { world, region }) => {
        const m = sqs.byReceipt(sqs.get(input.QueueUrl, region), input.ReceiptHandle);
        m.visibleAt = world.time.now() + world.time.toClock((input.VisibilityTimeout ?? 0) * 1000);
        return {};
      },
    )
    .on<GetQueueAttributesCommandInput, GetQueueAttributesCommandOutput>(
      'sqs:GetQueueAttributes',
      (input, { world, region }) => {
        const q = sqs.get(input.QueueUrl, region);
        const now = world.time.now();
        const all: Record<string, string> = {
          ...q.attributes,
          QueueArn: q.arn,
          ApproximateNumberOfMessages: String(q.messages.filter((m) => m.visibleAt <= now).length),
          ApproximateNumberOfMessagesNotVisible: String(q.messages.filter((m) => m.visibleAt > now).length),
          ApproximateNumberOfMessagesDelayed: '0',
          CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
          LastModifiedTimestamp: String(Math.floor(q.createdAt / 1000)),
          SqsManagedSseEnabled: 'true',
        };
        const names = input.AttributeNames ?? [];
        const picked = names.includes('All')
          ? all
          : Object.fromEntries(Object.entries(all).filter(([k]) => (names as string[]).includes(k)));
        return { Attributes: picked };
      },
    );
}
