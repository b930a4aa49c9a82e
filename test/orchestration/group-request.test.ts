import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailoverRequest } from '../../src/approval/types.js';
import type { AuditEntry } from '../../src/audit/types.js';
import type { Lifeboat } from '../../src/main.js';
import { type Plan, parsePlan } from '../../src/plan/load.js';
import { startWorld, type World } from '../approval/harness.js';

/**
 * One request and one approval for several services, against a whole bot (simulated cloud, shared DynamoDB): the
 * two-person rule holds for every service of the request, and the services run in `after:` order, each mutating
 * call made once.
 */
describe('one failover request for several services', () => {
  const yaml = readFileSync('dr-plan.example.yml', 'utf8');
  const plan: Plan = parsePlan(yaml);
  let world: World;
  let bot: Lifeboat;
  let request: FailoverRequest;
  const calls: string[] = [];

  const entries = async (type: string) => {
    const out: AuditEntry[] = [];
    for await (const e of bot.audit.query()) if (e.type === type) out.push(e);
    return out;
  };
  const state = async (id: string) => (await bot.stores.executions.get(id))?.state;

  beforeAll(async () => {
    world = await startWorld(plan);
    world.cloud.events.on('call', (c: { service: string; operation: string }) =>
      calls.push(`${c.service}:${c.operation}`),
    );
    bot = await world.start(plan);
    await bot.readiness.check('payments');
    await bot.readiness.check('accounts');
    const created = await bot.failover.requests.create({
      service: 'payments',
      services: ['payments', 'accounts'],
      mode: 'unplanned',
      reason: 'us-east-1 is down',
      requestedBy: 'U0ALICE',
      source: 'slack',
      where: { channel: 'C0PAYMENTS' },
    });
    if (created.kind !== 'created') throw new Error(`not created: ${created.kind}`);
    request = created.request;
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it('is one request in after: order, one pending execution per service, every slot taken', async () => {
    expect(request.services).toEqual(['accounts', 'payments']);
    expect(request.service).toBe('accounts');
    expect(await state(request.id)).toBe('pendingApproval');
    expect((await bot.stores.executions.get(`${request.id}.1`))?.service).toBe('payments');
    const [created] = await entries('request.created');
    expect(created?.details.services).toEqual(['accounts', 'payments']);
    // A single request for payments now finds the service busy.
    const single = await bot.failover.requests.create({
      service: 'payments',
      mode: 'unplanned',
      reason: 'again',
      requestedBy: 'U0BOB',
      source: 'slack',
      where: { channel: 'C0PAYMENTS' },
    });
    expect(single.kind).toBe('busy');
  });

  it('refuses the requester', async () => {
    const out = await bot.failover.requests.approve(request.id, 'U0ALICE', request.digest);
    expect(out.kind === 'refused' && out.refusal.code).toBe('self-approval');
  });

  it('refuses someone who is an approver of payments but not of accounts, naming accounts', async () => {
    const out = await bot.failover.requests.approve(request.id, 'U0CAROL', request.digest);
    expect(out.kind === 'refused' && out.refusal.code).toBe('not-approver');
    expect(out.kind === 'refused' && out.refusal.message).toContain('not an approver of accounts');
    expect((await entries('auth.refused')).some((e) => e.actor === 'U0CAROL')).toBe(true);
    expect(await state(request.id)).toBe('pendingApproval');
  });

  it('refuses an approval naming a later service execution instead of the request', async () => {
    const out = await bot.failover.requests.approve(`${request.id}.1`, 'U0BOB', request.digest);
    expect(out.kind === 'refused' && out.refusal.code).toBe('unknown-request');
    expect(await state(`${request.id}.1`)).toBe('pendingApproval');
  });

  it('refuses an approval bound to other parameters (an altered or replayed button)', async () => {
    // Another last hex digit: replacing it with a fixed "0" left a digest ending in 0 unchanged (1 run in 16
    // approved the "altered" button, and the rest of this file failed behind it).
    const altered = `${request.digest.slice(0, -1)}${request.digest.endsWith('0') ? '1' : '0'}`;
    expect(altered).not.toBe(request.digest);
    const out = await bot.failover.requests.approve(request.id, 'U0BOB', altered);
    expect(out.kind === 'refused' && out.refusal.code).toBe('parameters-changed');
  });

  it('runs every service under the one approval, each only after those it recovers after', async () => {
    const out = await bot.failover.requests.approve(request.id, 'U0BOB', request.digest);
    expect(out.kind).toBe('approved');
    await bot.runner.track(request.id);
    await bot.runner.run(request.id);

    await expect.poll(() => state(`${request.id}.1`), { timeout: 60_000, interval: 250 }).toBe('completed');
    const accounts = await bot.stores.executions.get(request.id);
    const payments = await bot.stores.executions.get(`${request.id}.1`);
    expect(accounts?.state).toBe('completed');
    expect(payments?.startedAtMs).toBeGreaterThanOrEqual(accounts?.finishedAtMs ?? Number.POSITIVE_INFINITY);
    const started = (await entries('execution.started')).map((e) => e.service);
    expect(started).toEqual(['accounts', 'payments']);
    expect(calls.filter((c) => c === 'rds:PromoteReadReplica')).toHaveLength(1);
    expect(calls.filter((c) => c === 'rds:FailoverGlobalCluster')).toHaveLength(1);
    expect((await entries('approval.granted')).map((e) => e.actor)).toEqual(['U0BOB']);
  }, 90_000);

  it('gives each service its recovery report, naming the one approval', async () => {
    const files = await world.slack.waitFor(() => {
      const found = world.slack.files().filter((f) => f.completed && f.name.startsWith('lifeboat-recovery-'));
      return found.length === 2 ? found : undefined;
    }, 20_000);
    expect(files.map((f) => f.name.split('-')[2]).sort()).toEqual(['accounts', 'payments']);
    for (const f of files) expect(f.content.toString('utf8')).toContain('- Approved by `U0BOB`');
    expect((await entries('report.recovery')).map((e) => e.executionId).sort()).toEqual(
      [request.id, `${request.id}.1`].sort(),
    );
  });

  it('answers a replayed approval with the current state and changes nothing', async () => {
    const before = await bot.stores.executions.get(request.id);
    const out = await bot.failover.requests.approve(request.id, 'U0BOB', request.digest);
    expect(out.kind).not.toBe('approved');
    expect((await bot.stores.executions.get(request.id))?.version).toBe(before?.version);
  });
});
