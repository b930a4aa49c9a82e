import { createHmac } from 'node:crypto';
import type { DeliveryResult } from './types.js';

/** Slack's v0 request signature: `v0=` + hex HMAC-SHA256 of `v0:${timestamp}:${body}`. */
export function signature(signingSecret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

/** Events are retried (like Slack: up to 3 times); commands and interactions are not, they time out. */
export type DeliveryKind = 'event' | 'interactive';

export interface TransportOptions {
  botUrl: () => string | undefined;
  signingSecret: string;
  /** How long the receiver has to answer (Slack: 3 s). */
  timeoutMs: number;
  /** Wall clock for x-slack-request-timestamp: Bolt checks it against its own Date.now(). */
  wallClock?: () => number;
}

export interface Transport {
  deliver(kind: DeliveryKind, body: string, contentType: string): Promise<DeliveryResult>;
  /** Aborts requests in flight (on close). */
  abortAll(): void;
}

const MAX_EVENT_RETRIES = 3;

type Attempt = { kind: 'answer'; status: number; body: string } | { kind: 'timeout' } | { kind: 'failed' };

export function createTransport(options: TransportOptions): Transport {
  const wallClock = options.wallClock ?? Date.now;
  const inFlight = new Set<AbortController>();

  async function attempt(
    url: string,
    body: string,
    contentType: string,
    retry?: { num: number; reason: string },
  ) {
    const timestamp = Math.floor(wallClock() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature(options.signingSecret, timestamp, body),
    };
    if (retry) {
      headers['x-slack-retry-num'] = String(retry.num);
      headers['x-slack-retry-reason'] = retry.reason;
    }
    const controller = new AbortController();
    inFlight.add(controller);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    try {
      const response = await fetch(url, { method: 'POST', headers, body, signal: controller.signal });
      const text = await response.text();
      return { kind: 'answer', status: response.status, body: text } satisfies Attempt;
    } catch {
      return (timedOut ? { kind: 'timeout' } : { kind: 'failed' }) satisfies Attempt;
    } finally {
      clearTimeout(timer);
      inFlight.delete(controller);
    }
  }

  return {
    async deliver(kind, body, contentType) {
      const url = options.botUrl();
      if (!url) return { status: 0, body: '', attempts: 0, timedOut: false };
      const maxAttempts = kind === 'event' ? 1 + MAX_EVENT_RETRIES : 1;
      let last: Attempt = { kind: 'failed' };
      let timedOutOnce = false;
      for (let n = 0; n < maxAttempts; n += 1) {
        const reason =
          last.kind === 'timeout'
            ? 'http_timeout'
            : last.kind === 'failed'
              ? 'connection_failed'
              : 'http_error';
        last = await attempt(url, body, contentType, n === 0 ? undefined : { num: n, reason });
        if (last.kind === 'timeout') timedOutOnce = true;
        if (last.kind === 'answer' && last.status >= 200 && last.status < 300) {
          return { status: last.status, body: last.body, attempts: n + 1, timedOut: timedOutOnce };
        }
        if (last.kind !== 'timeout' && n + 1 < maxAttempts) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(options.timeoutMs, 1000)));
        }
      }
      return {
        status: last.kind === 'answer' ? last.status : 0,
        body: last.kind === 'answer' ? last.body : '',
        attempts: maxAttempts,
        timedOut: timedOutOnce,
      };
    },
    abortAll() {
      for (const c of inFlight) c.abort();
      inFlight.clear();
    },
  };
}
