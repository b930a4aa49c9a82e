import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http/server.js';
import type { Logger } from '../logger.js';
import { AlarmParseError } from './cloudwatch.js';
import { createIngressGate, type IngressGate } from './ingress-gate.js';
import { type SnsMessage, SnsVerificationError } from './sns-verify.js';

/** SNS messages are at most 256 KiB; the JSON envelope adds a little. */
const MAX_SNS_BODY = 300 * 1024;

export interface SnsEndpointOptions {
  readonly logger: Logger;
  readonly verify: (body: unknown) => Promise<SnsMessage>;
  /** Topic ARNs the plan lists; anything else is refused, including subscription confirmations. */
  readonly allowedTopics: () => readonly string[];
  /** Confirms a subscription by visiting its SubscribeURL (already verified as signed by SNS). */
  readonly confirm: (subscribeUrl: string) => Promise<void>;
  /**
   * Receives each verified notification from an allowed topic and resolves once it is durably
   * recorded (SNS then gets its 200). Throwing AlarmParseError answers 400 (not an alarm); any other
   * error answers 500 so SNS retries.
   */
  readonly onNotification: (message: Extract<SnsMessage, { Type: 'Notification' }>) => Promise<void>;
  /**
   * Audits a verified subscription or unsubscribe confirmation from an allowed topic; resolves once
   * written. A subscription is confirmed only after its entry is written (a failed write answers
   * 500, so SNS retries).
   */
  readonly onSubscription?: (event: {
    readonly type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
    readonly topicArn: string;
    readonly messageId: string;
  }) => Promise<void>;
  /** Bounds deliveries worked on at once (default: 8, none held over 1 s); see ingress-gate.ts. */
  readonly gate?: IngressGate;
  /** Every refusal, for the audit log. */
  readonly onRejected?: (rejection: {
    status: number;
    reason: string;
    detail: string;
    topicArn?: string;
  }) => void;
}

/** POST /sns: verify, filter by topic, confirm subscriptions, hand notifications on, answer fast. */
export function createSnsEndpoint(options: SnsEndpointOptions) {
  const log = options.logger.child({ component: 'sns' });
  const refuse = (res: ServerResponse, status: number, reason: string, detail: string, topicArn?: string) => {
    // Debug only: a flood would flood the log too; onRejected logs the first per reason and window.
    log.debug({ status, reason, topicArn }, 'SNS request refused');
    options.onRejected?.({ status, reason, detail, ...(topicArn ? { topicArn } : {}) });
    sendJson(res, status, { ok: false, error: reason });
  };

  const gate = options.gate ?? createIngressGate();

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_SNS_BODY);
    } catch {
      return refuse(res, 413, 'payload_too_large', `body over ${MAX_SNS_BODY} bytes`);
    }
    return gate.run(() => handle(req, res, raw));
  };

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return refuse(res, 400, 'invalid_json', 'body is not JSON');
    }
    let message: SnsMessage;
    try {
      message = await options.verify(body);
    } catch (error) {
      if (error instanceof SnsVerificationError) {
        return refuse(res, error.reason === 'malformed' ? 400 : 403, error.reason, error.message);
      }
      throw error;
    }
    const headerType = req.headers['x-amz-sns-message-type'];
    if (headerType !== undefined && headerType !== message.Type) {
      return refuse(
        res,
        400,
        'type_mismatch',
        `header says ${String(headerType)}, body says ${message.Type}`,
        message.TopicArn,
      );
    }
    if (!options.allowedTopics().includes(message.TopicArn)) {
      return refuse(
        res,
        403,
        'unknown_topic',
        `topic ${message.TopicArn} is not in the plan's alarmTopics`,
        message.TopicArn,
      );
    }
    switch (message.Type) {
      case 'SubscriptionConfirmation':
        await options.onSubscription?.({
          type: message.Type,
          topicArn: message.TopicArn,
          messageId: message.MessageId,
        });
        await options.confirm(message.SubscribeURL);
        log.info({ topicArn: message.TopicArn }, 'SNS subscription confirmed');
        return sendJson(res, 200, { ok: true, confirmed: true });
      case 'UnsubscribeConfirmation':
        log.warn({ topicArn: message.TopicArn }, 'SNS subscription was removed');
        await options.onSubscription?.({
          type: message.Type,
          topicArn: message.TopicArn,
          messageId: message.MessageId,
        });
        return sendJson(res, 200, { ok: true });
      case 'Notification':
        try {
          await options.onNotification(message);
        } catch (error) {
          if (error instanceof AlarmParseError)
            return refuse(res, 400, 'invalid_alarm', error.message, message.TopicArn);
          throw error;
        }
        return sendJson(res, 200, { ok: true });
    }
  }
}
