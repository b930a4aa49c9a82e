import type {
  DBCluster,
  DBClusterSnapshot,
  DBInstance,
  DBInstanceAutomatedBackup,
  DBSnapshot,
  GlobalCluster,
} from '@aws-sdk/client-rds';
import { rdsArn } from './seed.js';
import {
  AZ,
  impairedSince,
  type RdsAutomatedBackup,
  type RdsCluster,
  type RdsGlobalCluster,
  type RdsInstance,
  type RdsSnapshot,
  rkey,
  type World,
} from './world.js';

const FIVE_MIN = 300_000;
const DAY = 86_400_000;

export function globalClusterShape(w: World, g: RdsGlobalCluster): GlobalCluster {
  return {
    GlobalClusterIdentifier: g.id,
    GlobalClusterResourceId: g.resourceId,
    GlobalClusterArn: `arn:aws:rds::${w.account}:global-cluster:${g.id}`,
    Status: g.status,
    Engine: g.engine,
    EngineVersion: g.engineVersion,
    StorageEncrypted: g.storageEncrypted,
    DeletionProtection: false,
    GlobalClusterMembers: g.members.map((m) => ({
      DBClusterArn: m.clusterArn,
      Readers: m.isWriter ? g.members.filter((o) => o !== m).map((o) => o.clusterArn) : [],
      IsWriter: m.isWriter,
      GlobalWriteForwardingStatus: 'disabled',
      SynchronizationStatus: m.sync,
    })),
    ...(g.failover
      ? {
          FailoverState: {
            Status: g.failover.status as 'pending' | 'failing-over' | 'cancelling',
            FromDbClusterArn: g.failover.from,
            ToDbClusterArn: g.failover.to,
            IsDataLossAllowed: g.failover.allowDataLoss,
          },
        }
      : {}),
  };
}

export function clusterShape(w: World, c: RdsCluster): DBCluster {
  const now = w.time.now();
  const members = [...w.rds.instances.values()].filter((i) => i.region === c.region && i.clusterId === c.id);
  const host = `${c.id}.cluster-csbx0example.${c.region}.rds.amazonaws.com`;
  return {
    DBClusterIdentifier: c.id,
    DBClusterArn: c.arn,
    DbClusterResourceId: c.resourceId,
    Status: c.status,
    Engine: c.engine,
    EngineVersion: c.engineVersion,
    EngineMode: 'provisioned',
    StorageEncrypted: c.storageEncrypted,
    ...(c.kmsKeyId ? { KmsKeyId: c.kmsKeyId } : {}),
    BackupRetentionPeriod: c.backupRetention,
    MultiAZ: members.length > 1,
    AvailabilityZones: [AZ(c.region, 0), AZ(c.region, 1), AZ(c.region, 2)],
    Endpoint: host,
    ReaderEndpoint: host.replace('.cluster-', '.cluster-ro-'),
    Port: 5432,
    MasterUsername: 'lifeboat',
    ClusterCreateTime: new Date(c.createdAt),
    EarliestRestorableTime: new Date(Math.max(c.createdAt, now - c.backupRetention * DAY)),
    LatestRestorableTime: new Date(now - FIVE_MIN),
    DeletionProtection: false,
    DBClusterMembers: members.map((i) => ({
      DBInstanceIdentifier: i.id,
      IsClusterWriter: i.isClusterWriter ?? false,
      DBClusterParameterGroupStatus: 'in-sync',
      PromotionTier: 1,
    })),
    ...(c.globalClusterId
      ? {
          GlobalClusterIdentifier: c.globalClusterId,
          GlobalWriteForwardingStatus: c.writeForwarding,
          GlobalWriteForwardingRequested: false,
        }
      : {}),
    TagList: [],
  };
}

export function instanceShape(w: World, i: RdsInstance): DBInstance {
  const now = w.time.now();
  const replicationDown = i.replicaSource !== undefined && replicaImpaired(w, i);
  return {
    DBInstanceIdentifier: i.id,
    DBInstanceArn: i.arn,
    DbiResourceId: i.resourceId,
    DBInstanceClass: i.instanceClass,
    DBInstanceStatus: i.status,
    Engine: i.engine,
    EngineVersion: i.engineVersion,
    AvailabilityZone: AZ(i.region, 0),
    MultiAZ: i.multiAZ,
    StorageEncrypted: i.storageEncrypted,
    ...(i.kmsKeyId ? { KmsKeyId: i.kmsKeyId } : {}),
    ...(i.dbSubnetGroup
      ? { DBSubnetGroup: { DBSubnetGroupName: i.dbSubnetGroup, VpcId: `vpc-${i.dbSubnetGroup}` } }
      : {}),
    VpcSecurityGroups: (i.vpcSecurityGroups ?? []).map((id) => ({
      VpcSecurityGroupId: id,
      Status: 'active',
    })),
    BackupRetentionPeriod: i.backupRetention,
    InstanceCreateTime: new Date(i.createdAt),
    ...(i.backupRetention > 0 ? { LatestRestorableTime: new Date(now - FIVE_MIN) } : {}),
    Endpoint: {
      Address: `${i.id}.csbx0example.${i.region}.rds.amazonaws.com`,
      Port: i.engine.includes('postgres') ? 5432 : 3306,
    },
    ...(i.clusterId ? { DBClusterIdentifier: i.clusterId } : {}),
    ...(i.replicaSource ? { ReadReplicaSourceDBInstanceIdentifier: i.replicaSource } : {}),
    ReadReplicaDBInstanceIdentifiers: [...i.replicas],
    ReadReplicaDBClusterIdentifiers: [],
    ...(i.replicaSource
      ? {
          StatusInfos: [
            {
              StatusType: 'read replication',
              Normal: !replicationDown,
              Status: replicationDown ? 'error' : 'replicating',
              ...(replicationDown ? { Message: 'Replication has stopped: the source is unreachable.' } : {}),
            },
          ],
        }
      : {}),
    TagList: [],
  };
}

/** A replica's replication is impaired when its source Region is out or either end is broken. */
export function replicaImpaired(w: World, i: RdsInstance, t = w.time.now()): boolean {
  return replicaImpairedSince(w, i, t) !== undefined;
}

export function replicaImpairedSince(w: World, i: RdsInstance, t = w.time.now()): number | undefined {
  if (!i.replicaSource) return undefined;
  const source = resolveInstanceRef(i.region, i.replicaSource);
  return impairedSince(w, t, [source.region, i.region], [i.id, source.id]);
}

export function resolveInstanceRef(region: string, ref: string): { region: string; id: string } {
  if (ref.startsWith('arn:')) {
    const parts = ref.split(':');
    return { region: parts[3] ?? region, id: parts[6] ?? ref };
  }
  return { region, id: ref };
}

export function snapshotShape(w: World, s: RdsSnapshot): DBSnapshot {
  const source = w.rds.instances.get(rkey(s.sourceRegion ?? s.region, s.sourceId));
  return {
    DBSnapshotIdentifier: s.id,
    DBSnapshotArn: rdsArn(w, s.region, 'snapshot', s.id),
    DBInstanceIdentifier: s.sourceId,
    SnapshotCreateTime: new Date(s.createdAt),
    OriginalSnapshotCreateTime: new Date(s.createdAt),
    Engine: s.engine,
    EngineVersion: s.engineVersion,
    Status: 'available',
    SnapshotType: s.type,
    Encrypted: s.encrypted,
    AllocatedStorage: 100,
    PercentProgress: 100,
    ...(s.sourceRegion ? { SourceRegion: s.sourceRegion } : {}),
    ...(source ? { DbiResourceId: source.resourceId } : {}),
    AvailabilityZone: AZ(s.region, 0),
  };
}

export function clusterSnapshotShape(w: World, s: RdsSnapshot): DBClusterSnapshot {
  return {
    DBClusterSnapshotIdentifier: s.id,
    DBClusterSnapshotArn: rdsArn(w, s.region, 'cluster-snapshot', s.id),
    DBClusterIdentifier: s.sourceId,
    SnapshotCreateTime: new Date(s.createdAt),
    ClusterCreateTime: new Date(s.createdAt - 400 * DAY),
    Engine: s.engine,
    EngineVersion: s.engineVersion,
    Status: 'available',
    SnapshotType: s.type,
    StorageEncrypted: s.encrypted,
    PercentProgress: 100,
    AllocatedStorage: 1,
  };
}

/** The automated backups a Region holds: its own instances' (retention > 0) and those replicated to it. */
export function automatedBackupsIn(w: World, region: string): RdsAutomatedBackup[] {
  const local = [...w.rds.instances.values()]
    .filter((i) => i.region === region && i.backupRetention > 0 && !i.clusterId)
    .map((i) => ({
      region,
      sourceRegion: region,
      instanceId: i.id,
      instanceArn: i.arn,
      resourceId: i.resourceId,
      engine: i.engine,
      encrypted: i.storageEncrypted,
      earliest: Math.max(i.createdAt, w.time.now() - i.backupRetention * 86_400_000),
    }));
  return [...local, ...w.rds.automatedBackups.filter((b) => b.region === region)];
}

export function automatedBackupShape(w: World, b: RdsAutomatedBackup): DBInstanceAutomatedBackup {
  const now = w.time.now();
  const stopped = impairedSince(w, now, [b.sourceRegion], [b.instanceId]);
  const latest = Math.min(stopped ?? now, now) - FIVE_MIN;
  const replicated = b.region !== b.sourceRegion;
  return {
    DBInstanceArn: b.instanceArn,
    DbiResourceId: b.resourceId,
    Region: b.sourceRegion,
    DBInstanceIdentifier: b.instanceId,
    RestoreWindow: { EarliestTime: new Date(b.earliest), LatestTime: new Date(latest) },
    Status: replicated ? 'replicating' : 'active',
    Engine: b.engine,
    Encrypted: b.encrypted,
    BackupRetentionPeriod: 7,
    DBInstanceAutomatedBackupsArn: `arn:aws:rds:${b.region}:${w.account}:auto-backup:ab-${b.resourceId.slice(3).toLowerCase()}`,
    ...(replicated
      ? {
          DBInstanceAutomatedBackupsReplications: [],
        }
      : {}),
  };
}
