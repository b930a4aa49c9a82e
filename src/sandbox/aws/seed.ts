import { createHash } from 'node:crypto';
import type { ParsedPlan, Resource, Service } from '../../plan/schema.js';
import { linkRoutingControls, seedArc } from './arc.js';
import { seedLambda } from './lambda.js';
import { seedDynamoDb, seedEc2, seedRoute53, seedS3 } from './seed-apps.js';
import { seedAutoscaling } from './seed-autoscaling.js';
import { seedDocdb } from './seed-docdb.js';
import { seedEcs } from './seed-ecs.js';
import { seedElasticache } from './seed-elasticache.js';
import { rkey, type World } from './world.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function parseClusterArn(arn: string): { region: string; account: string; id: string } {
  const [, , , region = '', account = '', , id = ''] = arn.split(':');
  return { region, account, id };
}

export const rdsArn = (
  w: World,
  region: string,
  kind: 'db' | 'cluster' | 'snapshot' | 'cluster-snapshot',
  id: string,
) => `arn:aws:rds:${region}:${w.account}:${kind}:${id}`;

export const resourceIdFor = (prefix: string, id: string): string =>
  `${prefix}-${createHash('sha1').update(id).digest('hex').slice(0, 26).toUpperCase()}`;

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Creates every resource the plan names, healthy and replicating, in both Regions of each service. */
export function seedWorld(w: World, plan: ParsedPlan): void {
  for (const [name, service] of Object.entries(plan.services)) {
    for (const resource of service.resources) seedResource(w, name, service, resource);
    linkRoutingControls(w, service);
  }
}

function aliasesOf(r: Resource): string[] {
  switch (r.kind) {
    case 'aurora-global-cluster':
      return [
        r.globalClusterIdentifier,
        parseClusterArn(r.primaryClusterArn).id,
        parseClusterArn(r.recoveryClusterArn).id,
      ];
    case 'rds-instance':
      return [r.primaryInstance, r.replicaInstance];
    case 'ec2':
      return [...r.primaryInstances, ...r.standbyInstances];
    case 's3-bucket':
      return [r.sourceBucket, r.destinationBucket];
    case 'dynamodb-global-table':
      return [r.tableName];
    case 'route53':
      return [r.primaryHealthCheckId, ...(r.recoveryHealthCheckId ? [r.recoveryHealthCheckId] : [])];
    case 'arc-routing-control':
      return [r.primaryRoutingControlArn, r.recoveryRoutingControlArn];
    case 'autoscaling-group':
      return [r.primaryGroupName, r.recoveryGroupName];
    case 'ecs-service':
      return [r.serviceName];
    case 'lambda-function':
      return [r.recoveryFunction, r.primaryFunction].filter((n): n is string => n !== undefined);
    case 'elasticache-global-datastore':
      return [r.globalReplicationGroupId, r.primaryReplicationGroupId, r.recoveryReplicationGroupId];
    case 'docdb-global-cluster':
      return [
        r.globalClusterIdentifier,
        parseClusterArn(r.primaryClusterArn).id,
        parseClusterArn(r.recoveryClusterArn).id,
      ];
  }
}

function seedResource(w: World, name: string, svc: Service, r: Resource): void {
  const now = w.time.now();
  for (const alias of aliasesOf(r)) if (alias !== r.id) w.aliases.set(alias, r.id);
  const { primaryRegion: pr, recoveryRegion: rr } = svc;
  switch (r.kind) {
    case 'aurora-global-cluster': {
      const primary = parseClusterArn(r.primaryClusterArn);
      const recovery = parseClusterArn(r.recoveryClusterArn);
      w.rds.globals.set(r.globalClusterIdentifier, {
        id: r.globalClusterIdentifier,
        resourceId: resourceIdFor('cluster', r.globalClusterIdentifier),
        status: 'available',
        engine: 'aurora-postgresql',
        engineVersion: '15.4',
        storageEncrypted: true,
        members: [
          { clusterArn: r.primaryClusterArn, region: primary.region, isWriter: true, sync: 'connected' },
          { clusterArn: r.recoveryClusterArn, region: recovery.region, isWriter: false, sync: 'connected' },
        ],
      });
      for (const [c, writer] of [
        [primary, true],
        [recovery, false],
      ] as const) {
        w.rds.clusters.set(rkey(c.region, c.id), {
          id: c.id,
          region: c.region,
          arn: rdsArn(w, c.region, 'cluster', c.id),
          resourceId: resourceIdFor('cluster', `${c.region}/${c.id}`),
          status: 'available',
          engine: 'aurora-postgresql',
          engineVersion: '15.4',
          storageEncrypted: true,
          kmsKeyId: `arn:aws:kms:${c.region}:${w.account}:key/mrk-${name}`,
          globalClusterId: r.globalClusterIdentifier,
          backupRetention: 7,
          createdAt: now - 400 * DAY,
          writeForwarding: 'disabled',
        });
        const count = writer ? 2 : 1;
        for (let i = 1; i <= count; i++) {
          const id = `${c.id}-instance-${i}`;
          w.rds.instances.set(rkey(c.region, id), {
            id,
            region: c.region,
            arn: rdsArn(w, c.region, 'db', id),
            resourceId: resourceIdFor('db', `${c.region}/${id}`),
            status: 'available',
            engine: 'aurora-postgresql',
            engineVersion: '15.4',
            instanceClass: 'db.r6g.large',
            clusterId: c.id,
            isClusterWriter: writer && i === 1,
            replicas: [],
            storageEncrypted: true,
            backupRetention: 7,
            createdAt: now - 400 * DAY,
            multiAZ: false,
          });
        }
        for (let d = 0; d < 3; d++) {
          const at = now - 3 * HOUR - d * DAY;
          w.rds.snapshots.push({
            id: `rds:${c.id}-${day(at)}-03-00`,
            region: c.region,
            kind: 'cluster',
            sourceId: c.id,
            type: 'automated',
            createdAt: at,
            encrypted: true,
            engine: 'aurora-postgresql',
            engineVersion: '15.4',
          });
        }
      }
      return;
    }
    case 'rds-instance': {
      const primaryArn = rdsArn(w, pr, 'db', r.primaryInstance);
      const replicaArn = rdsArn(w, rr, 'db', r.replicaInstance);
      const base = {
        engine: 'mysql',
        engineVersion: '8.0.39',
        instanceClass: 'db.m6g.large',
        storageEncrypted: true,
        backupRetention: 7,
        createdAt: now - 300 * DAY,
        status: 'available',
      };
      w.rds.instances.set(rkey(pr, r.primaryInstance), {
        ...base,
        id: r.primaryInstance,
        region: pr,
        arn: primaryArn,
        resourceId: resourceIdFor('db', primaryArn),
        replicas: [replicaArn],
        multiAZ: true,
      });
      w.rds.instances.set(rkey(rr, r.replicaInstance), {
        ...base,
        id: r.replicaInstance,
        region: rr,
        arn: replicaArn,
        resourceId: resourceIdFor('db', replicaArn),
        replicaSource: primaryArn,
        replicas: [],
        backupRetention: 0,
        multiAZ: false,
      });
      for (let d = 0; d < 3; d++) {
        const at = now - 4 * HOUR - d * DAY;
        const common = { kind: 'instance', type: 'automated', createdAt: at, encrypted: true } as const;
        w.rds.snapshots.push({
          ...common,
          id: `rds:${r.primaryInstance}-${day(at)}-03-00`,
          region: pr,
          sourceId: r.primaryInstance,
          engine: base.engine,
          engineVersion: base.engineVersion,
        });
        w.rds.snapshots.push({
          ...common,
          type: 'manual',
          id: `${r.primaryInstance}-copy-${day(at)}`,
          region: rr,
          sourceId: r.primaryInstance,
          sourceRegion: pr,
          createdAt: at + HOUR,
          engine: base.engine,
          engineVersion: base.engineVersion,
        });
      }
      w.rds.automatedBackups.push({
        region: rr,
        sourceRegion: pr,
        instanceId: r.primaryInstance,
        instanceArn: primaryArn,
        resourceId: resourceIdFor('db', primaryArn),
        engine: base.engine,
        encrypted: true,
        earliest: now - 7 * DAY,
      });
      return;
    }
    case 'ec2':
      seedEc2(w, name, svc, r);
      return;
    case 's3-bucket':
      seedS3(w, name, svc, r);
      return;
    case 'dynamodb-global-table':
      seedDynamoDb(w, svc, r);
      return;
    case 'route53':
      seedRoute53(w, svc, r);
      return;
    case 'arc-routing-control':
      seedArc(w, svc, r);
      return;
    case 'autoscaling-group':
      seedAutoscaling(w, svc, r);
      return;
    case 'ecs-service':
      seedEcs(w, svc, r);
      return;
    case 'lambda-function':
      seedLambda(w, svc, r);
      return;
    case 'elasticache-global-datastore':
      seedElasticache(w, svc, r);
      return;
    case 'docdb-global-cluster':
      seedDocdb(w, r);
      return;
  }
}
