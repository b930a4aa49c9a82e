import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { OutboundMessage, SlackOutbox } from '../../src/adapters/slack/outbox-types.js';
import type { Timer } from '../../src/adapters/slack/timer.js';
import { ConflictError, type Versioned, type VersionedStore } from '../../src/adapters/store/versioned.js';
import { createIncidentSlack } from '../../src/alarms/incident-slack.js';
import { manualClock } from '../../src/domain/clock.js';
import type { IncidentRecord } from '../../src/domain/records.js';
import { acceptingStandalonePlan } from '../helpers/plans.js';

/**
 * Exactly one parent message per incident (issue 19: the storm bench found up to 4). A DynamoDB call that
 * fails after the card was posted (a timeout under load: the write may even have happened) must not make
 * the next change post the card again: the replica that posted keeps the ts and stores it until it holds.
 */

const plan = acceptingStandalonePlan();

function recordingOutbox() {
  const posts: OutboundMessage[] = [];
  const replies: { ts: string; line: string }[] = [];
  const outbox = {
    post: async (_channel: string, message: OutboundMessage) => {
      posts.push(message);
      return `${posts.length}.0`;
    },
    reply: async (_c: string, ts: string, line: string) => {
      replies.push({ ts, line });
    },
    update: async () => undefined,
    idle: async () => undefined,
  } as unknown as SlackOutbox;
  return { outbox, posts, replies };
}

/**
 * A store whose next `failGets` reads and `failWrites` writes throw a timeout, and whose next `lostAcks`
 * writes apply but answer a timeout (the answer was lost).
 */
function flakyStore(incident: IncidentRecord & Versioned) {
  let current = incident;
  const faults = { failGets: 0, failWrites: 0, lostAcks: 0 };
  const timeout = () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
  const store = {
    get: async () => {
      if (faults.failGets > 0) {
        faults.failGets--;
        throw timeout();
      }
      return current;
    },
    transition: async (_id: string, version: number, next: IncidentRecord) => {
      if (faults.failWrites > 0) {
        faults.failWrites--;
        throw timeout();
      }
      if (version !== current.version) throw new ConflictError('version moved', current);
      current = { ...next, version: current.version + 1 };
      if (faults.lostAcks > 0) {
        faults.lostAcks--;
        throw timeout();
      }
      return current;
    },
  } as unknown as VersionedStore<IncidentRecord>;
  return { store, faults, current: () => current };
}

/** Sleeps that resolve at once, so retries with backoff run inside one `idle()`. */
const instantTimer: Timer = {
  now: () => 0,
  sleep: async () => undefined,
};

const opened = (): IncidentRecord & Versioned => ({
  id: 'inc-1',
  service: 'payments',
  state: 'open',
  openedAtMs: 0,
  channel: 'C0PAYMENTS',
  alarms: { 'payments-writer-down': { state: 'ALARM', changedAtMs: 0, count: 1 } },
  version: 1,
});

function slackFor(store: VersionedStore<IncidentRecord>, outbox: SlackOutbox) {
  return createIncidentSlack({
    outbox,
    incidents: store,
    getPlan: () => plan,
    clock: manualClock(),
    logger: pino({ level: 'silent' }),
    instanceId: 'replica-a',
    timer: instantTimer,
  });
}

describe('the incident parent message', () => {
  // The claim write applies synchronously in changed(); the fault then hits storing the ts after the post.
  it.each([
    ['every try at storing its ts times out', 'failWrites', 100, undefined],
    ['storing its ts applies but its answer is lost', 'lostAcks', 1, '1.0'],
    ['the store cannot be read for a long outage', 'failGets', 1_000, undefined],
  ] as const)(
    'is posted once when %s, and the next change stores and reuses its ts',
    async (_what, fault, times, stored) => {
      const { store, faults, current } = flakyStore(opened());
      const { outbox, posts, replies } = recordingOutbox();
      const slack = slackFor(store, outbox);

      slack.changed(opened(), []);
      faults[fault] = times;
      await slack.idle();
      expect(current().threadTs).toBe(stored);
      faults[fault] = 0;
      slack.changed({ ...current() }, [
        { alarm: 'payments-writer-down', from: 'ALARM', to: 'OK', atMs: 1, reason: 'recovered' },
      ]);
      await slack.idle();

      expect(posts).toHaveLength(1);
      expect(current().threadTs).toBe('1.0');
      expect(replies.map((r) => r.ts)).toEqual(['1.0']);
    },
  );

  it('is posted once when reading the record after the post fails, and its ts is stored when the store answers again', async () => {
    const { store, faults, current } = flakyStore(opened());
    const { outbox, posts } = recordingOutbox();
    const slack = slackFor(store, outbox);

    slack.changed(opened(), []);
    faults.failGets = 3;
    await slack.idle();
    // A later change of the stale record (no ts on it) must not post a second card.
    slack.changed(opened(), []);
    await slack.idle();

    expect(posts).toHaveLength(1);
    expect(current().threadTs).toBe('1.0');
  });
});
