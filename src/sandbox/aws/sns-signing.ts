import { createSign } from 'node:crypto';
import { generate } from 'selfsigned';

/** An SNS HTTP(S)/SQS message envelope, as SNS delivers it. */
export interface SnsEnvelope {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  UnsubscribeURL?: string;
  SubscribeURL?: string;
  Token?: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}
export type UnsignedEnvelope = Omit<SnsEnvelope, 'Signature'>;

const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_KEYS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;

/**
 * SNS's documented string to sign: for Notification, Message, MessageId, Subject (only when
 * present), Timestamp, TopicArn, Type; for (Un)SubscriptionConfirmation, Message, MessageId,
 * SubscribeURL, Timestamp, Token, TopicArn, Type. Each as `Name\nValue\n`, in that order.
 */
export function snsStringToSign(message: UnsignedEnvelope | SnsEnvelope): string {
  const keys = message.Type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  let out = '';
  for (const key of keys) {
    const value = message[key];
    if (value !== undefined) out += `${key}\n${value}\n`;
  }
  return out;
}

/** Signs with SHA1withRSA (SignatureVersion 1) or SHA256withRSA (2), base64, as SNS does. */
export function signSnsMessage(message: UnsignedEnvelope, privateKeyPem: string): SnsEnvelope {
  const signer = createSign(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  signer.update(snsStringToSign(message), 'utf8');
  return { ...message, Signature: signer.sign(privateKeyPem, 'base64') };
}

export interface SigningIdentity {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** A fresh RSA key and self-signed X.509 certificate, also valid as a TLS certificate for 127.0.0.1. */
export async function createSigningIdentity(now: Date = new Date()): Promise<SigningIdentity> {
  const pems = await generate([{ name: 'commonName', value: 'sns.sandbox.lifeboat.local' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 86_400_000),
    notAfterDate: new Date(now.getTime() + 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: 'sns.sandbox.lifeboat.local' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { certificatePem: pems.cert, privateKeyPem: pems.private };
}
