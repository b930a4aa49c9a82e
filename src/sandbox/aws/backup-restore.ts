import type { RecoveryPoint, RestoreJob } from './backup.js';
import type { ResourceType } from './backup-shapes.js';
import { awsError } from './errors.js';
import { newInstance } from './rds-ops.js';
import { rdsArn, resourceIdFor } from './seed.js';
import { emitChange, rkey, type World } from './world.js';

/**
 * What an AWS Backup restore job does to the other services: the restore metadata each resource type needs
 * (GetRecoveryPointRestoreMetadata, StartRestoreJob's per-type metadata pages), and, when the job completes,
 * a new resource in that service, visible through its own API (restores are non-destructive: they always
 * create a new resource; "Restore a backup by resource type", AWS Backup developer guide). FIDELITY.md cites
 * each page.
 */

/** The metadata key that names the new resource, per resource type (the per-type restore pages). */
export const RESTORE_NAME_KEY: Readonly<Record<ResourceType, string | undefined>> = {
  DynamoDB: 'targetTableName',
  S3: 'DestinationBucketName',
  RDS: 'DBInstanceIdentifier',
  Aurora: 'DBClusterIdentifier',
  EC2: undefined,
};

const missing = (key: string, type: ResourceType) =>
  awsError('backup', 'MissingParameterValueException', `Metadata ${key} is required to restore ${type}`, 400);

/**
 * StartRestoreJob's checks of the metadata per type. AWS documents which keys a restore needs; it does not
 * document that it refuses the call rather than failing the job, so the model refuses at once (stricter).
 */
export function checkRestoreMetadata(type: ResourceType, metadata: Readonly<Record<string, string>>): void {
  const key = RESTORE_NAME_KEY[type];
  if (key && !metadata[key]) throw missing(key, type);
  if (type === 'S3' && metadata.NewBucket !== 'true' && metadata.NewBucket !== 'false')
    throw missing('NewBucket ("true" or "false")', type);
}

const tail = (arn: string, sep: string) => arn.split(sep).pop() ?? arn;
const regionOf = (arn: string) => arn.split(':')[3] ?? '';

/** GetRecoveryPointRestoreMetadata: the source's configuration when it was backed up (here: as it is now). */
export function restoreMetadataOf(w: World, rp: RecoveryPoint): Record<string, string> {
  switch (rp.resourceType) {
    case 'DynamoDB':
      return { targetTableName: tail(rp.resourceArn, '/'), encryptionType: 'Default' };
    case 'S3':
      return {
        DestinationBucketName: tail(rp.resourceArn, ':'),
        NewBucket: 'false',
        Encrypted: 'true',
        EncryptionType: 'SSE-KMS',
      };
    case 'RDS': {
      const source = w.rds.instances.get(rkey(regionOf(rp.resourceArn), tail(rp.resourceArn, ':')));
      return {
        DBInstanceIdentifier: tail(rp.resourceArn, ':'),
        Engine: source?.engine ?? 'postgres',
        DBInstanceClass: source?.instanceClass ?? 'db.m6g.large',
        MultiAZ: String(source?.multiAZ ?? false),
      };
    }
    case 'Aurora': {
      const source = w.rds.clusters.get(rkey(regionOf(rp.resourceArn), tail(rp.resourceArn, ':')));
      return {
        DBClusterIdentifier: tail(rp.resourceArn, ':'),
        Engine: source?.engine ?? 'aurora-postgresql',
        EngineVersion: source?.engineVersion ?? '15.4',
      };
    }
    case 'EC2':
      return { InstanceType: 'm6g.large' };
  }
}

/** Why a completed restore cannot create its resource (an existing name), as the job's StatusMessage. */
export type Materialized = { readonly arn: string } | { readonly failure: string };

/**
 * The restore job's new resource, created in its service's model in the job's Region when the job completes:
 * a DynamoDB table (ACTIVE, the source table's items), an S3 bucket (NewBucket "true": created; "false": must
 * exist; the source's current objects), an RDS instance or an Aurora cluster without instances (available),
 * an EC2 instance (running). The model keeps no data per recovery point: restored data is the source's at
 * completion time, stated in FIDELITY.md.
 */
export function materializeRestore(w: World, job: RestoreJob): Materialized {
  const { region, metadata } = job;
  const now = w.time.now();
  const source = job.sourceResourceArn;
  switch (job.resourceType) {
    case 'DynamoDB': {
      const name = metadata.targetTableName ?? '';
      if (w.dynamodb.replicas.has(rkey(region, name))) return { failure: `Table already exists: ${name}` };
      const from = w.dynamodb.replicas.get(rkey(regionOf(source), tail(source, '/')));
      w.dynamodb.replicas.set(rkey(region, name), {
        name,
        region,
        status: 'ACTIVE',
        tableId: resourceIdFor('t', `${region}/${name}/${job.id}`).toLowerCase(),
        createdAt: now,
        items: new Map(from?.items ?? []),
        pitr: false,
        stream: [],
        streamLabel: new Date(now).toISOString().replace(/Z$/, ''),
      });
      emitChange(w, 'dynamodb-table', name, { region, to: 'ACTIVE', restoreJob: job.id });
      return { arn: `arn:aws:dynamodb:${region}:${w.account}:table/${name}` };
    }
    case 'S3': {
      const name = metadata.DestinationBucketName ?? '';
      const existing = w.s3.buckets.get(name);
      if (metadata.NewBucket === 'true' && existing)
        return { failure: `Bucket ${name} already exists: a new bucket cannot be created` };
      if (metadata.NewBucket !== 'true' && (!existing || existing.region !== region))
        return { failure: `Destination bucket ${name} does not exist in ${region}` };
      const from = w.s3.buckets.get(tail(source, ':'));
      const bucket = existing ?? {
        name,
        region,
        versioning: 'Enabled' as const,
        encryption: {
          algorithm: 'aws:kms' as const,
          kmsKeyId: `arn:aws:kms:${region}:${w.account}:alias/aws/s3`,
        },
        objects: new Map(),
      };
      // The latest version of each object; objects already in the bucket are skipped (non-destructive).
      for (const [key, versions] of from?.objects ?? []) {
        const last = versions.at(-1);
        if (!last || bucket.objects.has(key)) continue;
        const { replication: _r, replicationStatus: _s, ...rest } = last;
        bucket.objects.set(key, [{ ...rest, versionId: `r${job.id.replace(/-/g, '').slice(0, 30)}` }]);
      }
      w.s3.buckets.set(name, bucket);
      emitChange(w, 's3-bucket', name, { region, restoreJob: job.id });
      return { arn: `arn:aws:s3:::${name}` };
    }
    case 'RDS': {
      const id = metadata.DBInstanceIdentifier ?? '';
      if (w.rds.instances.has(rkey(region, id))) return { failure: `DB instance already exists: ${id}` };
      const instance = newInstance(w, region, id, {
        engine: metadata.Engine ?? 'postgres',
        instanceClass: metadata.DBInstanceClass ?? 'db.m6g.large',
        multiAZ: metadata.MultiAZ === 'true',
        ...(metadata.DBSubnetGroupName ? { dbSubnetGroup: metadata.DBSubnetGroupName } : {}),
      });
      instance.status = 'available';
      emitChange(w, 'rds-instance', id, { region, from: 'creating', to: 'available', restoreJob: job.id });
      return { arn: instance.arn };
    }
    case 'Aurora': {
      const id = metadata.DBClusterIdentifier ?? '';
      if (w.rds.clusters.has(rkey(region, id))) return { failure: `DB cluster already exists: ${id}` };
      const arn = rdsArn(w, region, 'cluster', id);
      w.rds.clusters.set(rkey(region, id), {
        id,
        region,
        arn,
        resourceId: resourceIdFor('cluster', arn),
        status: 'available',
        engine: metadata.Engine ?? 'aurora-postgresql',
        engineVersion: metadata.EngineVersion ?? '15.4',
        storageEncrypted: true,
        backupRetention: 1,
        createdAt: now,
        writeForwarding: 'disabled',
      });
      emitChange(w, 'rds-cluster', id, { region, to: 'available', restoreJob: job.id });
      return { arn };
    }
    case 'EC2': {
      const id = `i-${job.id.replace(/-/g, '').slice(0, 17).toLowerCase()}`;
      w.ec2.instances.set(id, {
        id,
        region,
        state: 'running',
        type: metadata.InstanceType ?? 'm6g.large',
        imageId: `ami-${job.id.replace(/-/g, '').slice(0, 17).toLowerCase()}`,
        launchTime: now,
        az: `${region}a`,
        tags: {},
        privateIp: '10.0.99.10',
        ...(metadata.SubnetId ? { subnetId: metadata.SubnetId } : {}),
      });
      emitChange(w, 'ec2-instance', id, { region, to: 'running', restoreJob: job.id });
      return { arn: `arn:aws:ec2:${region}:${w.account}:instance/${id}` };
    }
  }
}

/** The recovery point a StartRestoreJob names, in the client's Region, COMPLETED. */
export function restorableRecoveryPoint(
  points: readonly RecoveryPoint[],
  arn: string | undefined,
  region: string,
): RecoveryPoint {
  const rp = points.find((p) => p.arn === arn && p.region === region && p.account === undefined);
  if (!rp)
    throw awsError(
      'backup',
      'ResourceNotFoundException',
      `Recovery point ${arn} not found in ${region}`,
      400,
    );
  if (rp.status !== 'COMPLETED')
    throw awsError('backup', 'InvalidRequestException', `Recovery point is ${rp.status}`);
  return rp;
}
