import { beforeAll, describe, expect, it } from 'vitest';
import { createSnsVerifier, SnsVerificationError } from '../../src/alarms/sns-verify.js';
import {
  createSigningIdentity,
  type SigningIdentity,
  signSnsMessage,
  type UnsignedEnvelope,
} from '../../src/sandbox/aws/sns-signing.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:lifeboat-alarms';
const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem';

/** Issue 21: anonymous SNS requests must not grow memory or trigger fetches; SHA1 only when configured. */
describe('SNS verifier (issue 21)', () => {
  let identity: SigningIdentity;
  beforeAll(async () => {
    identity = await createSigningIdentity();
  });

  const envelope = (over: Partial<UnsignedEnvelope> = {}): UnsignedEnvelope => ({
    Type: 'Notification',
    MessageId: `m-${Math.random()}`,
    TopicArn: TOPIC,
    Message: '{}',
    Timestamp: new Date().toISOString(),
    SignatureVersion: '2',
    SigningCertURL: CERT_URL,
    ...over,
  });

  const verifierWithFetchLog = (extra: Partial<Parameters<typeof createSnsVerifier>[0]> = {}) => {
    const fetched: string[] = [];
    const verify = createSnsVerifier({
      certificates: async (url) => {
        fetched.push(url.href);
        return identity.certificatePem;
      },
      allowedTopics: () => [TOPIC],
      ...extra,
    });
    return { verify, fetched };
  };

  const reasonOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
      return 'accepted';
    } catch (error) {
      return error instanceof SnsVerificationError ? error.reason : String(error);
    }
  };

  it('refuses a SigningCertURL with a query string or a fragment, without fetching it', async () => {
    const { verify, fetched } = verifierWithFetchLog();
    for (const suffix of ['?n=1', '#n', '?', '#']) {
      const message = signSnsMessage(
        envelope({ SigningCertURL: `${CERT_URL}${suffix}` }),
        identity.privateKeyPem,
      );
      expect(await reasonOf(verify(message))).toBe('cert_url');
    }
    expect(fetched).toEqual([]);
  });

  it('refuses a topic that is not allowed before fetching any certificate', async () => {
    const { verify, fetched } = verifierWithFetchLog();
    const message = signSnsMessage(
      envelope({
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:other',
        SigningCertURL: CERT_URL.replace('test', 'other'),
      }),
      identity.privateKeyPem,
    );
    expect(await reasonOf(verify(message))).toBe('unknown_topic');
    expect(fetched).toEqual([]);
  });

  it('keeps a bounded number of certificates however many distinct URLs arrive', async () => {
    const { verify, fetched } = verifierWithFetchLog({ maxCertificates: 4 });
    for (let i = 0; i < 50; i++) {
      const message = signSnsMessage(
        envelope({ SigningCertURL: `https://sns.us-east-1.amazonaws.com/cert-${i}.pem` }),
        identity.privateKeyPem,
      );
      expect(await reasonOf(verify(message))).toBe('accepted');
    }
    expect(fetched).toHaveLength(50);
    // The 4 most recent are cached; an older one is fetched again (it was evicted).
    await verify(
      signSnsMessage(
        envelope({ SigningCertURL: 'https://sns.us-east-1.amazonaws.com/cert-49.pem' }),
        identity.privateKeyPem,
      ),
    );
    expect(fetched).toHaveLength(50);
    await verify(
      signSnsMessage(
        envelope({ SigningCertURL: 'https://sns.us-east-1.amazonaws.com/cert-0.pem' }),
        identity.privateKeyPem,
      ),
    );
    expect(fetched).toHaveLength(51);
  });

  it('fetches one certificate once for many messages', async () => {
    const { verify, fetched } = verifierWithFetchLog();
    for (let i = 0; i < 20; i++) await verify(signSnsMessage(envelope(), identity.privateKeyPem));
    expect(fetched).toEqual([CERT_URL]);
  });

  it('refuses SignatureVersion 1 (SHA1) by default, before fetching', async () => {
    const { verify, fetched } = verifierWithFetchLog();
    const message = signSnsMessage(envelope({ SignatureVersion: '1' }), identity.privateKeyPem);
    expect(await reasonOf(verify(message))).toBe('signature_version');
    expect(fetched).toEqual([]);
  });

  it('accepts SignatureVersion 1 when configured to, and still checks its signature', async () => {
    const { verify } = verifierWithFetchLog({ acceptSha1: true });
    const message = signSnsMessage(envelope({ SignatureVersion: '1' }), identity.privateKeyPem);
    expect(await reasonOf(verify(message))).toBe('accepted');
    expect(await reasonOf(verify({ ...message, Message: 'forged' }))).toBe('signature');
  });

  it('refuses a SigningCertURL with a port or user info', async () => {
    const { verify, fetched } = verifierWithFetchLog();
    for (const url of [
      'https://sns.us-east-1.amazonaws.com:8443/a.pem',
      'https://x:y@sns.us-east-1.amazonaws.com/a.pem',
    ]) {
      const message = signSnsMessage(envelope({ SigningCertURL: url }), identity.privateKeyPem);
      expect(await reasonOf(verify(message))).toBe('cert_url');
    }
    expect(fetched).toEqual([]);
  });
});
