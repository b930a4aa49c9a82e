import { readFileSync } from 'node:fs';
import { PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../blocks/ids.js';
import { serviceStatusMessage } from '../../blocks/readiness/service.js';
import { readinessHomeView } from '../../blocks/readiness/summary.js';
import type { Lifeboat } from '../../src/main.js';
import { parsePlan } from '../../src/plan/load.js';
import { startWorld, type World } from '../approval/harness.js';

const plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'), 'dr-plan.example.yml');

/**
 * The whole bot on the simulated cloud: a us-east-1 outage, an unplanned failover of payments approved by a
 * second person, then what every view says while payments runs in us-west-2, a refused second failover, and
 * drift when accounts is failed over by hand behind Lifeboat's back.
 */
describe('operating state end to end (simulated cloud, emulated Slack, embedded DynamoDB)', () => {
  let world: World;
  let bot: Lifeboat;

  beforeAll(async () => {
    world = await startWorld(plan);
    bot = await world.start(plan);
  }, 60_000);
  afterAll(() => world?.close());

  const state = async (service: string) => {
    const read = await bot.readiness.check(service, { fresh: true });
    if (!read.operating?.known) throw new Error(`state unknown: ${JSON.stringify(read.operating)}`);
    return { readiness: read, state: read.operating.state };
  };

  it('starts with payments normal in us-east-1, measuring readiness to fail over', async () => {
    const { readiness, state: s } = await state('payments');
    expect(s.phase).toBe('normal-in-primary');
    expect(readiness.direction).toBe('failover');
    expect(JSON.stringify(serviceStatusMessage(readiness).blocks)).toContain(
      ActionId.readinessRequestFailover,
    );
  });

  it('after an approved unplanned failover during an outage, every view says payments runs in us-west-2', async () => {
    world.cloud.faults.regionOutage('us-east-1');
    const created = await bot.failover.requests.create({
      service: 'payments',
      mode: 'unplanned',
      reason: 'us-east-1 outage',
      requestedBy: 'U0ALICE',
      source: 'slack',
      where: { channel: 'C0PAYMENTS' },
    });
    if (created.kind !== 'created') throw new Error(JSON.stringify(created));
    const approved = await bot.failover.requests.approve(created.request.id, 'U0BOB', created.request.digest);
    expect(approved.kind, JSON.stringify(approved)).toBe('approved');
    const done = await bot.runner.run(created.request.id);
    expect(done.state, done.lastError).toBe('completed');

    const { readiness, state: s } = await state('payments');
    expect(s.phase).toBe('running-in-recovery-unprotected');
    expect(s.move).toMatchObject({ mode: 'unplanned', requestedBy: 'U0ALICE', approvedBy: ['U0BOB'] });
    expect(Object.values(s.resources).every((r) => r.side === 'recovery')).toBe(true);
    // Measured towards failback, read through us-west-2: no "writer is not the plan's primary".
    expect(readiness.direction).toBe('failback');
    expect(readiness.checks.map((c) => c.reason).join('\n')).not.toMatch(/not the plan's primary/);
    const card = serviceStatusMessage(readiness);
    const blocks = JSON.stringify(card.blocks);
    expect(blocks).toContain('Running in us-west-2');
    expect(blocks).toContain('not protected');
    expect(blocks).toContain('<@U0ALICE>');
    expect(blocks).not.toContain(ActionId.readinessRequestFailover);
    // The App Home tab says the same.
    expect(JSON.stringify(readinessHomeView([readiness]).blocks)).toContain('Running in us-west-2');
    const audited: string[] = [];
    for await (const e of bot.audit.query())
      if (e.type === 'state.changed') audited.push(String(e.details?.to));
    expect(audited).toContain('running-in-recovery-unprotected');
  }, 120_000);

  it('refuses a second failover of payments, pointing to /dr failback, and audits the refusal', async () => {
    const again = await bot.failover.requests.create({
      service: 'payments',
      mode: 'unplanned',
      reason: 'again',
      requestedBy: 'U0CAROL',
      source: 'slack',
      where: { channel: 'C0PAYMENTS' },
    });
    expect(again.kind).toBe('refused');
    if (again.kind !== 'refused') return;
    expect(again.refusal.code).toBe('already-failed-over');
    expect(again.refusal.message).toContain('/dr failback payments');
    const refusals: string[] = [];
    for await (const e of bot.audit.query())
      if (e.type === 'approval.refused') refusals.push(String(e.details?.code));
    expect(refusals).toContain('already-failed-over');
  });

  it('shows drift when accounts is failed over by hand, audits it, and does not change the recorded phase', async () => {
    world.cloud.faults.restoreRegion('us-east-1');
    await bot.aws
      .forRegion('us-west-2')
      .rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'accounts-db-usw2' }));
    await expect
      .poll(async () => (await state('accounts')).state.drift?.observed, { timeout: 30_000, interval: 500 })
      .toBe('recovery');
    const { readiness, state: s } = await state('accounts');
    expect(s.phase).toBe('normal-in-primary');
    expect(JSON.stringify(serviceStatusMessage(readiness).blocks)).toContain('failed over by hand');
    const drifts: string[] = [];
    for await (const e of bot.audit.query()) if (e.type === 'state.drift') drifts.push(String(e.service));
    expect(drifts).toEqual(['accounts']);
  }, 60_000);
});
