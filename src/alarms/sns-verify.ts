import { createVerify, X509Certificate } from 'node:crypto';
import { z } from 'zod';

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
  /** Hosts allowed in SigningCertURL (default: SNS's own). */
  readonly certHost?: RegExp;
  /** Oldest acceptable Timestamp, ms (default 1 hour). */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

export class SnsVerificationError extends Error {
  constructor(
    readonly reason: 'malformed' | 'cert_url' | 'signature' | 'stale' | 'future',
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
  const keys = new Map<string, Promise<X509Certificate>>();

  const certificate = (url: URL) => {
    let key = keys.get(url.href);
    if (!key) {
      key = options.certificates(url).then((pem) => new X509Certificate(pem));
      key.catch(() => keys.delete(url.href));
      keys.set(url.href, key);
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
    const url = new URL(message.SigningCertURL);
    if (url.protocol !== 'https:' || !certHost.test(url.host) || !url.pathname.endsWith('.pem')) {
      throw new SnsVerificationError(
        'cert_url',
        `SigningCertURL ${url.href} is not an https .pem on a trusted SNS host`,
      );
    }
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
