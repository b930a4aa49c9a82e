import { contentId } from './receipts.js';
import type { SnsMessage } from './sns-verify.js';

/**
 * What an SQS message subscribed to an SNS topic carries: the SNS envelope as JSON (default), or,
 * with raw message delivery, the published message itself. An envelope's signature is verified
 * like an HTTP delivery's; a raw body has no MessageId, so its content hash deduplicates it.
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

const looksLikeEnvelope = (json: unknown): json is Record<string, unknown> =>
  typeof json === 'object' &&
  json !== null &&
  'Type' in json &&
  'Signature' in json &&
  'TopicArn' in json &&
  'MessageId' in json;

/** Decodes (and for envelopes verifies) an SQS body; throws on a bad signature (SnsVerificationError). */
export async function decodeSqsBody(
  body: string,
  verify: (body: unknown) => Promise<SnsMessage>,
): Promise<SqsBody> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'raw', id: contentId(body), message: body };
  }
  if (!looksLikeEnvelope(json)) return { kind: 'raw', id: contentId(body), message: body };
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
