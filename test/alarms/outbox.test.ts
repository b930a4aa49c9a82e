import { ErrorCode } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { type ChatApi, createSlackOutbox, OutboxError } from '../../src/adapters/slack/outbox.js';
import type { Timer } from '../../src/adapters/slack/timer.js';
import { createLogger } from '../../src/logger.js';

/** Virtual time: sleeping moves the clock, so pacing is checked without waiting. */
function virtualTimer(): Timer & { t: number } {
  const timer = {
    t: 0,
    now: () => timer.t,
    sleep: async (ms: number) => {
      timer.t += ms;
    },
  };
  return timer;
}

interface Call {
  method: 'postMessage' | 'update';
  at: number;
  channel: string;
  text: string;
  thread?: string;
}

function fakeChat(timer: Timer, failOnce?: { retryAfter: number }) {
  const calls: Call[] = [];
  let failures = failOnce ? 1 : 0;
  let ts = 0;
  const chat = {
    postMessage: async (args: { channel: string; text?: string; thread_ts?: string }) => {
      if (failures > 0) {
        failures--;
        throw Object.assign(new Error('rate limited'), {
          code: ErrorCode.RateLimitedError,
          retryAfter: failOnce?.retryAfter,
        });
      }
      calls.push({
        method: 'postMessage',
        at: timer.now(),
        channel: args.channel,
        text: args.text ?? '',
        ...(args.thread_ts ? { thread: args.thread_ts } : {}),
      });
      return { ok: true, ts: `${++ts}.000` };
    },
    update: async (args: { channel: string; ts: string; text?: string }) => {
      calls.push({ method: 'update', at: timer.now(), channel: args.channel, text: args.text ?? '' });
      return { ok: true };
    },
  } as unknown as ChatApi;
  return { chat, calls };
}

/** Most calls in any window of `windowMs`. */
const peak = (times: number[], windowMs: number) =>
  Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));

const logger = createLogger({ level: 'silent' });

describe('the outbound Slack queue', () => {
  it('paces chat.postMessage per channel to the rate with its burst, channels independently', async () => {
    // Prepare
    const timer = virtualTimer();
    const { chat, calls } = fakeChat(timer);
    const outbox = createSlackOutbox({ chat, logger, timer, limits: { postPerSecond: 1, postBurst: 2 } });

    // Act
    for (let i = 0; i < 10; i++) {
      void outbox.post('C1', { text: `a${i}` });
      void outbox.post('C2', { text: `b${i}` });
    }
    await outbox.idle();

    // Assert
    for (const channel of ['C1', 'C2']) {
      const times = calls.filter((c) => c.channel === channel).map((c) => c.at);
      expect(times).toHaveLength(10);
      expect(peak(times, 1_000)).toBeLessThanOrEqual(2);
      expect(peak(times, 5_000)).toBeLessThanOrEqual(2 + 5);
      expect(calls.filter((c) => c.channel === channel).map((c) => c.text)).toEqual(
        Array.from({ length: 10 }, (_, i) => `${channel === 'C1' ? 'a' : 'b'}${i}`),
      );
    }
    expect(timer.t).toBeLessThan(10_000);
  });

  it('starts one Slack call per event-loop turn, so the first cards of a storm in 50 channels cannot hold the loop', async () => {
    // Prepare: 50 channels, each with a token for its first post
    const timer = virtualTimer();
    const { chat, calls } = fakeChat(timer);
    const outbox = createSlackOutbox({ chat, logger, timer });

    // Act: one card for each channel at once; a macrotask queued now stands for a Slack request waiting to be read
    for (let i = 0; i < 50; i++) void outbox.post(`C${i}`, { text: `card ${i}` });
    const beforeNextTurn = await new Promise<number>((resolve) => setImmediate(() => resolve(calls.length)));
    await outbox.idle();

    // Assert: all 50 are posted at once in Slack's terms (no pacing wait), but the loop turned after the first few
    expect(calls).toHaveLength(50);
    expect(timer.t).toBe(0);
    expect(beforeNextTurn).toBeLessThanOrEqual(2);
  });

  it('coalesces updates of one message into one call with the latest state', async () => {
    // Prepare
    const timer = virtualTimer();
    const { chat, calls } = fakeChat(timer);
    const outbox = createSlackOutbox({
      chat,
      logger,
      timer,
      limits: { updatePerMinute: 60, updateBurst: 1 },
    });
    let state = 0;

    // Act: the first update goes at once; 49 more arrive while it is paced
    const done = [];
    for (let i = 1; i <= 50; i++) {
      state = i;
      done.push(outbox.update('C1', '1.000', async () => ({ text: `state ${state}` })));
    }
    await Promise.all(done);

    // Assert
    const updates = calls.filter((c) => c.method === 'update');
    expect(updates.length).toBeLessThanOrEqual(2);
    expect(updates.at(-1)?.text).toBe('state 50');
    expect(outbox.stats().coalesced).toBeGreaterThanOrEqual(48);
  });

  it('paces chat.update across every channel (Tier 3 is per workspace)', async () => {
    // Prepare
    const timer = virtualTimer();
    const { chat, calls } = fakeChat(timer);
    const outbox = createSlackOutbox({
      chat,
      logger,
      timer,
      limits: { updatePerMinute: 45, updateBurst: 5 },
    });

    // Act
    for (let i = 0; i < 100; i++) void outbox.update(`C${i % 5}`, `${i}.000`, async () => ({ text: 'x' }));
    await outbox.idle();

    // Assert: burst + a minute of sustained rate stays within 50 per minute
    const times = calls.map((c) => c.at);
    expect(times).toHaveLength(100);
    expect(peak(times, 60_000)).toBeLessThanOrEqual(50);
  });

  it('merges thread replies waiting for the same thread and summarises a backlog', async () => {
    // Prepare
    const timer = virtualTimer();
    const { chat, calls } = fakeChat(timer);
    const outbox = createSlackOutbox({
      chat,
      logger,
      timer,
      limits: { postPerSecond: 1, postBurst: 1 },
      maxReplyLines: 5,
    });

    // Act: the first reply takes the token, the next 29 lines wait and merge
    const done = [];
    for (let i = 0; i < 30; i++) done.push(outbox.reply('C1', '1.000', `line ${i}`));
    await Promise.all(done);

    // Assert
    const replies = calls.filter((c) => c.thread === '1.000');
    expect(replies).toHaveLength(2);
    expect(replies[1]?.text.split('\n').slice(0, 5)).toEqual([
      'line 1',
      'line 2',
      'line 3',
      'line 4',
      'line 5',
    ]);
    expect(replies[1]?.text).toContain('and 24 more change(s)');
  });

  it('honours Retry-After on a 429 and sends the call again', async () => {
    // Prepare
    const timer = virtualTimer();
    const { chat, calls } = fakeChat(timer, { retryAfter: 7 });
    const outbox = createSlackOutbox({ chat, logger, timer });

    // Act
    const ts = await outbox.post('C1', { text: 'hello' });

    // Assert
    expect(ts).toBe('1.000');
    expect(calls[0]?.at).toBeGreaterThanOrEqual(7_000);
    expect(outbox.stats().rateLimited).toBe(1);
  });

  it('is bounded and refuses new work once closed', async () => {
    // Prepare
    const timer = virtualTimer();
    const { chat } = fakeChat(timer);
    const outbox = createSlackOutbox({
      chat,
      logger,
      timer,
      maxDepth: 2,
      limits: { postPerSecond: 1, postBurst: 1 },
    });
    void outbox.post('C1', { text: '1' });
    void outbox.post('C1', { text: '2' });
    void outbox.post('C1', { text: '3' });

    // Act / Assert
    expect(outbox.stats().byChannel.C1).toBe(2);
    await expect(outbox.post('C1', { text: '4' })).rejects.toThrow(OutboxError);
    expect(await outbox.close(1_000)).toBe(0);
    await expect(outbox.post('C1', { text: '5' })).rejects.toThrow(/shut down/);
  });
});
