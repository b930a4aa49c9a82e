import type {
  CreateDBInstanceCommandInput,
  CreateDBInstanceCommandOutput,
  CreateDBInstanceReadReplicaCommandInput,
  CreateDBInstanceReadReplicaCommandOutput,
  DeleteDBClusterCommandInput,
  DeleteDBClusterCommandOutput,
  DeleteDBInstanceCommandInput,
  DeleteDBInstanceCommandOutput,
  PromoteReadReplicaCommandInput,
  PromoteReadReplicaCommandOutput,
  RestoreDBClusterFromSnapshotCommandInput,
  RestoreDBClusterFromSnapshotCommandOutput,
  RestoreDBInstanceFromDBSnapshotCommandInput,
  RestoreDBInstanceFromDBSnapshotCommandOutput,
} from '@aws-sdk/client-rds';
import { DURATIONS } from './durations.js';
import { getCluster, getInstance } from './rds.js';
import { after, rdsFault as fault, setStatus } from './rds-common.js';
import { clusterShape, instanceShape, resolveInstanceRef } from './rds-shapes.js';
import type { Registry } from './registry.js';
import { rdsArn, resourceIdFor } from './seed.js';
import { emitChange, type RdsInstance, regionUp, rkey, type World } from './world.js';

export function newInstance(
  w: World,
  region: string,
  id: string,
  fields: Partial<RdsInstance> & { engine: string },
): RdsInstance {
  if (w.rds.instances.has(rkey(region, id)))
    throw fault('DBInstanceAlreadyExistsFault', `DB instance already exists: ${id}`);
  const arn = rdsArn(w, region, 'db', id);
  const instance: RdsInstance = {
    id,
    region,
    arn,
    resourceId: resourceIdFor('db', arn),
    status: 'creating',
    engineVersion: '8.0.39',
    instanceClass: 'db.m6g.large',
    replicas: [],
    storageEncrypted: true,
    backupRetention: 1,
    createdAt: w.time.now(),
    multiAZ: false,
    ...fields,
  };
  w.rds.instances.set(rkey(region, id), instance);
  emitChange(w, 'rds-instance', id, { region, from: undefined, to: 'creating' });
  return instance;
}

export function finishCreating(w: World, instance: RdsInstance, duration: number) {
  after(w, w.time.now(), duration, () => {
    if (instance.status === 'creating') setStatus(w, 'rds-instance', instance, 'available');
  });
}

/**
 * CreateDBInstanceReadReplica's KmsKeyId (API reference): a cross-Region replica of an encrypted source must
 * name a KMS key of the destination Region, as keys are Regional. The reference gives no error code for a
 * missing key: the model refuses with InvalidParameterCombination (stricter than AWS may be), and a key of
 * another Region with KMSKeyNotAccessibleFault.
 */
function replicaKey(
  src: RdsInstance,
  region: string,
  crossRegion: boolean,
  kmsKeyId: string | undefined,
): string | undefined {
  if (!src.storageEncrypted) return kmsKeyId;
  if (!crossRegion) return kmsKeyId ?? src.kmsKeyId;
  if (!kmsKeyId)
    throw fault(
      'InvalidParameterCombination',
      `KmsKeyId is required to create an encrypted read replica of ${src.id} in another AWS Region (${region}).`,
    );
  const keyRegion = kmsKeyId.startsWith('arn:') ? kmsKeyId.split(':')[3] : region;
  if (keyRegion !== region)
    throw fault(
      'KMSKeyNotAccessibleFault',
      `The KMS key ${kmsKeyId} is in ${keyRegion}; a read replica in ${region} needs a key of ${region}.`,
    );
  return kmsKeyId;
}

export function registerRdsOps(registry: Registry): void {
  registry
    .on<PromoteReadReplicaCommandInput, PromoteReadReplicaCommandOutput>(
      'rds:PromoteReadReplica',
      (input, { world, region }) => {
        const instance = getInstance(world, region, input.DBInstanceIdentifier ?? '');
        if (!instance.replicaSource)
          throw fault('InvalidDBInstanceStateFault', `DB Instance ${instance.id} is not a read replica.`);
        if (instance.status !== 'available')
          throw fault(
            'InvalidDBInstanceStateFault',
            `Cannot promote DB instance ${instance.id} while it is in ${instance.status} state; it must be available.`,
          );
        setStatus(world, 'rds-instance', instance, 'modifying');
        const now = world.time.now();
        after(world, now, DURATIONS.promoteModifying, (at) => {
          const source = resolveInstanceRef(instance.region, instance.replicaSource ?? '');
          const src = world.rds.instances.get(rkey(source.region, source.id));
          if (src) src.replicas = src.replicas.filter((r) => r !== instance.arn && r !== instance.id);
          instance.replicaSource = undefined;
          instance.backupRetention = input.BackupRetentionPeriod ?? 1;
          setStatus(world, 'rds-instance', instance, 'rebooting');
          after(world, at, DURATIONS.promoteRebooting, () =>
            setStatus(world, 'rds-instance', instance, 'available'),
          );
        });
        return { DBInstance: instanceShape(world, instance) };
      },
    )
    .on<CreateDBInstanceReadReplicaCommandInput, CreateDBInstanceReadReplicaCommandOutput>(
      'rds:CreateDBInstanceReadReplica',
      (input, { world, region }) => {
        const ref = input.SourceDBInstanceIdentifier ?? '';
        const src = getInstance(world, region, ref);
        if (!regionUp(world, src.region))
          throw fault(
            'InvalidDBInstanceStateFault',
            `Source DB instance ${ref} is unreachable in ${src.region}.`,
          );
        if (src.status !== 'available')
          throw fault(
            'InvalidDBInstanceStateFault',
            `Source DB instance ${src.id} is in ${src.status} state.`,
          );
        if (src.backupRetention === 0)
          throw fault(
            'InvalidDBInstanceStateFault',
            'Automated backups are not enabled for this database instance. To enable automated backups, use ModifyDBInstance to set the backup retention period to a non-zero value.',
          );
        const id = input.DBInstanceIdentifier ?? '';
        const crossRegion = src.region !== region;
        const kmsKeyId = replicaKey(src, region, crossRegion, input.KmsKeyId);
        const instance = newInstance(world, region, id, {
          engine: src.engine,
          engineVersion: src.engineVersion,
          instanceClass: input.DBInstanceClass ?? src.instanceClass,
          replicaSource: crossRegion ? src.arn : src.id,
          backupRetention: 0,
          storageEncrypted: src.storageEncrypted,
          ...(kmsKeyId ? { kmsKeyId } : {}),
          ...(input.DBSubnetGroupName ? { dbSubnetGroup: input.DBSubnetGroupName } : {}),
          ...(input.VpcSecurityGroupIds?.length ? { vpcSecurityGroups: [...input.VpcSecurityGroupIds] } : {}),
        });
        src.replicas.push(crossRegion ? instance.arn : instance.id);
        finishCreating(world, instance, DURATIONS.createReplica);
        return { DBInstance: instanceShape(world, instance) };
      },
    )
    .on<RestoreDBClusterFromSnapshotCommandInput, RestoreDBClusterFromSnapshotCommandOutput>(
      'rds:RestoreDBClusterFromSnapshot',
      (input, { world, region }) => {
        const id = input.DBClusterIdentifier ?? '';
        if (world.rds.clusters.has(rkey(region, id)))
          throw fault('DBClusterAlreadyExistsFault', `DB cluster already exists: ${id}`);
        const ref = input.SnapshotIdentifier ?? '';
        const snap = world.rds.snapshots.find((s) => s.region === region && snapshotRefMatches(ref, s.id));
        if (!snap)
          throw fault(
            'DBClusterSnapshotNotFoundFault',
            `DBClusterSnapshot ${input.SnapshotIdentifier ?? ''} not found.`,
          );
        const arn = rdsArn(world, region, 'cluster', id);
        const cluster = {
          id,
          region,
          arn,
          resourceId: resourceIdFor('cluster', arn),
          status: 'creating',
          engine: input.Engine ?? snap.engine,
          engineVersion: input.EngineVersion ?? snap.engineVersion,
          storageEncrypted: true,
          ...(input.KmsKeyId ? { kmsKeyId: input.KmsKeyId } : {}),
          backupRetention: 1,
          createdAt: world.time.now(),
          writeForwarding: 'disabled' as const,
        };
        world.rds.clusters.set(rkey(region, id), cluster);
        emitChange(world, 'rds-cluster', id, { region, to: 'creating' });
        after(world, world.time.now(), DURATIONS.restoreCluster, () =>
          setStatus(world, 'rds-cluster', cluster, 'available'),
        );
        return { DBCluster: clusterShape(world, cluster) };
      },
    )
    .on<RestoreDBInstanceFromDBSnapshotCommandInput, RestoreDBInstanceFromDBSnapshotCommandOutput>(
      'rds:RestoreDBInstanceFromDBSnapshot',
      (input, { world, region }) => {
        const ref = input.DBSnapshotIdentifier ?? '';
        const snap = world.rds.snapshots.find(
          (s) => s.kind === 'instance' && s.region === region && snapshotRefMatches(ref, s.id),
        );
        if (!snap)
          throw fault('DBSnapshotNotFoundFault', `DBSnapshot ${input.DBSnapshotIdentifier ?? ''} not found.`);
        const instance = newInstance(world, region, input.DBInstanceIdentifier ?? '', {
          engine: snap.engine,
          engineVersion: snap.engineVersion,
          instanceClass: input.DBInstanceClass ?? 'db.m6g.large',
          multiAZ: input.MultiAZ ?? false,
        });
        finishCreating(world, instance, DURATIONS.restoreInstance);
        return { DBInstance: instanceShape(world, instance) };
      },
    )
    .on<CreateDBInstanceCommandInput, CreateDBInstanceCommandOutput>(
      'rds:CreateDBInstance',
      (input, { world, region }) => {
        const clusterId = input.DBClusterIdentifier;
        const cluster = clusterId ? getCluster(world, region, clusterId) : undefined;
        if (cluster && cluster.status !== 'available')
          throw fault('InvalidDBClusterStateFault', `DBCluster ${cluster.id} is in ${cluster.status} state.`);
        const hasWriter = [...world.rds.instances.values()].some(
          (i) => cluster && i.region === region && i.clusterId === cluster.id && i.isClusterWriter,
        );
        const instance = newInstance(world, region, input.DBInstanceIdentifier ?? '', {
          engine: input.Engine ?? cluster?.engine ?? 'mysql',
          engineVersion: cluster?.engineVersion ?? input.EngineVersion ?? '8.0.39',
          instanceClass: input.DBInstanceClass ?? 'db.r6g.large',
          ...(cluster ? { clusterId: cluster.id, isClusterWriter: !hasWriter } : {}),
          backupRetention: cluster ? cluster.backupRetention : (input.BackupRetentionPeriod ?? 1),
        });
        finishCreating(world, instance, DURATIONS.createInstance);
        return { DBInstance: instanceShape(world, instance) };
      },
    )
    .on<DeleteDBInstanceCommandInput, DeleteDBInstanceCommandOutput>(
      'rds:DeleteDBInstance',
      (input, { world, region }) => {
        const instance = getInstance(world, region, input.DBInstanceIdentifier ?? '');
        if (instance.status === 'deleting')
          throw fault('InvalidDBInstanceStateFault', `DB instance ${instance.id} is already being deleted.`);
        setStatus(world, 'rds-instance', instance, 'deleting');
        after(world, world.time.now(), DURATIONS.deleteDb, () => {
          world.rds.instances.delete(rkey(instance.region, instance.id));
          emitChange(world, 'rds-instance', instance.id, { region, from: 'deleting', to: 'deleted' });
        });
        return { DBInstance: instanceShape(world, instance) };
      },
    )
    .on<DeleteDBClusterCommandInput, DeleteDBClusterCommandOutput>(
      'rds:DeleteDBCluster',
      (input, { world, region }) => {
        const cluster = getCluster(world, region, input.DBClusterIdentifier ?? '');
        if (cluster.globalClusterId)
          throw fault(
            'InvalidDBClusterStateFault',
            `DB cluster ${cluster.id} is a member of global cluster ${cluster.globalClusterId}.`,
          );
        const live = [...world.rds.instances.values()].some(
          (i) => i.region === region && i.clusterId === cluster.id && i.status !== 'deleting',
        );
        if (live)
          throw fault(
            'InvalidDBClusterStateFault',
            'Cluster cannot be deleted, it still contains DB instances in non-deleting state.',
          );
        setStatus(world, 'rds-cluster', cluster, 'deleting');
        after(world, world.time.now(), DURATIONS.deleteDb, () => {
          world.rds.clusters.delete(rkey(region, cluster.id));
          emitChange(world, 'rds-cluster', cluster.id, { region, from: 'deleting', to: 'deleted' });
        });
        return { DBCluster: clusterShape(world, cluster) };
      },
    );
}

/** A snapshot named by identifier or ARN; automated snapshot identifiers contain a colon (`rds:…`). */
function snapshotRefMatches(ref: string, id: string): boolean {
  return ref === id || ref.endsWith(`:snapshot:${id}`) || ref.endsWith(`:cluster-snapshot:${id}`);
}

/** Puts an instance into `backing-up` for a while (as its backup window does). */
export function startBackup(w: World, region: string, id: string, duration: number = DURATIONS.backup): void {
  const instance = getInstance(w, region, id);
  setStatus(w, 'rds-instance', instance, 'backing-up');
  after(w, w.time.now(), duration, () => {
    if (instance.status === 'backing-up') setStatus(w, 'rds-instance', instance, 'available');
  });
}
