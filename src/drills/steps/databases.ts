import type { DBClusterSnapshot } from '@aws-sdk/client-rds';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf } from '../../plan/schema.js';
import { SNAPSHOT_TYPES } from '../../readiness/aws/backups.js';
import { chooseRdsSource, restoreRdsSource } from './rds-source.js';
import {
  type DrillStepExecutor,
  isAlreadyExists,
  isNotFound,
  type Progress,
  type StepContext,
  tags,
} from './types.js';

const clusterIdOf = (arn: string) => arn.split(':').pop() ?? arn;
const time = (d: Date | undefined) => (d ? d.getTime() : undefined);

async function describeCluster(ctx: StepContext, id: string) {
  try {
    const out = await ctx.clients.rds.send(
      new (sdk.rds().DescribeDBClustersCommand)({ DBClusterIdentifier: id }),
      {
        abortSignal: ctx.signal(),
      },
    );
    return out.DBClusters?.[0];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function describeInstance(ctx: StepContext, id: string) {
  try {
    const out = await ctx.clients.rds.send(
      new (sdk.rds().DescribeDBInstancesCommand)({ DBInstanceIdentifier: id }),
      {
        abortSignal: ctx.signal(),
      },
    );
    return out.DBInstances?.[0];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const newest = <T>(items: readonly T[], at: (t: T) => number | undefined) =>
  items
    .filter((s) => at(s) !== undefined)
    .sort((a, b) => (at(b) ?? 0) - (at(a) ?? 0))
    .at(0);

/** Creating calls tolerate "already exists": after a crash the call may have been made already. */
async function create(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

/** Deleting calls tolerate "not found" and "already being deleted". */
async function remove(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (isNotFound(error) || /InvalidDB(Instance|Cluster)StateFault/.test((error as Error).name)) return;
    throw error;
  }
}

/**
 * Aurora: the newest snapshot of the recovery cluster restored into an isolated cluster, plus one instance
 * so it can serve. Ready when the instance is available; data age = the snapshot's time.
 */
export const restoreAurora: DrillStepExecutor = {
  describe: (ctx) =>
    `Restore the newest snapshot of ${clusterIdOf((ctx.resource as ResourceOf<'aurora-global-cluster'>).recoveryClusterArn)} into ${ctx.step.names[0]}`,
  async advance(ctx): Promise<Progress> {
    const resource = ctx.resource as ResourceOf<'aurora-global-cluster'>;
    const [clusterName = '', instanceName = ''] = ctx.step.names;
    const source = clusterIdOf(resource.recoveryClusterArn);
    const cluster = await describeCluster(ctx, clusterName);
    const { detail, source: chosen } = ctx.step;
    if (!cluster) {
      if (!chosen) {
        // Choose the snapshot first; the driver records it before the restore call is made.
        const listed: DBClusterSnapshot[] = [];
        for (const type of SNAPSHOT_TYPES) {
          const out = await ctx.clients.rds.send(
            new (sdk.rds().DescribeDBClusterSnapshotsCommand)({
              DBClusterIdentifier: source,
              ...(type ? { SnapshotType: type } : {}),
            }),
            { abortSignal: ctx.signal() },
          );
          listed.push(...(out.DBClusterSnapshots ?? []));
        }
        const snap = newest<DBClusterSnapshot>(
          listed.filter((s) => s.Status === 'available'),
          (s) => time(s.SnapshotCreateTime),
        );
        const id = snap?.DBClusterSnapshotIdentifier ?? snap?.DBClusterSnapshotArn;
        if (!snap || !id)
          return { state: 'failed', error: `no available snapshot of ${source} in ${ctx.step.region}` };
        const at = time(snap.SnapshotCreateTime);
        return {
          state: 'working',
          source: id,
          ...(at !== undefined ? { dataAtMs: at } : {}),
          detail: `from snapshot ${snap.DBClusterSnapshotIdentifier ?? id} (${snap.Engine ?? 'aurora'})`,
        };
      }
      const engine = /\((aurora[a-z-]*)\)$/.exec(detail ?? '')?.[1] ?? 'aurora-postgresql';
      await create(() =>
        ctx.clients.rds.send(
          new (sdk.rds().RestoreDBClusterFromSnapshotCommand)({
            DBClusterIdentifier: clusterName,
            SnapshotIdentifier: chosen,
            Engine: engine,
            ...(ctx.settings.dbSubnetGroupName ? { DBSubnetGroupName: ctx.settings.dbSubnetGroupName } : {}),
            ...(ctx.settings.vpcSecurityGroupIds
              ? { VpcSecurityGroupIds: [...ctx.settings.vpcSecurityGroupIds] }
              : {}),
            DeletionProtection: false,
            Tags: tags(ctx.drillId, clusterName),
          }),
          { abortSignal: ctx.signal() },
        ),
      );
      return { state: 'working' };
    }
    if (cluster.Status !== 'available') return { state: 'working' };
    const instance = await describeInstance(ctx, instanceName);
    if (!instance) {
      await create(() =>
        ctx.clients.rds.send(
          new (sdk.rds().CreateDBInstanceCommand)({
            DBInstanceIdentifier: instanceName,
            DBClusterIdentifier: clusterName,
            Engine: cluster.Engine ?? 'aurora-postgresql',
            DBInstanceClass: ctx.settings.dbInstanceClass ?? 'db.r6g.large',
            PubliclyAccessible: false,
            Tags: tags(ctx.drillId, instanceName),
          }),
          { abortSignal: ctx.signal() },
        ),
      );
      return { state: 'working' };
    }
    return { state: instance.DBInstanceStatus === 'available' ? 'ready' : 'working' };
  },
  async cleanup(ctx) {
    const [clusterName = '', instanceName = ''] = ctx.step.names;
    const instance = await describeInstance(ctx, instanceName);
    if (instance) {
      if (instance.DBInstanceStatus !== 'deleting')
        await remove(() =>
          ctx.clients.rds.send(
            new (sdk.rds().DeleteDBInstanceCommand)({
              DBInstanceIdentifier: instanceName,
              SkipFinalSnapshot: true,
            }),
            { abortSignal: ctx.signal() },
          ),
        );
      return { gone: false, detail: `deleting ${instanceName}` };
    }
    const cluster = await describeCluster(ctx, clusterName);
    if (!cluster) return { gone: true };
    if (cluster.Status !== 'deleting')
      await remove(() =>
        ctx.clients.rds.send(
          new (sdk.rds().DeleteDBClusterCommand)({
            DBClusterIdentifier: clusterName,
            SkipFinalSnapshot: true,
          }),
          { abortSignal: ctx.signal() },
        ),
      );
    return { gone: false, detail: `deleting ${clusterName}` };
  },
};

/**
 * RDS: the freshest copy in the recovery Region (a snapshot, or the primary's replicated automated backups to
 * their latest restorable time; rds-source.ts) restored into an isolated instance. Ready when available; data
 * age = the snapshot's or the restore point's time.
 */
export const restoreRds: DrillStepExecutor = {
  describe: (ctx) =>
    `Restore the newest snapshot of ${(ctx.resource as ResourceOf<'rds-instance'>).primaryInstance} in ${ctx.step.region} into ${ctx.step.names[0]}`,
  async advance(ctx): Promise<Progress> {
    const resource = ctx.resource as ResourceOf<'rds-instance'>;
    const [name = ''] = ctx.step.names;
    const instance = await describeInstance(ctx, name);
    if (instance) return { state: instance.DBInstanceStatus === 'available' ? 'ready' : 'working' };
    if (!ctx.step.source) return chooseRdsSource(ctx, resource);
    const source = ctx.step.source;
    await create(() => restoreRdsSource(ctx, name, source));
    return { state: 'working' };
  },
  async cleanup(ctx) {
    const [name = ''] = ctx.step.names;
    const instance = await describeInstance(ctx, name);
    if (!instance) return { gone: true };
    if (instance.DBInstanceStatus !== 'deleting')
      await remove(() =>
        ctx.clients.rds.send(
          new (sdk.rds().DeleteDBInstanceCommand)({
            DBInstanceIdentifier: name,
            SkipFinalSnapshot: true,
            DeleteAutomatedBackups: true,
          }),
          { abortSignal: ctx.signal() },
        ),
      );
    return { gone: false, detail: `deleting ${name}` };
  },
};
