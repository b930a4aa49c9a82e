import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logger.js';
import type { Timer } from './timer.js';
import type { TokenBucket } from './token-bucket.js';

/** The outbound Slack queue's types, limits and job shapes (outbox.ts has the queue itself). */

export interface OutboundMessage {
  readonly text: string;
  readonly blocks?: KnownBlock[];
}

/** The two Web API methods the queue calls; a WebClient's `chat` satisfies it. */
export type ChatApi = Pick<WebClient['chat'], 'postMessage' | 'update'>;

export interface OutboxLimits {
  /** chat.postMessage per channel, sustained. */
  readonly postPerSecond: number;
  readonly postBurst: number;
  /** chat.update per workspace, sustained (Tier 3). */
  readonly updatePerMinute: number;
  readonly updateBurst: number;
}

/**
 * Slack: ~1 message/s per channel with short bursts; chat.update 50+/min. A margin under both, so
 * that jitter between our send and Slack's clock (event-loop lag under load bunches calls) does not
 * tip a call over; burst plus one minute of sustained rate stays well within the per-minute figure.
 */
export const SLACK_LIMITS: OutboxLimits = {
  postPerSecond: 0.9,
  postBurst: 2,
  updatePerMinute: 40,
  updateBurst: 5,
};

export interface OutboxOptions {
  readonly chat: ChatApi;
  readonly logger: Logger;
  readonly timer?: Timer;
  readonly limits?: Partial<OutboxLimits>;
  /** Most jobs waiting at once (posts + reply batches + message updates); default 2,000. */
  readonly maxDepth?: number;
  /** Lines in one coalesced thread reply before the rest are summarised; default 20. */
  readonly maxReplyLines?: number;
}

export interface OutboxStats {
  /** Jobs waiting (not yet sent). */
  readonly depth: number;
  readonly inFlight: number;
  readonly byChannel: Readonly<Record<string, number>>;
  readonly posted: number;
  readonly updated: number;
  /** Updates and reply lines merged into a job already waiting. */
  readonly coalesced: number;
  /** Thread reply lines summarised away ("…and N more") under backlog. */
  readonly summarised: number;
  readonly rateLimited: number;
  readonly failed: number;
}

export interface SlackOutbox {
  /** Posts a message; resolves with its ts. */
  post(channel: string, message: OutboundMessage): Promise<string>;
  /** Adds a line to the thread; lines waiting for the same thread go out as one reply. */
  reply(channel: string, threadTs: string, line: string): Promise<void>;
  /** Edits a message; `render` runs when the call is sent, so coalesced updates send the latest state. */
  update(channel: string, ts: string, render: () => Promise<OutboundMessage | undefined>): Promise<void>;
  stats(): OutboxStats;
  /** Resolves once nothing waits or is in flight. */
  idle(): Promise<void>;
  /** Stops accepting jobs and waits up to `timeoutMs` for the queue to empty; returns how many were left. */
  close(timeoutMs: number): Promise<number>;
}

export class OutboxError extends Error {
  constructor(
    readonly reason: 'full' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'OutboxError';
  }
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A caller that does not await must not cause an unhandled rejection; awaiting callers still see it.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export type PostJob = { kind: 'post'; channel: string; message: OutboundMessage; done: Deferred<string> };
export type ReplyJob = {
  kind: 'reply';
  channel: string;
  threadTs: string;
  lines: string[];
  extra: number;
  done: Deferred<void>;
};
export type UpdateJob = {
  kind: 'update';
  channel: string;
  ts: string;
  render: () => Promise<OutboundMessage | undefined>;
  done: Deferred<void>;
};
export interface Lane {
  readonly jobs: (PostJob | ReplyJob)[];
  readonly bucket: TokenBucket;
  busy: boolean;
}
