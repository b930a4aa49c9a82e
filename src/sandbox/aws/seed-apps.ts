import type { ResourceOf, Service } from '../../plan/schema.js';
import { fqdn as storedName } from './route53.js';
import { resourceIdFor } from './seed.js';
import { AZ, nextId, rkey, type World } from './world.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * Running primaries, stopped standbys, the golden AMI and its tagged copies, the recovery launch template and,
 * when the plan names one, the primary Region's (on the golden AMI).
 */
export function seedEc2(w: World, name: string, svc: Service, r: ResourceOf<'ec2'>): void {
  const now = w.time.now();
  const { primaryRegion: pr, recoveryRegion: rr } = svc;
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
  if (r.primaryLaunchTemplate)
    w.ec2.launchTemplates.push({
      id: r.primaryLaunchTemplate.id,
      name: `${r.id}-primary`,
      region: pr,
      createdAt: now - 30 * DAY,
      defaultVersion: 1,
      versions: [{ number: 1, imageId: goldenAmi, instanceType: 'm6i.large', createdAt: now - 30 * DAY }],
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
}

/** A versioned, encrypted source bucket replicating (with RTC) to its destination. */
export function seedS3(w: World, name: string, svc: Service, r: ResourceOf<'s3-bucket'>): void {
  const { primaryRegion: pr, recoveryRegion: rr } = svc;
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
}

/** A global table (version 2019.11.21) with an ACTIVE replica in both Regions, PITR on. */
export function seedDynamoDb(w: World, svc: Service, r: ResourceOf<'dynamodb-global-table'>): void {
  const now = w.time.now();
  const { primaryRegion: pr, recoveryRegion: rr } = svc;
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
}

/** Failover PRIMARY/SECONDARY records and the health checks they use. */
export function seedRoute53(w: World, svc: Service, r: ResourceOf<'route53'>): void {
  const { primaryRegion: pr, recoveryRegion: rr } = svc;
  const zoneName = `${r.recordName.split('.').slice(1).join('.')}.`;
  const zone = w.route53.zones.get(r.hostedZoneId) ?? { id: r.hostedZoneId, name: zoneName, records: [] };
  w.route53.zones.set(r.hostedZoneId, zone);
  const fqdn = storedName(r.recordName);
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
}
