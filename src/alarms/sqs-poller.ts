import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { sdk } from '../adapters/aws/sdk.js';
import type { Logger } from '../logger.js';

/**
 * Long-polls the SQS queue subscribed to the alarm topics (SNS → SQS keeps alarms for days while
 * Lifeboat is down or redeploying). A message is deleted only after `handle` says it is durably
 * recorded (or a duplicate). While `handle` runs, the message's visibility is extended so a slow
 * store does not hand it to another replica. A message `handle` rejects stays in the queue, so the
 * queue's redrive policy moves it to the dead-letter queue after maxReceiveCount receives; it is
 * reported on its first and last receive. Errors back off exponentially; `stop` aborts the poll.
 */

/** recorded/duplicate/ignored: delete; rejected: malformed, left for the DLQ; failed: retry later. */
export type SqsOutcome = 'recorded' | 'duplicate' | 'ignored' | 'rejected' | 'failed';

export interface SqsPollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly logger: Logger;
  /** Processes one message body; 'rejected' = malformed (never deleted), thrown or 'failed' = retry later. */
  readonly handle: (body: string, message: Message) => Promise<SqsOutcome>;
  /** Told of a poison message on its first receive and when it reaches the redrive threshold. */
  readonly onPoison?: (info: {
    messageId: string;
    receiveCount: number;
    final: boolean;
    reason: string;
  }) => void;
  /** Long-poll wait, s (default 20, SQS's maximum). */
  readonly waitSeconds?: number;
  /** Visibility granted per receive and per extension, s (default 60). */
  readonly visibilitySeconds?: number;
  /** Receives after which the redrive policy moves a message to the DLQ; read from RedrivePolicy if absent. */
  readonly maxReceives?: number;
  /** Messages handled at once per receive (default 10). */
  readonly concurrency?: number;
}

export interface SqsPoller {
  start(): void;
  /** Stops polling, waits for messages being handled; unhandled ones become visible again by themselves. */
  stop(): Promise<void>;
  stats(): { received: number; deleted: number; rejected: number; failed: number; errors: number };
}

export function createSqsPoller(options: SqsPollerOptions): SqsPoller {
  const log = options.logger.child({ component: 'sqs-poller', queueUrl: options.queueUrl });
  const waitSeconds = options.waitSeconds ?? 20;
  const visibility = options.visibilitySeconds ?? 60;
  const counts = { received: 0, deleted: 0, rejected: 0, failed: 0, errors: 0 };
  let maxReceives = options.maxReceives;
  let abort = new AbortController();
  let loop: Promise<void> | undefined;

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });

  async function readRedrive(): Promise<void> {
    if (maxReceives !== undefined) return;
    try {
      const { Attributes } = await options.sqs.send(
        new (sdk.sqs().GetQueueAttributesCommand)({
          QueueUrl: options.queueUrl,
          AttributeNames: ['RedrivePolicy'],
        }),
      );
      const policy = Attributes?.RedrivePolicy
        ? (JSON.parse(Attributes.RedrivePolicy) as { maxReceiveCount?: unknown })
        : {};
      maxReceives = Number(policy.maxReceiveCount) || undefined;
      if (!maxReceives)
        log.warn(
          'the alarm queue has no redrive policy: malformed messages will be received until they expire',
        );
    } catch (error) {
      log.warn({ err: error }, 'cannot read the alarm queue redrive policy');
    }
  }

  async function handleOne(message: Message): Promise<void> {
    const receipt = message.ReceiptHandle;
    if (!receipt) return;
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    // Keep the message invisible to other consumers while this one works on it.
    const extender = setInterval(
      () =>
        void options.sqs
          .send(
            new (sdk.sqs().ChangeMessageVisibilityCommand)({
              QueueUrl: options.queueUrl,
              ReceiptHandle: receipt,
              VisibilityTimeout: visibility,
            }),
          )
          .catch((error: unknown) => log.warn({ err: error }, 'visibility extension failed')),
      (visibility * 1000) / 2,
    );
    let outcome: SqsOutcome;
    try {
      outcome = await options.handle(message.Body ?? '', message);
    } catch (error) {
      log.error(
        { err: error, messageId: message.MessageId },
        'alarm message not recorded; it will be received again',
      );
      outcome = 'failed';
    } finally {
      clearInterval(extender);
    }
    if (outcome === 'recorded' || outcome === 'duplicate' || outcome === 'ignored') {
      await options.sqs.send(
        new (sdk.sqs().DeleteMessageCommand)({ QueueUrl: options.queueUrl, ReceiptHandle: receipt }),
      );
      counts.deleted++;
    } else if (outcome === 'rejected') {
      counts.rejected++;
      const final = maxReceives !== undefined && receiveCount === maxReceives;
      if (receiveCount === 1 || final)
        options.onPoison?.({
          messageId: message.MessageId ?? '',
          receiveCount,
          final,
          reason: final
            ? 'left for the dead-letter queue'
            : 'malformed; left in the queue for its redrive policy',
        });
    } else counts.failed++;
  }

  async function run(signal: AbortSignal): Promise<void> {
    await readRedrive();
    let backoff = 0;
    while (!signal.aborted) {
      let messages: Message[] = [];
      try {
        const out = await options.sqs.send(
          new (sdk.sqs().ReceiveMessageCommand)({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: Math.min(10, options.concurrency ?? 10),
            WaitTimeSeconds: waitSeconds,
            VisibilityTimeout: visibility,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: signal, requestTimeout: (waitSeconds + 10) * 1000 },
        );
        messages = out.Messages ?? [];
        backoff = 0;
      } catch (error) {
        if (signal.aborted) break;
        counts.errors++;
        backoff = Math.min(30_000, backoff === 0 ? 500 : backoff * 2);
        log.warn({ err: error, retryInMs: backoff }, 'receiving alarm messages failed');
        await sleep(backoff, signal);
        continue;
      }
      counts.received += messages.length;
      await Promise.all(
        messages.map((m) =>
          handleOne(m).catch((error: unknown) => {
            counts.errors++;
            log.warn(
              { err: error, messageId: m.MessageId },
              'deleting an alarm message failed; it will come back',
            );
          }),
        ),
      );
    }
  }

  return {
    start() {
      if (loop) return;
      abort = new AbortController();
      loop = run(abort.signal).catch((error: unknown) => log.error({ err: error }, 'the SQS poller stopped'));
    },
    async stop() {
      abort.abort();
      await loop;
      loop = undefined;
    },
    stats: () => ({ ...counts }),
  };
}
