import { contentId } from './receipts.js';
import { type SnsMessage, SnsVerificationError } from './sns-verify.js';

/**
 * What an SQS message subscribed to an SNS topic carries: the SNS envelope as JSON (default), or,
 * with raw message delivery, the published message itself. Which one is decided by the queue's
 * configuration (`rawDelivery`, from infra's rawMessageDelivery), never by the body: with raw
 * delivery off, a body that is not a signed envelope from an allowed topic is refused, so leaving
 * `Signature` out cannot skip the signature and topic checks. A raw body has no MessageId, so its
 * content hash deduplicates it; it is trusted because only the subscribed topics may send to the
 * queue (its access policy).
 */
export type SqsBody =
  | {
      readonly kind: 'notification';
      readonly id: string;
      readonly topicArn: string;
      readonly subject?: string;
      readonly message: string;
    }
  | { readonly kind: 'raw'; readonly id: string; readonly message: string }
  | { readonly kind: 'other'; readonly type: string; readonly topicArn: string };

/** Decodes (and for envelopes verifies) an SQS body; throws SnsVerificationError when refused. */
export async function decodeSqsBody(
  body: string,
  verify: (body: unknown) => Promise<SnsMessage>,
  rawDelivery: boolean,
): Promise<SqsBody> {
  if (rawDelivery) return { kind: 'raw', id: contentId(body), message: body };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new SnsVerificationError('malformed', 'not an SNS envelope (raw message delivery is off)');
  }
  const message = await verify(json);
  if (message.Type !== 'Notification')
    return { kind: 'other', type: message.Type, topicArn: message.TopicArn };
  return {
    kind: 'notification',
    id: message.MessageId,
    topicArn: message.TopicArn,
    ...(message.Subject ? { subject: message.Subject } : {}),
    message: message.Message,
  };
}
