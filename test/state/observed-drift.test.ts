import { readFileSync } from 'node:fs';
import { StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { UpdateRoutingControlStatesCommand } from '@aws-sdk/client-route53-recovery-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceStatusMessage } from '../../blocks/readiness/service.js';
import type { Lifeboat } from '../../src/main.js';
import { parsePlan } from '../../src/plan/load.js';
import { startWorld, type World } from '../approval/harness.js';
import type { SimCall } from '../runbook/world.js';

const plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'), 'dr-plan.example.yml');
const CONTROL = 'arn:aws:route53-recovery-control::123456789012:controlpanel/a1b2c3d4e5f6a7b8/routingcontrol';
const PRIMARY_RC = `${CONTROL}/0a1b2c3d4e5f6a7b`;
const RECOVERY_RC = `${CONTROL}/1a2b3c4d5e6f7a8b`;
const WEST = {
  region: 'us-west-2',
  endpoint: 'https://host-pay2.route53-recovery-cluster.us-west-2.amazonaws.com/v1',
};

/**
 * Recorded versus observed beyond the database writer: which Region DNS answers with (ARC routing controls,
 * Route 53) and compute running where the record says; and each readiness run measuring only the direction
 * that applies (no failback check before a failover, no read made twice).
 */
describe('recorded versus observed: DNS and compute, one direction per run (simulated cloud)', () => {
  let world: World;
  let bot: Lifeboat;
  const calls: SimCall[] = [];

  beforeAll(async () => {
    world = await startWorld(plan);
    bot = await world.start(plan);
    world.cloud.events.on('call', (c: SimCall) => calls.push(c));
  }, 60_000);
  afterAll(() => world?.close());

  const drifts = async (service: string) => {
    const out: string[] = [];
    for await (const e of bot.audit.query())
      if (e.type === 'state.drift' && e.service === service) out.push(JSON.stringify(e.details?.facets));
    return out;
  };

  it('before a failover, measures readiness to fail over only: no failback check, no read made twice', async () => {
    await bot.readiness.check('payments', { fresh: true });
    calls.length = 0;
    const read = await bot.readiness.check('payments', { fresh: true });
    expect(read.direction).toBe('failover');
    const counts = new Map<string, number>();
    for (const c of calls) {
      const key = `${c.service}:${c.operation}@${c.region}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // The failback check's reads (replication back from the recovery bucket; the global cluster and the
    // table read a second time through us-west-2) are not made before a failover.
    expect(counts.get('rds:DescribeGlobalClusters@us-west-2')).toBe(1);
    expect(counts.get('dynamodb:DescribeTable@us-west-2')).toBe(1);
    expect(counts.get('s3:GetBucketVersioning@us-west-2') ?? 0).toBeLessThanOrEqual(1);
    // Compute in the primary Region is read once, for the comparison with the record.
    expect(counts.get('ec2:DescribeInstances@us-east-1')).toBe(1);
  }, 60_000);

  it('shows DNS drift when the routing controls are flipped by hand, audits it once, and keeps the phase', async () => {
    await bot.aws.arcCluster(WEST).send(
      new UpdateRoutingControlStatesCommand({
        UpdateRoutingControlStateEntries: [
          { RoutingControlArn: RECOVERY_RC, RoutingControlState: 'On' },
          { RoutingControlArn: PRIMARY_RC, RoutingControlState: 'Off' },
        ],
      }),
    );
    const first = await bot.readiness.check('payments', { fresh: true });
    await bot.readiness.check('payments', { fresh: true });
    if (!first.operating?.known) throw new Error('state unknown');
    const s = first.operating.state;
    expect(s.phase).toBe('normal-in-primary');
    expect(s.drift?.facets?.map((f) => f.facet)).toContain('dns');
    expect(s.drift?.text).toMatch(/DNS sends traffic to us-west-2/);
    expect(JSON.stringify(serviceStatusMessage(first).blocks)).toContain('Drift');
    expect((await drifts('payments')).length).toBe(1);
  }, 60_000);

  it('clears the DNS note when the routing controls agree with the record again', async () => {
    await bot.aws.arcCluster(WEST).send(
      new UpdateRoutingControlStatesCommand({
        UpdateRoutingControlStateEntries: [
          { RoutingControlArn: PRIMARY_RC, RoutingControlState: 'On' },
          { RoutingControlArn: RECOVERY_RC, RoutingControlState: 'Off' },
        ],
      }),
    );
    // Route 53's health check follows its routing control a little later: poll until DNS agrees everywhere.
    await expect
      .poll(
        async () => {
          const read = await bot.readiness.check('payments', { fresh: true });
          return read.operating?.known ? (read.operating.state.drift ?? 'none') : 'unknown';
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('none');
  }, 60_000);

  it('shows compute drift when the primary instances are stopped by hand', async () => {
    await bot.aws
      .forRegion('us-east-1')
      .ec2.send(new StopInstancesCommand({ InstanceIds: ['i-0a1b2c3d4e5f60001'] }));
    await expect
      .poll(
        async () => {
          const read = await bot.readiness.check('payments', { fresh: true });
          return read.operating?.known ? read.operating.state.drift?.facets?.map((f) => f.facet) : undefined;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toEqual(['compute']);
    const read = await bot.readiness.check('payments', { fresh: true });
    if (!read.operating?.known) throw new Error('state unknown');
    expect(read.operating.state.phase).toBe('normal-in-primary');
    expect(read.operating.state.drift?.text).toMatch(/no instance running in us-east-1/);
    expect(await drifts('payments')).toEqual(['["dns"]', '["compute"]']);
  }, 60_000);

  it('after a failover, measures protection and readiness to fail back only: no forward check, no read made twice', async () => {
    await bot.aws
      .forRegion('us-east-1')
      .ec2.send(new StartInstancesCommand({ InstanceIds: ['i-0a1b2c3d4e5f60001'] }));
    const created = await bot.failover.requests.create({
      service: 'payments',
      mode: 'planned',
      reason: 'planned move',
      requestedBy: 'U0ALICE',
      source: 'slack',
      where: { channel: 'C0PAYMENTS' },
    });
    if (created.kind !== 'created') throw new Error(JSON.stringify(created));
    await bot.failover.requests.approve(created.request.id, 'U0BOB', created.request.digest);
    const done = await bot.runner.run(created.request.id);
    expect(done.state, done.lastError).toBe('completed');
    await bot.readiness.check('payments', { fresh: true });
    calls.length = 0;
    const read = await bot.readiness.check('payments', { fresh: true });
    expect(read.direction).toBe('failback');
    const counts = new Map<string, number>();
    for (const c of calls) {
      const key = `${c.service}:${c.operation}@${c.region}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // The forward checks' reads (AMI copies, vCPU quota, capacity reservations) are not made.
    expect(counts.get('ec2:DescribeImages@us-west-2')).toBeUndefined();
    expect(counts.get('servicequotas:GetServiceQuota@us-west-2')).toBeUndefined();
    expect(counts.get('rds:DescribeGlobalClusters@us-west-2')).toBe(1);
    expect(counts.get('dynamodb:DescribeTable@us-west-2')).toBe(1);
    // Compute in the recovery Region: the instances Lifeboat launched for payments (one tag-filtered read).
    expect(counts.get('ec2:DescribeInstances@us-west-2')).toBe(1);
    if (!read.operating?.known) throw new Error('state unknown');
    expect(read.operating.state.drift).toBeUndefined();
  }, 120_000);
});
