import { createVerify, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { truncate } from '../../blocks/escape.js';

/**
 * Verifies SNS HTTP(S) messages: SignatureVersion 1 (SHA1withRSA) and 2 (SHA256withRSA) over SNS's
 * documented string-to-sign, a certificate URL that is https on the SNS host pattern, and the
 * message's age (SNS does not sign freshness; replays are refused by Timestamp). The certificate
 * source is injectable so the sandbox can supply its own signing certificate; sns-validator offers
 * no such hook and does not check Timestamp, which is why this is not delegated to it.
 */

const base = {
  MessageId: z.string().min(1),
  TopicArn: z.string().startsWith('arn:'),
  Message: z.string(),
  Timestamp: z.iso.datetime({ offset: true }),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1),
  SigningCertURL: z.url(),
};

export const snsMessageSchema = z.discriminatedUnion('Type', [
  z.object({
    ...base,
    Type: z.literal('Notification'),
    Subject: z.string().optional(),
    UnsubscribeURL: z.url().optional(),
  }),
  z.object({
    ...base,
    Type: z.literal('SubscriptionConfirmation'),
    SubscribeURL: z.url(),
    Token: z.string().min(1),
  }),
  z.object({
    ...base,
    Type: z.literal('UnsubscribeConfirmation'),
    SubscribeURL: z.url(),
    Token: z.string().min(1),
  }),
]);

export type SnsMessage = z.infer<typeof snsMessageSchema>;

/** SNS's documented string-to-sign: selected fields as "Name\nvalue\n" in a fixed order. */
export function snsStringToSign(message: SnsMessage): string {
  const fields =
    message.Type === 'Notification'
      ? (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
      : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
  let out = '';
  for (const field of fields) {
    const value = (message as Record<string, unknown>)[field];
    if (typeof value === 'string') out += `${field}\n${value}\n`;
  }
  return out;
}

export const SNS_CERT_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

export type CertificateSource = (url: URL) => Promise<string>;

export interface SnsVerifierOptions {
  readonly certificates: CertificateSource;
  /**
   * Topics whose messages are worth a certificate fetch: a message naming any other topic is refused
   * before anything is fetched (the endpoint checks the topic again after the signature).
   */
  readonly allowedTopics?: () => readonly string[];
  /**
   * Accept SignatureVersion 1 (SHA1withRSA). Default false: only SignatureVersion 2 (SHA256withRSA),
   * which a topic sends once its SignatureVersion attribute is 2 (docs/alarms.md).
   */
  readonly acceptSha1?: boolean;
  /** Certificates kept (default 16; SNS signs with one certificate per Region at a time). */
  readonly maxCertificates?: number;
  /** Hosts allowed in SigningCertURL (default: SNS's own). */
  readonly certHost?: RegExp;
  /** Oldest acceptable Timestamp, ms (default 1 hour). */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

export class SnsVerificationError extends Error {
  constructor(
    readonly reason:
      | 'malformed'
      | 'cert_url'
      | 'signature'
      | 'signature_version'
      | 'stale'
      | 'future'
      | 'unknown_topic',
    message: string,
  ) {
    super(message);
    this.name = 'SnsVerificationError';
  }
}

export function createSnsVerifier(options: SnsVerifierOptions) {
  const certHost = options.certHost ?? SNS_CERT_HOST;
  const maxAgeMs = options.maxAgeMs ?? 60 * 60_000;
  const now = options.now ?? Date.now;
  const maxCertificates = options.maxCertificates ?? 16;
  // Keyed on origin + path (a URL with a query or fragment is refused before this), least recently
  // used first out: however many distinct URLs arrive, at most maxCertificates are kept.
  const keys = new Map<string, Promise<X509Certificate>>();

  const certificate = (url: URL) => {
    const id = `${url.origin}${url.pathname}`;
    let key = keys.get(id);
    if (key) {
      keys.delete(id);
      keys.set(id, key);
      return key;
    }
    key = options.certificates(url).then((pem) => new X509Certificate(pem));
    key.catch(() => {
      if (keys.get(id) === key) keys.delete(id);
    });
    keys.set(id, key);
    while (keys.size > maxCertificates) {
      const oldest = keys.keys().next().value;
      if (oldest === undefined) break;
      keys.delete(oldest);
    }
    return key;
  };

  /** Parses and verifies; throws SnsVerificationError naming what is wrong. */
  return async function verify(body: unknown): Promise<SnsMessage> {
    const parsed = snsMessageSchema.safeParse(body);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new SnsVerificationError(
        'malformed',
        `not an SNS message: ${first?.path.join('.') || '(root)'} ${first?.message ?? ''}`,
      );
    }
    const message = parsed.data;
    if (message.SignatureVersion === '1' && !options.acceptSha1)
      throw new SnsVerificationError(
        'signature_version',
        "SignatureVersion 1 (SHA1) is not accepted: set the topic's SignatureVersion to 2",
      );
    const url = new URL(message.SigningCertURL);
    if (
      url.protocol !== 'https:' ||
      !certHost.test(url.host) ||
      url.username !== '' ||
      url.password !== '' ||
      /[?#]/.test(message.SigningCertURL) ||
      !url.pathname.endsWith('.pem')
    ) {
      throw new SnsVerificationError(
        'cert_url',
        `SigningCertURL ${truncate(message.SigningCertURL, 200)} is not an https .pem on a trusted SNS host (no query or fragment)`,
      );
    }
    if (options.allowedTopics && !options.allowedTopics().includes(message.TopicArn))
      throw new SnsVerificationError(
        'unknown_topic',
        `topic ${truncate(message.TopicArn, 300)} is not an allowed alarm topic`,
      );
    const at = Date.parse(message.Timestamp);
    if (at < now() - maxAgeMs)
      throw new SnsVerificationError(
        'stale',
        `message from ${message.Timestamp} is older than ${maxAgeMs / 1000} s`,
      );
    if (at > now() + 5 * 60_000)
      throw new SnsVerificationError('future', `message timestamp ${message.Timestamp} is in the future`);
    let cert: X509Certificate;
    try {
      cert = await certificate(url);
    } catch (error) {
      throw new SnsVerificationError('cert_url', `cannot fetch the signing certificate: ${String(error)}`);
    }
    const verifier = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
    verifier.update(snsStringToSign(message), 'utf8');
    if (!verifier.verify(cert.publicKey, message.Signature, 'base64')) {
      throw new SnsVerificationError('signature', 'the signature does not match the message');
    }
    return message;
  };
}

/** Production certificate source: plain HTTPS GET (the URL was already checked against the SNS host pattern). */
export const fetchCertificate: CertificateSource = async (url) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: 'error' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
};
