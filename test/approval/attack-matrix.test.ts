import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../blocks/ids.js';
import type { AuditEntry } from '../../src/audit/types.js';
import type { Lifeboat } from '../../src/main.js';
import { type Plan, parsePlan } from '../../src/plan/load.js';
import { slackSignature } from '../helpers/slack.js';
import {
  buttonClick,
  deliver,
  findCard,
  type ResponseSink,
  requestSubmission,
  startResponseSink,
  startWorld,
  type World,
} from './harness.js';

/**
 * The two-person rule under attack, through real signed HTTP requests to real bot replicas sharing one
 * DynamoDB: whatever arrives, there must be 0 bypasses and 0 double executions.
 */
describe('failover approval attack matrix', () => {
  const yaml = readFileSync('dr-plan.example.yml', 'utf8');
  const plan: Plan = parsePlan(yaml);
  // The same plan with one target changed: a replica deployed with a newer plan.
  const changedPlan: Plan = parsePlan(yaml.replace('rto: 30m', 'rto: 25m'));
  let world: World;
  let a: Lifeboat;
  let b: Lifeboat;
  let sink: ResponseSink;
  let executionId = '';
  let card: { ts: string; approve: string };
  let calls: string[] = [];

  const audit = async (type: string, id = executionId) => {
    const out: AuditEntry[] = [];
    for await (const e of a.audit.query())
      if (e.type === type && (e.executionId === id || e.details.requestId === id)) out.push(e);
    return out;
  };
  const state = async (id = executionId) => (await a.stores.executions.get(id))?.state;
  const click = (
    user: string,
    name: string,
    value = card.approve,
    actionId: string = ActionId.failoverApprove,
  ) =>
    buttonClick({
      user,
      actionId,
      value,
      channel: 'C0PAYMENTS',
      messageTs: card.ts,
      responseUrl: sink.url(name),
    });
  const answer = async (name: string) => {
    await expect.poll(() => sink.answers(name).length, { timeout: 15_000 }).toBeGreaterThan(0);
    return sink
      .answers(name)
      .map((r) => r.text ?? '')
      .join('\n');
  };

  beforeAll(async () => {
    world = await startWorld(plan);
    world.cloud.events.on('call', (c: { service: string; operation: string }) =>
      calls.push(`${c.service}:${c.operation}`),
    );
    sink = await startResponseSink();
    a = await world.start(plan);
    b = await world.start(plan);
    // Each replica measures once first, so their replication canaries do not race each other's heartbeats.
    await a.readiness.check('payments');
    await b.readiness.check('payments');
    // Prepare: Alice requests an unplanned failover of payments through bot A.
    const res = await deliver(
      a,
      requestSubmission('U0ALICE', 'payments', 'us-east-1 writer unreachable'),
      world.clock,
    );
    expect(res.status).toBe(200);
    card = await world.slack.waitFor(() => findCard(world.slack, 'C0PAYMENTS', 'payments'), 15_000);
    executionId = card.approve.split('|')[0] ?? '';
  }, 60_000);
  afterAll(async () => {
    await sink?.close();
    await world?.close();
  });

  it('creates the request pending approval, audited, with the card posted in the service channel', async () => {
    expect(await state()).toBe('pendingApproval');
    expect(await audit('request.created')).toHaveLength(1);
  });

  it('refuses self-approval and records it', async () => {
    await deliver(a, click('U0ALICE', 'self'), world.clock);

    expect(await answer('self')).toContain('cannot approve it');
    expect(await state()).toBe('pendingApproval');
    expect((await audit('approval.refused')).map((e) => e.details.code)).toContain('self-approval');
  });

  it('refuses a person who is not an approver as auth.refused', async () => {
    await deliver(b, click('U0DAVE', 'dave'), world.clock);

    expect(await answer('dave')).toContain('not an approver of payments');
    expect(await state()).toBe('pendingApproval');
    expect((await audit('auth.refused')).some((e) => e.actor === 'U0DAVE')).toBe(true);
  });

  it('rejects a forged signature, a stale and a future timestamp before any listener runs', async () => {
    const body = click('U0BOB', 'forged');
    const now = Math.floor(world.clock.now() / 1000);

    const forged = await deliver(a, body, world.clock, {
      signature: slackSignature('not-the-secret', now, body),
    });
    const stale = await deliver(a, click('U0BOB', 'stale'), world.clock, { timestamp: now - 6 * 60 });
    const future = await deliver(a, click('U0BOB', 'future'), world.clock, { timestamp: now + 10 * 60 });

    expect([forged.status, stale.status, future.status]).toEqual([401, 401, 401]);
    expect(await state()).toBe('pendingApproval');
    expect(await audit('approval.granted')).toHaveLength(0);
  });

  it('refuses an Approve button whose value was altered', async () => {
    await deliver(a, click('U0CAROL', 'tampered', `${executionId}|0000`), world.clock);

    expect(await answer('tampered')).toContain('does not match');
    expect(await state()).toBe('pendingApproval');
  });

  it('refuses approval on a replica whose plan changed since the request', async () => {
    const c = await world.start(changedPlan);

    await deliver(c, click('U0CAROL', 'changed'), world.clock);

    expect(await answer('changed')).toContain('plan has changed');
    expect(await state()).toBe('pendingApproval');
  });

  it('turns a double click on two replicas into exactly one approval and one execution', async () => {
    calls = [];
    const body = click('U0BOB', 'bob');

    const results = await Promise.all([
      deliver(a, body, world.clock),
      deliver(a, body, world.clock),
      deliver(b, body, world.clock),
      deliver(b, body, world.clock),
    ]);

    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await expect.poll(() => sink.answers('bob').length, { timeout: 20_000 }).toBe(4);
    const texts = sink.answers('bob').map((r) => r.text ?? '');
    expect(texts.filter((t) => t.startsWith('Approval recorded'))).toHaveLength(1);
    expect(await audit('approval.granted')).toHaveLength(1);
    expect((await a.stores.approvals.list(executionId)).filter((x) => x.decision === 'approve')).toHaveLength(
      1,
    );
    await expect.poll(() => state(), { timeout: 45_000, interval: 250 }).toBe('completed');
    expect(calls.filter((c) => c === 'rds:FailoverGlobalCluster')).toHaveLength(1);
    expect(await audit('execution.started')).toHaveLength(1);
  }, 60_000);

  it('answers a replayed approval with the current state and changes nothing', async () => {
    const before = await a.stores.executions.get(executionId);

    await deliver(b, click('U0BOB', 'replay'), world.clock);

    expect(await answer('replay')).toContain('completed');
    expect((await a.stores.executions.get(executionId))?.version).toBe(before?.version);
  });

  it('refuses approving an expired request and marks it expired', async () => {
    // Prepare: Alice requests a failover of accounts; 31 minutes pass.
    await deliver(a, requestSubmission('U0ALICE', 'accounts', 'replica drill gone wrong'), world.clock);
    const accounts = await world.slack.waitFor(() => findCard(world.slack, 'C0ACCOUNTS', 'accounts'), 15_000);
    const id = accounts.approve.split('|')[0] ?? '';
    world.clock.advance(31 * 60_000);

    await deliver(
      b,
      buttonClick({
        user: 'U0BOB',
        actionId: ActionId.failoverApprove,
        value: accounts.approve,
        channel: 'C0ACCOUNTS',
        messageTs: accounts.ts,
        responseUrl: sink.url('expired'),
      }),
      world.clock,
    );

    expect(await answer('expired')).toContain('expired');
    expect(await state(id)).toBe('expired');
    expect(await audit('request.expired', id)).toHaveLength(1);
    expect(await audit('approval.granted', id)).toHaveLength(0);
  });
});
