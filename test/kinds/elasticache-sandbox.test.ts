import { DescribeGlobalReplicationGroupsCommand } from '@aws-sdk/client-elasticache';
import { describe, expect, it } from 'vitest';
import { createElasticacheChecker } from '../../src/kinds/elasticache/checker.js';
import type { ResourceOf } from '../../src/plan/schema.js';
import { approvedFailback, readinessOf } from '../failback/world.js';
import { runner, type World, worldPerTest } from '../runbook/world.js';
import { checkContext, datastoresPlan, storefront } from './datastores-fixture.js';

const worlds = worldPerTest();

const roles = async (world: World, region = 'us-west-2') => {
  const out = await world.aws.forRegion(region).elasticache.send(
    new DescribeGlobalReplicationGroupsCommand({
      GlobalReplicationGroupId: 'ldgnf-storefront-sessions',
      ShowMemberInfo: true,
    }),
  );
  const g = out.GlobalReplicationGroups?.[0];
  return {
    status: g?.Status,
    members: Object.fromEntries((g?.Members ?? []).map((m) => [m.ReplicationGroupId, m.Role])),
  };
};

const sessions = () =>
  storefront().resources.find(
    (r) => r.kind === 'elasticache-global-datastore',
  ) as ResourceOf<'elasticache-global-datastore'>;

const readiness = (world: World) =>
  createElasticacheChecker(world.aws).check(sessions(), storefront(), checkContext());

const promotions = (world: World, outcome: string) =>
  world.calls.filter((c) => c.operation === 'FailoverGlobalReplicationGroup' && c.outcome === outcome).length;

describe('ElastiCache global datastore in the sandbox (second example plan)', () => {
  it('readiness: datastore, engine, recovery group and replication lag all measured and ready', async () => {
    const world = await worlds.start({ plan: datastoresPlan() });
    const checks = await readiness(world);
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([
      ['global datastore', 'ready'],
      ['engine', 'ready'],
      ['recovery replication group', 'ready'],
      ['replication lag', 'ready'],
    ]);
    expect(checks.find((c) => c.name === 'replication lag')).toMatchObject({ source: 'metric' });
    expect(checks.find((c) => c.name === 'global datastore')?.observed).toMatchObject({
      facet: 'writer',
      side: 'primary',
    });
  });

  it('dry run names FailoverGlobalReplicationGroup with the recovery group, sends nothing', async () => {
    const world = await worlds.start({ plan: datastoresPlan() });
    const plan = await runner(world).dryRun('storefront', 'planned');
    const step = plan.steps.find((s) => s.id === 'promote-sessions');
    expect(step?.action).toContain('Promote sessions-usw2 in us-west-2 to primary');
    expect(step?.preconditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'global datastore available', ok: true })]),
    );
    expect(step?.calls).toEqual([
      expect.objectContaining({
        client: 'elasticache',
        command: 'FailoverGlobalReplicationGroup',
        region: 'us-west-2',
        input: {
          GlobalReplicationGroupId: 'ldgnf-storefront-sessions',
          PrimaryRegion: 'us-west-2',
          PrimaryReplicationGroupId: 'sessions-usw2',
        },
      }),
    ]);
    expect(world.mutations()).toEqual([]);
  });

  it('fails over (one promotion), waits for PRIMARY and available, then fails back', async () => {
    const world = await worlds.start({ plan: datastoresPlan() });
    const done = await runner(world).run((await world.approve('storefront', 'planned')).id);
    expect(done.state, done.lastError).toBe('completed');
    expect(await roles(world)).toEqual({
      status: 'available',
      members: { 'sessions-use1': 'SECONDARY', 'sessions-usw2': 'PRIMARY' },
    });
    expect(promotions(world, 'ok')).toBe(1);
    expect(done.steps['promote-sessions']?.observed).toMatchObject({ targetRole: 'PRIMARY' });
    const after = await readiness(world);
    expect(after.find((c) => c.name === 'global datastore')).toMatchObject({
      verdict: 'not_ready',
      observed: { facet: 'writer', side: 'recovery' },
    });

    const back = await runner(world).run((await approvedFailback(world, 'storefront')).id);
    expect(back.state, back.lastError).toBe('completed');
    expect(await roles(world, 'us-east-1')).toEqual({
      status: 'available',
      members: { 'sessions-use1': 'PRIMARY', 'sessions-usw2': 'SECONDARY' },
    });
    expect(promotions(world, 'ok')).toBe(2);
  });

  it('pauses with the truth when the primary Region is out: no promotion, what to do next', async () => {
    const world = await worlds.start({ plan: datastoresPlan() });
    world.cloud.faults.regionOutage('us-east-1');
    const paused = await runner(world).run((await world.approve('storefront', 'unplanned')).id);
    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.pausedAtStep).toBe('promote-sessions');
    expect(paused.lastError).toContain('InvalidGlobalReplicationGroupStateFault');
    expect(paused.lastError).toContain('still a read-only secondary');
    expect(paused.lastError).toContain('DisassociateGlobalReplicationGroup');
    expect(promotions(world, 'ok')).toBe(0);
    expect((await roles(world)).members['sessions-usw2']).toBe('SECONDARY');
  });
});

describe('failback readiness of the datastores', () => {
  it('after a failover: serving from the recovery Region, the old primaries replicate as secondaries (ready to fail back)', async () => {
    const world = await worlds.start({ plan: datastoresPlan() });
    const before = await readinessOf(world, 'storefront');
    expect(before.items.filter((i) => i.kind !== 'ec2').map((i) => [i.resourceId, i.status])).toEqual([
      ['storefront-sessions', 'ready'],
      ['storefront-catalog', 'ready'],
    ]);
    const done = await runner(world).run((await world.approve('storefront', 'planned')).id);
    expect(done.state, done.lastError).toBe('completed');
    const after = await readinessOf(world, 'storefront');
    expect(after.items.map((i) => [i.resourceId, i.status, i.text])).toEqual([
      ['storefront-sessions', 'ready', expect.stringContaining('sessions-use1 replicates as a secondary')],
      ['storefront-catalog', 'ready', expect.stringContaining('old primary rejoined as a secondary')],
    ]);
  });
});
