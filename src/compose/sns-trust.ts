import {
  type CertificateSource,
  createSnsVerifier,
  fetchCertificate,
  SNS_CERT_HOST,
} from '../alarms/sns-verify.js';
import type { Clock } from '../domain/clock.js';

/**
 * Which certificates sign SNS messages Lifeboat accepts. Default: SNS's own, fetched over HTTPS from
 * the SNS host pattern. The sandbox supplies its own certificate (and only there).
 */
export interface SnsTrust {
  readonly certificates: CertificateSource;
  readonly certHost: RegExp;
  readonly confirm: (subscribeUrl: string) => Promise<void>;
}

export const AWS_SNS_TRUST: SnsTrust = {
  certificates: fetchCertificate,
  certHost: SNS_CERT_HOST,
  confirm: confirmSubscription,
};

/**
 * A verifier for SNS envelopes no older than `maxAgeMs` from `allowedTopics` (checked before any
 * certificate is fetched); SignatureVersion 1 only if `acceptSha1`.
 */
export function snsVerifier(
  trust: SnsTrust,
  clock: Clock,
  options: {
    readonly maxAgeMs: number;
    readonly allowedTopics: () => readonly string[];
    readonly acceptSha1: boolean;
  },
) {
  return createSnsVerifier({
    certificates: trust.certificates,
    certHost: trust.certHost,
    now: () => clock.now(),
    ...options,
  });
}

/** The topics alarms may come from: the plan's alarmTopics and the deployed intake topic. */
export function alarmTopicsOf(plan: { readonly alarmTopics: readonly string[] }, intakeTopicArn?: string) {
  const topics = [...plan.alarmTopics];
  if (intakeTopicArn && !topics.includes(intakeTopicArn)) topics.push(intakeTopicArn);
  return topics;
}

/** Confirms an SNS subscription by visiting its SubscribeURL, which must be https on SNS's host. */
async function confirmSubscription(subscribeUrl: string): Promise<void> {
  const url = new URL(subscribeUrl);
  if (url.protocol !== 'https:' || !SNS_CERT_HOST.test(url.host))
    throw new Error(`refusing to visit ${url.href}`);
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`subscription confirmation failed: HTTP ${res.status}`);
}
