import { ErrorCode } from '@slack/web-api';
import { createTurnQueue } from '../../domain/turns.js';
import {
  deferred,
  type Lane,
  OutboxError,
  type OutboxOptions,
  type PostJob,
  type ReplyJob,
  SLACK_LIMITS,
  type SlackOutbox,
  type UpdateJob,
} from './outbox-types.js';
import { realTimer } from './timer.js';
import { createTokenBucket } from './token-bucket.js';

/**
 * The outbound Slack queue: every message Lifeboat posts or edits on its own initiative (incident
 * threads, cards) goes through here, paced below Slack's limits so a storm never earns a 429:
 * chat.postMessage per channel (~1/s with a small burst) and chat.update per workspace (Tier 3,
 * ~50/min). Updates of one message coalesce (the render runs at send time, so the latest state
 * wins) and thread replies waiting for the same thread merge into one message. Bounded, observable,
 * drained on shutdown. A 429 that still happens (another process sharing the token) pauses the
 * bucket for Retry-After and re-queues the call.
 */

export {
  type ChatApi,
  type OutboundMessage,
  OutboxError,
  type OutboxLimits,
  type OutboxOptions,
  type OutboxStats,
  SLACK_LIMITS,
  type SlackOutbox,
} from './outbox-types.js';

export function createSlackOutbox(options: OutboxOptions): SlackOutbox {
  const limits = { ...SLACK_LIMITS, ...options.limits };
  const timer = options.timer ?? realTimer;
  const maxDepth = options.maxDepth ?? 2_000;
  const maxReplyLines = options.maxReplyLines ?? 20;
  const log = options.logger.child({ component: 'slack-outbox' });
  const lanes = new Map<string, Lane>();
  const updates = new Map<string, UpdateJob>();
  const updatesInFlight = new Set<string>();
  const updateBucket = createTokenBucket(limits.updateBurst, limits.updatePerMinute / 60_000, timer.now());
  const counts = { posted: 0, updated: 0, coalesced: 0, summarised: 0, rateLimited: 0, failed: 0 };
  let inFlight = 0;
  let closed = false;
  let running = false;
  let wake = new AbortController();
  let idleWaiters: (() => void)[] = [];

  const depth = () => updates.size + [...lanes.values()].reduce((n, lane) => n + lane.jobs.length, 0);
  const lane = (channel: string): Lane => {
    let found = lanes.get(channel);
    if (!found) {
      found = {
        jobs: [],
        bucket: createTokenBucket(limits.postBurst, limits.postPerSecond / 1000, timer.now()),
        busy: false,
      };
      lanes.set(channel, found);
    }
    return found;
  };
  /** Why a new job cannot be taken, if it cannot (returned as a rejection, never thrown). */
  const refusal = (): OutboxError | undefined => {
    if (closed) return new OutboxError('closed', 'the Slack outbox is shut down');
    if (depth() >= maxDepth) return new OutboxError('full', `the Slack outbox holds ${maxDepth} jobs`);
    return undefined;
  };
  const kick = () => {
    wake.abort();
    if (!running) {
      running = true;
      void loop();
    }
  };
  const settleIdle = () => {
    if (depth() > 0 || inFlight > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  // Each call starts on its own event-loop turn: a storm's first cards (one per channel at once) or a backlog
  // of edits would otherwise build and send dozens of calls in one task while a Slack request waits to be read.
  const turns = createTurnQueue();

  async function loop(): Promise<void> {
    try {
      while (depth() > 0) {
        wake = new AbortController();
        const now = timer.now();
        let wait = Number.POSITIVE_INFINITY;
        let started = false;
        for (const [channel, l] of lanes) {
          if (l.busy || l.jobs.length === 0) continue;
          if (l.bucket.take(now)) {
            const job = l.jobs.shift();
            if (job) {
              started = true;
              void run(channel, l, job);
              await turns.next();
            }
          } else wait = Math.min(wait, l.bucket.waitMs(now));
        }
        for (const [key, job] of updates) {
          if (updatesInFlight.has(key)) continue;
          if (!updateBucket.take(now)) {
            wait = Math.min(wait, updateBucket.waitMs(now));
            break;
          }
          updates.delete(key);
          started = true;
          void runUpdate(key, job);
          await turns.next();
        }
        if (started) continue;
        // Nothing can go now: wait for a token, or for a send to finish or a job to arrive.
        const signal = wake.signal;
        if (Number.isFinite(wait)) await timer.sleep(Math.max(1, wait), signal);
        else
          await new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => resolve(), { once: true }),
          );
      }
    } finally {
      running = false;
      settleIdle();
    }
  }

  const rateLimitedFor = (error: unknown): number | undefined => {
    const e = error as { code?: unknown; retryAfter?: unknown };
    if (e?.code !== ErrorCode.RateLimitedError) return undefined;
    return typeof e.retryAfter === 'number' ? e.retryAfter : 1;
  };
  const failed = (error: unknown, context: Record<string, unknown>) => {
    counts.failed++;
    const data = (error as { data?: { error?: string } }).data;
    log.error({ err: error, slackError: data?.error, ...context }, 'Slack call from the outbox failed');
  };

  async function run(channel: string, l: Lane, job: PostJob | ReplyJob): Promise<void> {
    l.busy = true;
    inFlight++;
    try {
      if (job.kind === 'post') {
        const res = await options.chat.postMessage({
          channel,
          text: job.message.text,
          ...(job.message.blocks ? { blocks: job.message.blocks } : {}),
          unfurl_links: false,
          unfurl_media: false,
        });
        counts.posted++;
        if (!res.ts) throw new Error('chat.postMessage answered without a ts');
        job.done.resolve(res.ts);
      } else {
        await options.chat.postMessage({
          channel,
          thread_ts: job.threadTs,
          text: replyText(job),
          unfurl_links: false,
          unfurl_media: false,
        });
        counts.posted++;
        job.done.resolve();
      }
    } catch (error) {
      const retryAfter = rateLimitedFor(error);
      if (retryAfter !== undefined) {
        counts.rateLimited++;
        l.bucket.pauseUntil(timer.now() + retryAfter * 1000);
        l.jobs.unshift(job);
        log.warn({ channel, retryAfter }, 'Slack rate-limited chat.postMessage; pausing the channel');
      } else {
        failed(error, { channel, kind: job.kind });
        job.done.reject(error);
      }
    } finally {
      l.busy = false;
      inFlight--;
      kick();
      settleIdle();
    }
  }

  async function runUpdate(key: string, job: UpdateJob): Promise<void> {
    updatesInFlight.add(key);
    inFlight++;
    try {
      const message = await job.render();
      if (message) {
        await options.chat.update({
          channel: job.channel,
          ts: job.ts,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks } : {}),
        });
        counts.updated++;
      }
      job.done.resolve();
    } catch (error) {
      const retryAfter = rateLimitedFor(error);
      if (retryAfter !== undefined) {
        counts.rateLimited++;
        updateBucket.pauseUntil(timer.now() + retryAfter * 1000);
        const newer = updates.get(key);
        if (newer) newer.done.promise.then(job.done.resolve, job.done.reject);
        else updates.set(key, job);
        log.warn({ channel: job.channel, retryAfter }, 'Slack rate-limited chat.update; pausing updates');
      } else {
        failed(error, { channel: job.channel, ts: job.ts, kind: 'update' });
        job.done.reject(error);
      }
    } finally {
      updatesInFlight.delete(key);
      inFlight--;
      kick();
      settleIdle();
    }
  }

  const replyText = (job: ReplyJob) =>
    job.extra > 0
      ? `${job.lines.join('\n')}\n…and ${job.extra} more change(s); the card above shows the current state.`
      : job.lines.join('\n');

  const idle = () => {
    if (depth() === 0 && inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => idleWaiters.push(resolve));
  };

  return {
    post(channel, message) {
      const refused = refusal();
      if (refused) return Promise.reject(refused);
      const job: PostJob = { kind: 'post', channel, message, done: deferred() };
      lane(channel).jobs.push(job);
      kick();
      return job.done.promise;
    },
    reply(channel, threadTs, line) {
      const l = lane(channel);
      const waiting = l.jobs.find((j): j is ReplyJob => j.kind === 'reply' && j.threadTs === threadTs);
      if (waiting) {
        counts.coalesced++;
        if (waiting.lines.length < maxReplyLines) waiting.lines.push(line);
        else {
          waiting.extra++;
          counts.summarised++;
        }
        return waiting.done.promise;
      }
      const refused = refusal();
      if (refused) return Promise.reject(refused);
      const job: ReplyJob = { kind: 'reply', channel, threadTs, lines: [line], extra: 0, done: deferred() };
      l.jobs.push(job);
      kick();
      return job.done.promise;
    },
    update(channel, ts, render) {
      const key = `${channel}:${ts}`;
      const waiting = updates.get(key);
      if (waiting) {
        counts.coalesced++;
        waiting.render = render;
        return waiting.done.promise;
      }
      const refused = refusal();
      if (refused) return Promise.reject(refused);
      const job: UpdateJob = { kind: 'update', channel, ts, render, done: deferred() };
      updates.set(key, job);
      kick();
      return job.done.promise;
    },
    stats() {
      const byChannel: Record<string, number> = {};
      for (const [channel, l] of lanes) if (l.jobs.length > 0) byChannel[channel] = l.jobs.length;
      for (const job of updates.values()) byChannel[job.channel] = (byChannel[job.channel] ?? 0) + 1;
      return { depth: depth(), inFlight, byChannel, ...counts };
    },
    idle,
    async close(timeoutMs) {
      closed = true;
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        idle(),
        new Promise<void>((resolve) => {
          timeout = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timeout);
      const left = depth() + inFlight;
      if (left > 0) log.warn({ left }, 'Slack outbox closed with messages still waiting');
      return left;
    },
  };
}
