import type { ResourceOf, Service } from '../../plan/schema.js';
import { rkey, type World } from './world.js';

/**
 * An elasticache-global-datastore resource: a Valkey global datastore, available, whose primary is the plan's
 * primary replication group and whose secondary (associated) is the recovery one; each group has a primary node
 * and a replica (cluster mode disabled).
 */
export function seedElasticache(w: World, svc: Service, r: ResourceOf<'elasticache-global-datastore'>): void {
  const sides = [
    { group: r.primaryReplicationGroupId, region: svc.primaryRegion, role: 'PRIMARY' as const },
    { group: r.recoveryReplicationGroupId, region: svc.recoveryRegion, role: 'SECONDARY' as const },
  ];
  w.elasticache.datastores.set(r.globalReplicationGroupId, {
    id: r.globalReplicationGroupId,
    status: 'available',
    engine: 'valkey',
    engineVersion: '8.0',
    nodeType: 'cache.r7g.large',
    members: sides.map((s) => ({ group: s.group, region: s.region, role: s.role, status: 'associated' })),
  });
  for (const s of sides)
    w.elasticache.groups.set(rkey(s.region, s.group), {
      id: s.group,
      region: s.region,
      status: 'available',
      nodes: [`${s.group}-001`, `${s.group}-002`],
      globalId: r.globalReplicationGroupId,
    });
}
