import {
  DescribeGlobalReplicationGroupsCommand,
  DescribeReplicationGroupsCommand,
  FailoverGlobalReplicationGroupCommand,
} from '@aws-sdk/client-elasticache';
import { afterEach, describe, expect, it } from 'vitest';
import { createElasticacheChecker } from '../../src/kinds/elasticache/checker.js';
import type { ResourceOf } from '../../src/plan/schema.js';
import { datastoresPlan, storefront } from '../kinds/datastores-fixture.js';
import { type CloudEnv, cloudContext, simulatedCloud } from './helpers.js';

/** The simulated ElastiCache global datastore through the real SDK client (FIDELITY.md). */
describe('simulated ElastiCache global datastore', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });
  const start = async () => {
    env = await simulatedCloud({ plan: datastoresPlan() });
    return env;
  };
  const ID = 'ldgnf-storefront-sessions';
  const promote = (e: CloudEnv) =>
    e.west.elasticache.send(
      new FailoverGlobalReplicationGroupCommand({
        GlobalReplicationGroupId: ID,
        PrimaryRegion: 'us-west-2',
        PrimaryReplicationGroupId: 'sessions-usw2',
      }),
    );
  const sessions = () =>
    storefront().resources.find(
      (r) => r.kind === 'elasticache-global-datastore',
    ) as ResourceOf<'elasticache-global-datastore'>;

  it('lists members only with ShowMemberInfo; unknown ids are GlobalReplicationGroupNotFoundFault / ReplicationGroupNotFoundFault', async () => {
    const e = await start();
    const bare = await e.west.elasticache.send(
      new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: ID }),
    );
    expect(bare.GlobalReplicationGroups?.[0]?.Members).toBeUndefined();
    const full = await e.west.elasticache.send(
      new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: ID, ShowMemberInfo: true }),
    );
    expect(full.GlobalReplicationGroups?.[0]).toMatchObject({
      Status: 'available',
      Members: [
        { ReplicationGroupId: 'sessions-use1', Role: 'PRIMARY', Status: 'associated' },
        { ReplicationGroupId: 'sessions-usw2', Role: 'SECONDARY', Status: 'associated' },
      ],
    });
    await expect(
      e.west.elasticache.send(
        new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: 'nope' }),
      ),
    ).rejects.toMatchObject({ name: 'GlobalReplicationGroupNotFoundFault' });
    await expect(
      e.west.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'sessions-use1' })),
    ).rejects.toMatchObject({ name: 'ReplicationGroupNotFoundFault' });
  });

  it('a promotion makes the datastore modifying, refuses a second one meanwhile, then swaps the roles', async () => {
    const e = await start();
    expect((await promote(e)).GlobalReplicationGroup?.Status).toBe('modifying');
    await expect(promote(e)).rejects.toMatchObject({ name: 'InvalidGlobalReplicationGroupStateFault' });
    e.clock.advance(121_000);
    await e.cloud.tick();
    const out = await e.west.elasticache.send(
      new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: ID, ShowMemberInfo: true }),
    );
    expect(out.GlobalReplicationGroups?.[0]?.Members?.map((m) => [m.ReplicationGroupId, m.Role])).toEqual([
      ['sessions-use1', 'SECONDARY'],
      ['sessions-usw2', 'PRIMARY'],
    ]);
  });

  it('refuses the promotion while the primary Region is out (stricter than the documentation, which is silent)', async () => {
    const e = await start();
    e.cloud.faults.regionOutage('us-east-1');
    await expect(promote(e)).rejects.toMatchObject({ name: 'InvalidGlobalReplicationGroupStateFault' });
  });

  it('readiness: the lag grows past the RPO while the primary Region is out', async () => {
    const e = await start();
    e.cloud.faults.regionOutage('us-east-1');
    e.clock.advance(5 * 60_000);
    await e.cloud.tick();
    const checks = await createElasticacheChecker(e.aws).check(sessions(), storefront(), cloudContext(e));
    expect(checks.find((c) => c.name === 'replication lag')).toMatchObject({
      verdict: 'degraded',
      reason: expect.stringContaining('exceeds RPO'),
    });
    expect(checks.find((c) => c.name === 'global datastore')).toMatchObject({ verdict: 'ready' });
  });
});
