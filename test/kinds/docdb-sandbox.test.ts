import { DescribeGlobalClustersCommand, DocDBServiceException } from '@aws-sdk/client-docdb';
import { describe, expect, it } from 'vitest';
import { createDocdbChecker } from '../../src/kinds/docdb/checker.js';
import type { ResourceOf } from '../../src/plan/schema.js';
import { approvedFailback } from '../failback/world.js';
import { runner, type World, worldPerTest } from '../runbook/world.js';
import { checkContext, datastoresPlan, storefront } from './datastores-fixture.js';

const worlds = worldPerTest();

const writer = async (world: World) => {
  const out = await world.aws
    .forRegion('us-west-2')
    .docdb.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'catalog-global' }));
  const g = out.GlobalClusters?.[0];
  return { status: g?.Status, writer: g?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn };
};
const catalog = () =>
  storefront().resources.find((r) => r.kind === 'docdb-global-cluster') as ResourceOf<'docdb-global-cluster'>;
const docdbMoves = (world: World) => world.mutations().filter((m) => m.startsWith('docdb:'));

describe('DocumentDB global cluster in the sandbox (second example plan)', () => {
  it('readiness as Aurora: global cluster and recovery cluster ready; unknown ids are the DocDB client’s own faults', async () => {
    const world = await worlds.start({ plan: datastoresPlan() });
    const checks = await createDocdbChecker(world.aws).check(catalog(), storefront(), checkContext());
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([
      ['global cluster', 'ready'],
      ['recovery cluster', 'ready'],
    ]);
    const missing = world.aws
      .forRegion('us-west-2')
      .docdb.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'nope' }));
    await expect(missing).rejects.toBeInstanceOf(DocDBServiceException);
    await expect(missing).rejects.toMatchObject({ name: 'GlobalClusterNotFoundFault' });
  });

  it('planned: dry run shows SwitchoverGlobalCluster on the docdb client; the run switches over once, and fails back', async () => {
    const world = await worlds.start({ plan: datastoresPlan() });
    const dry = await runner(world).dryRun('storefront', 'planned');
    expect(dry.steps.find((s) => s.id === 'promote-catalog')).toMatchObject({
      action: expect.stringContaining('Switch over DocumentDB global cluster catalog-global'),
      calls: [
        expect.objectContaining({
          client: 'docdb',
          command: 'SwitchoverGlobalCluster',
          input: {
            GlobalClusterIdentifier: 'catalog-global',
            TargetDbClusterIdentifier: 'arn:aws:rds:us-west-2:123456789012:cluster:catalog-usw2',
          },
        }),
      ],
    });
    const done = await runner(world).run((await world.approve('storefront', 'planned')).id);
    expect(done.state, done.lastError).toBe('completed');
    expect(await writer(world)).toEqual({
      status: 'available',
      writer: 'arn:aws:rds:us-west-2:123456789012:cluster:catalog-usw2',
    });
    expect(docdbMoves(world)).toEqual(['docdb:SwitchoverGlobalCluster']);

    const back = await runner(world).run((await approvedFailback(world, 'storefront')).id);
    expect(back.state, back.lastError).toBe('completed');
    expect((await writer(world)).writer).toBe('arn:aws:rds:us-east-1:123456789012:cluster:catalog-use1');
  });

  it('unplanned with the primary Region out: FailoverGlobalCluster with AllowDataLoss moves the writer', async () => {
    const world = await worlds.start({ plan: datastoresPlan() });
    world.cloud.faults.regionOutage('us-east-1');
    const dry = await runner(world).dryRun('storefront', 'unplanned');
    expect(dry.steps.find((s) => s.id === 'promote-catalog')).toMatchObject({
      irreversible: true,
      calls: [
        expect.objectContaining({
          command: 'FailoverGlobalCluster',
          input: expect.objectContaining({ AllowDataLoss: true }),
        }),
      ],
    });
    const paused = await runner(world).run((await world.approve('storefront', 'unplanned')).id);
    // The ElastiCache step pauses (its primary Region is out); the DocumentDB failover in the same group completes.
    expect(paused.steps['promote-catalog']?.state).toBe('succeeded');
    expect(docdbMoves(world)).toEqual(['docdb:FailoverGlobalCluster']);
    expect((await writer(world)).writer).toBe('arn:aws:rds:us-west-2:123456789012:cluster:catalog-usw2');
  });

  it('planned with the primary Region out: DocumentDB refuses the switchover and the step pauses with its words', async () => {
    const world = await worlds.start({ plan: datastoresPlan() });
    world.cloud.faults.regionOutage('us-east-1');
    const paused = await runner(world).run((await world.approve('storefront', 'planned')).id);
    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.steps['promote-catalog']).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('a switchover needs a healthy primary'),
    });
    expect(docdbMoves(world)).toEqual([]);
  });
});
