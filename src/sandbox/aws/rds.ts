import type {
  DescribeDBClusterSnapshotsCommandInput,
  DescribeDBClusterSnapshotsCommandOutput,
  DescribeDBClustersCommandInput,
  DescribeDBClustersCommandOutput,
  DescribeDBInstanceAutomatedBackupsCommandInput,
  DescribeDBInstanceAutomatedBackupsCommandOutput,
  DescribeDBInstancesCommandInput,
  DescribeDBInstancesCommandOutput,
  DescribeDBSnapshotsCommandInput,
  DescribeDBSnapshotsCommandOutput,
  DescribeGlobalClustersCommandInput,
  DescribeGlobalClustersCommandOutput,
  Filter,
} from '@aws-sdk/client-rds';
import { rdsFault } from './rds-common.js';
import {
  automatedBackupShape,
  automatedBackupsIn,
  clusterShape,
  clusterSnapshotShape,
  globalClusterShape,
  instanceShape,
  resolveInstanceRef,
  snapshotShape,
} from './rds-shapes.js';
import type { Registry } from './registry.js';
import type { RdsCluster, RdsInstance, World } from './world.js';
import { rkey } from './world.js';

const fault = rdsFault;

/**
 * DescribeDBSnapshots / DescribeDBClusterSnapshots: without SnapshotType only automated and manual snapshots
 * are listed; AWS Backup's (awsbackup) only when asked for by type (shared and public are not modelled).
 */
function listedType(type: string, wanted: string | undefined): boolean {
  return wanted ? type === wanted : type === 'automated' || type === 'manual';
}

export function getCluster(w: World, region: string, ref: string): RdsCluster {
  const { region: r, id } = resolveInstanceRef(region, ref);
  const cluster = w.rds.clusters.get(rkey(r, id));
  if (!cluster) throw fault('DBClusterNotFoundFault', `DBCluster ${ref} not found.`);
  return cluster;
}

export function getInstance(w: World, region: string, ref: string): RdsInstance {
  const { region: r, id } = resolveInstanceRef(region, ref);
  const instance = w.rds.instances.get(rkey(r, id));
  if (!instance) throw fault('DBInstanceNotFoundFault', `DBInstance ${ref} not found.`);
  return instance;
}

const filterValues = (filters: Filter[] | undefined, name: string): string[] | undefined =>
  filters?.find((f) => f.Name === name)?.Values;

const matchesRef = (values: string[] | undefined, id: string, arn: string) =>
  !values || values.includes(id) || values.includes(arn);

export function registerRdsDescribe(registry: Registry): void {
  registry
    .on<DescribeGlobalClustersCommandInput, DescribeGlobalClustersCommandOutput>(
      'rds:DescribeGlobalClusters',
      (input, { world }) => {
        const all = [...world.rds.globals.values()];
        const wanted = input.GlobalClusterIdentifier;
        const found = wanted ? all.filter((g) => g.id === wanted) : all;
        if (wanted && found.length === 0)
          throw fault('GlobalClusterNotFoundFault', `Global cluster ${wanted} not found.`);
        return { GlobalClusters: found.map((g) => globalClusterShape(world, g)) };
      },
    )
    .on<DescribeDBClustersCommandInput, DescribeDBClustersCommandOutput>(
      'rds:DescribeDBClusters',
      (input, { world, region }) => {
        if (input.DBClusterIdentifier) {
          return { DBClusters: [clusterShape(world, getCluster(world, region, input.DBClusterIdentifier))] };
        }
        const ids = filterValues(input.Filters, 'db-cluster-id');
        const clusters = [...world.rds.clusters.values()].filter(
          (c) => c.region === region && matchesRef(ids, c.id, c.arn),
        );
        return { DBClusters: clusters.map((c) => clusterShape(world, c)) };
      },
    )
    .on<DescribeDBInstancesCommandInput, DescribeDBInstancesCommandOutput>(
      'rds:DescribeDBInstances',
      (input, { world, region }) => {
        if (input.DBInstanceIdentifier) {
          return {
            DBInstances: [instanceShape(world, getInstance(world, region, input.DBInstanceIdentifier))],
          };
        }
        const ids = filterValues(input.Filters, 'db-instance-id');
        const clusters = filterValues(input.Filters, 'db-cluster-id');
        const instances = [...world.rds.instances.values()].filter(
          (i) =>
            i.region === region &&
            matchesRef(ids, i.id, i.arn) &&
            (!clusters ||
              (i.clusterId !== undefined &&
                matchesRef(
                  clusters,
                  i.clusterId,
                  `arn:aws:rds:${region}:${world.account}:cluster:${i.clusterId}`,
                ))),
        );
        return { DBInstances: instances.map((i) => instanceShape(world, i)) };
      },
    )
    .on<DescribeDBSnapshotsCommandInput, DescribeDBSnapshotsCommandOutput>(
      'rds:DescribeDBSnapshots',
      (input, { world, region }) => {
        const found = world.rds.snapshots.filter(
          (s) =>
            s.kind === 'instance' &&
            s.region === region &&
            (!input.DBInstanceIdentifier ||
              s.sourceId === resolveInstanceRef(region, input.DBInstanceIdentifier).id) &&
            (!input.DBSnapshotIdentifier || s.id === input.DBSnapshotIdentifier.split(':').pop()) &&
            listedType(s.type, input.SnapshotType),
        );
        if (input.DBSnapshotIdentifier && found.length === 0)
          throw fault('DBSnapshotNotFoundFault', `DBSnapshot ${input.DBSnapshotIdentifier} not found.`);
        return {
          DBSnapshots: found.sort((a, b) => b.createdAt - a.createdAt).map((s) => snapshotShape(world, s)),
        };
      },
    )
    .on<DescribeDBClusterSnapshotsCommandInput, DescribeDBClusterSnapshotsCommandOutput>(
      'rds:DescribeDBClusterSnapshots',
      (input, { world, region }) => {
        const found = world.rds.snapshots.filter(
          (s) =>
            s.kind === 'cluster' &&
            s.region === region &&
            (!input.DBClusterIdentifier ||
              s.sourceId === resolveInstanceRef(region, input.DBClusterIdentifier).id) &&
            (!input.DBClusterSnapshotIdentifier ||
              s.id === input.DBClusterSnapshotIdentifier.split(':').pop()) &&
            listedType(s.type, input.SnapshotType),
        );
        if (input.DBClusterSnapshotIdentifier && found.length === 0)
          throw fault(
            'DBClusterSnapshotNotFoundFault',
            `DBClusterSnapshot ${input.DBClusterSnapshotIdentifier} not found.`,
          );
        return {
          DBClusterSnapshots: found
            .sort((a, b) => b.createdAt - a.createdAt)
            .map((s) => clusterSnapshotShape(world, s)),
        };
      },
    )
    .on<DescribeDBInstanceAutomatedBackupsCommandInput, DescribeDBInstanceAutomatedBackupsCommandOutput>(
      'rds:DescribeDBInstanceAutomatedBackups',
      (input, { world, region }) => {
        const found = automatedBackupsIn(world, region).filter(
          (b) =>
            (!input.DBInstanceIdentifier || b.instanceId === input.DBInstanceIdentifier) &&
            (!input.DbiResourceId || b.resourceId === input.DbiResourceId),
        );
        const shapes = found
          .map((b) => automatedBackupShape(world, b))
          .filter(
            (s) =>
              !input.DBInstanceAutomatedBackupsArn ||
              s.DBInstanceAutomatedBackupsArn === input.DBInstanceAutomatedBackupsArn,
          );
        return { DBInstanceAutomatedBackups: shapes };
      },
    );
}
