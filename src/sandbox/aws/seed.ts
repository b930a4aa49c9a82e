import { createHash } from 'node:crypto';
import type { ParsedPlan, Resource, Service } from '../../plan/schema.js';
import { AZ, nextId, rkey, type World } from './world.js';

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
    case 'ec2': {
      const goldenAmi = nextId(w, 'ami-');
      w.ec2.images.push({
        id: goldenAmi,
        region: pr,
        name: `${r.id}-golden`,
        createdAt: now - 10 * DAY,
        tags: {},
        snapshotIds: [],
      });
      r.primaryInstances.forEach((id, i) => {
        w.ec2.instances.set(id, {
          id,
          region: pr,
          state: 'running',
          type: 'm6i.large',
          imageId: goldenAmi,
          launchTime: now - 20 * DAY,
          az: AZ(pr, i),
          tags: { Name: `${r.id}-${i + 1}`, 'lifeboat:service': name },
          privateIp: `10.0.${i}.${10 + i}`,
        });
      });
      const tags = { [r.copyTag.key]: r.copyTag.value };
      let latestCopy = '';
      for (let d = 2; d >= 0; d--) {
        const at = now - 6 * HOUR - d * DAY;
        const snapshotId = nextId(w, 'snap-');
        w.ec2.snapshots.push({
          id: snapshotId,
          region: rr,
          startTime: at,
          encrypted: true,
          volumeSize: 50,
          description: `Copied for DestinationAmi from ${goldenAmi} (${r.id})`,
          tags,
        });
        latestCopy = nextId(w, 'ami-');
        w.ec2.images.push({
          id: latestCopy,
          region: rr,
          name: `${r.id}-copy-${day(at)}`,
          createdAt: at,
          tags,
          snapshotIds: [snapshotId],
        });
      }
      r.standbyInstances.forEach((id, i) => {
        w.ec2.instances.set(id, {
          id,
          region: rr,
          state: 'stopped',
          type: 'm6i.large',
          imageId: latestCopy,
          launchTime: now - 5 * DAY,
          az: AZ(rr, i),
          tags: { Name: `${r.id}-standby-${i + 1}`, 'lifeboat:service': name },
          privateIp: `10.1.${i}.${10 + i}`,
        });
      });
      if (r.launchTemplate) {
        w.ec2.launchTemplates.push({
          id: r.launchTemplate.id,
          name: `${r.id}-recovery`,
          region: rr,
          createdAt: now - 30 * DAY,
          defaultVersion: 1,
          versions: [
            { number: 1, imageId: latestCopy, instanceType: 'm6i.large', createdAt: now - 30 * DAY },
            { number: 2, imageId: latestCopy, instanceType: 'm6i.large', createdAt: now - 6 * HOUR },
          ],
        });
      }
      return;
    }
    case 's3-bucket': {
      const ruleId = r.replicationRuleId ?? 'replicate-all';
      w.s3.buckets.set(r.sourceBucket, {
        name: r.sourceBucket,
        region: pr,
        versioning: 'Enabled',
        encryption: { algorithm: 'aws:kms', kmsKeyId: `arn:aws:kms:${pr}:${w.account}:alias/aws/s3` },
        replication: {
          role: `arn:aws:iam::${w.account}:role/${name}-s3-replication`,
          rules: [
            {
              id: ruleId,
              priority: 1,
              status: 'Enabled',
              prefix: '',
              destinationBucket: r.destinationBucket,
              rtc: true,
            },
          ],
        },
        objects: new Map(),
      });
      w.s3.buckets.set(r.destinationBucket, {
        name: r.destinationBucket,
        region: rr,
        versioning: 'Enabled',
        encryption: { algorithm: 'aws:kms', kmsKeyId: `arn:aws:kms:${rr}:${w.account}:alias/aws/s3` },
        objects: new Map(),
      });
      return;
    }
    case 'dynamodb-global-table': {
      for (const region of [pr, rr]) {
        w.dynamodb.replicas.set(rkey(region, r.tableName), {
          name: r.tableName,
          region,
          status: 'ACTIVE',
          tableId: resourceIdFor('t', `${region}/${r.tableName}`).toLowerCase(),
          createdAt: now - 200 * DAY,
          items: new Map(),
          pitr: true,
          stream: [],
          streamLabel: new Date(now - 200 * DAY).toISOString().replace(/Z$/, ''),
        });
      }
      return;
    }
    case 'route53': {
      const zoneName = `${r.recordName.split('.').slice(1).join('.')}.`;
      const zone = w.route53.zones.get(r.hostedZoneId) ?? { id: r.hostedZoneId, name: zoneName, records: [] };
      w.route53.zones.set(r.hostedZoneId, zone);
      const fqdn = `${r.recordName.replace(/\.$/, '')}.`;
      zone.records.push({
        name: fqdn,
        type: r.recordType,
        ttl: 60,
        values: [r.recordType === 'CNAME' ? `${pr}.${r.recordName}` : '203.0.113.10'],
        setIdentifier: pr,
        failover: 'PRIMARY',
        healthCheckId: r.primaryHealthCheckId,
      });
      zone.records.push({
        name: fqdn,
        type: r.recordType,
        ttl: 60,
        values: [r.recordType === 'CNAME' ? `${rr}.${r.recordName}` : '198.51.100.20'],
        setIdentifier: rr,
        failover: 'SECONDARY',
        ...(r.recoveryHealthCheckId ? { healthCheckId: r.recoveryHealthCheckId } : {}),
      });
      const checks: [string | undefined, string][] = [
        [r.primaryHealthCheckId, pr],
        [r.recoveryHealthCheckId, rr],
      ];
      for (const [id, region] of checks) {
        if (!id || w.route53.healthChecks.has(id)) continue;
        w.route53.healthChecks.set(id, {
          id,
          region,
          fqdn: `${region}.${r.recordName}`,
          version: 1,
          config: [{ at: Number.NEGATIVE_INFINITY, inverted: false, disabled: false }],
        });
      }
      return;
    }
  }
}
