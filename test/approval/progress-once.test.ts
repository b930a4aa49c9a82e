import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createOnceMarks } from '../../src/adapters/store/once.js';
import { createCards } from '../../src/approval/cards.js';
import type { StakeholderNotice } from '../../src/approval/notify.js';
import { createFailoverRequests } from '../../src/approval/requests.js';
import { createFailoverSlack } from '../../src/approval/slack.js';
import { createRequestStore } from '../../src/approval/store.js';
import type { Execution, RunnerPort } from '../../src/approval/types.js';
import { createInFlight } from '../../src/domain/inflight.js';
import type { ReadinessService } from '../../src/readiness/service.js';
import { type DrillWorld, drillWorldPerTest, planApprovers } from '../drills/fixture.js';

const TABLE = 'lifeboat-drills';
const unused = (what: string) => () => Promise.reject(new Error(`${what} is not used by these tests`));

/** What the Slack Web API and the stakeholder topics received, shared by every replica of a test. */
function recorder() {
  const posts: {
    channel: string;
    thread_ts?: string;
    reply_broadcast?: boolean;
    text?: string;
    blocks?: unknown;
  }[] = [];
  const dmsOpened: string[] = [];
  const updates: { channel: string; ts: string; text?: string }[] = [];
  const notices: StakeholderNotice[] = [];
  let failNextDm = false;
  const client = {
    chat: {
      postMessage: async (args: {
        channel: string;
        thread_ts?: string;
        reply_broadcast?: boolean;
        text?: string;
        blocks?: unknown;
      }) => {
        if (args.channel.startsWith('D') && failNextDm) {
          failNextDm = false;
          throw new Error('ratelimited');
        }
        posts.push(args);
        return { ok: true, ts: `1700000000.${String(posts.length).padStart(6, '0')}` };
      },
      update: async (args: { channel: string; ts: string; text?: string }) => {
        updates.push(args);
        return { ok: true };
      },
    },
    conversations: {
      open: async (args: { users: string }) => {
        dmsOpened.push(args.users);
        return { ok: true, channel: { id: `D${args.users}` } };
      },
    },
  } as unknown as WebClient;
  return {
    client,
    updates,
    notices,
    dmsOpened,
    notify: async (notice: StakeholderNotice) => {
      notices.push(notice);
    },
    failNextDm: () => {
      failNextDm = true;
    },
    /** Thread replies that stay in the thread (the channel-level progress lines are `broadcasts`). */
    replies: () => posts.filter((p) => p.thread_ts !== undefined && !p.reply_broadcast),
    broadcasts: () => posts.filter((p) => p.thread_ts !== undefined && p.reply_broadcast === true),
    dms: () => posts.filter((p) => p.channel.startsWith('D')),
  };
}

/** One replica's Slack side (its own in-memory state and its own marks object) on the shared table. */
function replica(w: DrillWorld, sent: ReturnType<typeof recorder>) {
  const getPlan = () => w.plan;
  const requestStore = createRequestStore(w.documents, TABLE);
  const readiness: ReadinessService = {
    check: unused('readiness'),
    checkAll: unused('readiness'),
    peek: () => undefined,
    invalidate: () => undefined,
  };
  const requests = createFailoverRequests({
    stores: w.stores,
    requests: requestStore,
    audit: w.audit,
    approvers: planApprovers,
    readiness,
    getPlan,
    clock: w.clock,
  });
  const cards = createCards({
    client: sent.client,
    stores: w.stores,
    requests: requestStore,
    getPlan,
    clock: w.clock,
    logger: w.logger,
  });
  const runner: RunnerPort = {
    track: unused('runner'),
    run: unused('runner'),
    decide: unused('runner'),
    dryRun: unused('runner'),
  };
  const inflight = createInFlight();
  const slack = createFailoverSlack({
    client: sent.client,
    requests,
    cards,
    runner,
    approvers: planApprovers,
    audit: w.audit,
    notify: sent.notify,
    getPlan,
    logger: w.logger,
    inflight,
    once: createOnceMarks(w.documents, TABLE, w.clock),
    skipVotes: w.stores.approvals,
    clock: w.clock,
  });
  return { slack, requests, cards, inflight };
}

/** A posted request and the transitions the runbook engine reports: start, a failed step, retry, completion. */
async function postedRequestAndTransitions(w: DrillWorld, first: ReturnType<typeof replica>) {
  const created = await first.requests.create({
    service: 'accounts',
    mode: 'unplanned',
    reason: 'us-east-1 is down',
    requestedBy: 'U0ALICE',
    source: 'slack',
    where: { channel: 'C0ACCOUNTS' },
  });
  if (created.kind !== 'created') throw new Error(`request not created: ${created.kind}`);
  await first.cards.post(created.request.id);
  const base = (await w.stores.executions.get(created.request.id)) as Execution;
  const running: Execution = {
    ...base,
    state: 'running',
    steps: { promote: { state: 'intent', attempts: 1 } },
  };
  const failed: Execution = {
    ...running,
    state: 'pausedByFailedStep',
    steps: { promote: { state: 'failed', attempts: 1, error: 'throttled' } },
  };
  const retried: Execution = { ...running, steps: { promote: { state: 'intent', attempts: 2 } } };
  const completed: Execution = {
    ...running,
    state: 'completed',
    steps: { promote: { state: 'succeeded', attempts: 2 } },
  };
  return [running, failed, retried, completed];
}

async function report(side: ReturnType<typeof replica>, transitions: readonly Execution[]) {
  for (const execution of transitions) await side.slack.onChange(execution);
  await side.inflight.drain(5_000);
}

describe('progress messages of an execution reported by several replicas', () => {
  const worlds = drillWorldPerTest();

  it('sends each notice, failure reply and outcome DM once across two replicas and a restart', async () => {
    // Prepare
    const world = await worlds.start();
    const sent = recorder();
    const a = replica(world, sent);
    const transitions = await postedRequestAndTransitions(world, a);

    // Act: both replicas report every change (a lease takeover), then a restarted replica reports them again.
    for (const execution of transitions) {
      await Promise.all([a.slack.onChange(execution), replica(world, sent).slack.onChange(execution)]);
    }
    await a.inflight.drain(5_000);
    await report(replica(world, sent), transitions);

    // Assert
    expect(sent.notices.map((n) => n.event)).toEqual(['started', 'failed', 'completed']);
    expect(sent.replies().map((r) => r.text)).toHaveLength(1);
    expect(sent.replies()[0]?.text).toContain('promote');
    expect(sent.dms()).toHaveLength(1);
    expect(sent.dmsOpened).toEqual(['U0ALICE']);
    // The channel hears the start, the pause and the completion once each (reply_broadcast in the card's thread).
    expect(sent.broadcasts().map((b) => b.text)).toEqual([
      'Failover of accounts to us-west-2 started.',
      'Failover of accounts paused: step promote failed.',
      'accounts now runs in us-west-2 (failover completed).',
    ]);
    expect(new Set(sent.broadcasts().map((b) => b.thread_ts)).size).toBe(1);
  });

  it('edits the card only when what it shows changed (Slack counts every chat.update)', async () => {
    // Prepare
    const world = await worlds.start();
    const sent = recorder();
    const a = replica(world, sent);
    const [running] = await postedRequestAndTransitions(world, a);
    const id = (running as Execution).id;

    // Act: the same stored state is shown three times over
    await a.cards.refresh(id);
    await a.cards.refresh(id);
    await a.cards.refresh(id);

    // Assert
    expect(sent.updates).toHaveLength(1);
    expect(sent.updates[0]?.text).toBeDefined();
  });

  it('retries an outcome DM that failed on the next change, on whichever replica reports it', async () => {
    // Prepare
    const world = await worlds.start();
    const sent = recorder();
    const a = replica(world, sent);
    const transitions = await postedRequestAndTransitions(world, a);
    sent.failNextDm();

    // Act
    await report(a, transitions);
    await report(replica(world, sent), transitions.slice(-1));
    await report(replica(world, sent), transitions.slice(-1));

    // Assert
    expect(sent.dms()).toHaveLength(1);
    expect(sent.notices.filter((n) => n.event === 'completed')).toHaveLength(1);
  });

  it("posts a notify step's message in the execution's thread once, across a failed attempt, its retry, two replicas and a restart", async () => {
    // Prepare: a payments failover whose notify step fails once (SNS refused), is retried and succeeds.
    const world = await worlds.start();
    const sent = recorder();
    const a = replica(world, sent);
    const created = await a.requests.create({
      service: 'payments',
      mode: 'unplanned',
      reason: 'us-east-1 is down',
      requestedBy: 'U0ALICE',
      source: 'slack',
      where: { channel: 'C0PAYMENTS' },
    });
    if (created.kind !== 'created') throw new Error(`request not created: ${created.kind}`);
    await a.cards.post(created.request.id);
    const base = (await world.stores.executions.get(created.request.id)) as Execution;
    const step = (state: 'intent' | 'failed' | 'succeeded', attempts: number) => ({
      ...base,
      state: state === 'failed' ? ('pausedByFailedStep' as const) : ('running' as const),
      steps: {
        'tell-stakeholders': { state, attempts, ...(state === 'failed' ? { error: 'throttled' } : {}) },
      },
    });
    const transitions: Execution[] = [
      step('intent', 1),
      step('failed', 1),
      step('intent', 2),
      step('succeeded', 2),
      { ...step('succeeded', 2), state: 'completed' },
    ];

    // Act: both replicas report every change, then a restarted replica reports them again.
    for (const execution of transitions)
      await Promise.all([a.slack.onChange(execution), replica(world, sent).slack.onChange(execution)]);
    await a.inflight.drain(5_000);
    await report(replica(world, sent), transitions);

    // Assert: the failure reply and the plan's message, each once, in the request's thread.
    const said = sent.replies().filter((r) => r.text?.includes('Payments now serve from us-west-2.'));
    expect(said).toHaveLength(1);
    expect(said[0]?.channel).toBe('C0PAYMENTS');
    expect(said[0]?.thread_ts).toBe(sent.replies()[0]?.thread_ts);
    expect(JSON.stringify(said[0]?.blocks)).toContain('tell-stakeholders');
    expect(sent.replies()).toHaveLength(2);
  });
});
