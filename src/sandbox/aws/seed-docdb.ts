import type { ResourceOf } from '../../plan/schema.js';
import { parseClusterArn, rdsArn, resourceIdFor } from './seed.js';
import { rkey, type World } from './world.js';

const DAY = 86_400_000;
/** DocumentDB global clusters need engine 4.0 or later; the seeded clusters run 5.0.0. */
export const DOCDB_VERSION = '5.0.0';

/**
 * A docdb-global-cluster resource: a DocumentDB global cluster (engine docdb) whose writer is the plan's primary
 * cluster and whose recovery cluster is a connected secondary, each cluster with one instance. DocumentDB shares
 * RDS's control plane (cluster ARNs and IAM in the `rds` namespace), so the model keeps them with the RDS
 * clusters; the DocDB API answers for engine docdb only (docdb.ts).
 */
export function seedDocdb(w: World, r: ResourceOf<'docdb-global-cluster'>): void {
  const now = w.time.now();
  const sides = [
    { ...parseClusterArn(r.primaryClusterArn), arn: r.primaryClusterArn, writer: true },
    { ...parseClusterArn(r.recoveryClusterArn), arn: r.recoveryClusterArn, writer: false },
  ];
  w.rds.globals.set(r.globalClusterIdentifier, {
    id: r.globalClusterIdentifier,
    resourceId: resourceIdFor('cluster', r.globalClusterIdentifier),
    status: 'available',
    engine: 'docdb',
    engineVersion: DOCDB_VERSION,
    storageEncrypted: true,
    members: sides.map((c) => ({
      clusterArn: c.arn,
      region: c.region,
      isWriter: c.writer,
      sync: 'connected',
    })),
  });
  for (const c of sides) {
    w.rds.clusters.set(rkey(c.region, c.id), {
      id: c.id,
      region: c.region,
      arn: rdsArn(w, c.region, 'cluster', c.id),
      resourceId: resourceIdFor('cluster', `${c.region}/${c.id}`),
      status: 'available',
      engine: 'docdb',
      engineVersion: DOCDB_VERSION,
      storageEncrypted: true,
      globalClusterId: r.globalClusterIdentifier,
      backupRetention: 7,
      createdAt: now - 200 * DAY,
      writeForwarding: 'disabled',
    });
    const id = `${c.id}-instance-1`;
    w.rds.instances.set(rkey(c.region, id), {
      id,
      region: c.region,
      arn: rdsArn(w, c.region, 'db', id),
      resourceId: resourceIdFor('db', `${c.region}/${id}`),
      status: 'available',
      engine: 'docdb',
      engineVersion: DOCDB_VERSION,
      instanceClass: 'db.r6g.large',
      clusterId: c.id,
      isClusterWriter: c.writer,
      replicas: [],
      storageEncrypted: true,
      backupRetention: 7,
      createdAt: now - 200 * DAY,
      multiAZ: false,
    });
  }
}
