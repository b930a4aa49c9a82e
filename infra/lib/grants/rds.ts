import { arn } from '../arns.js';
import { type PolicyStatementSpec, pascal } from '../policy-spec.js';
import { DRILL_PREFIX, hasSteps, type ResourceContext, sid } from './context.js';

/** Aurora global database: readiness reads, switchover/failover, snapshot-restore drills. */
export function auroraStatements(ctx: ResourceContext<'aurora-global-cluster'>): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  const global = arn.globalCluster(s, r.globalClusterIdentifier);
  const clusters = [r.primaryClusterArn, r.recoveryClusterArn];
  const regions = [s.primaryRegion, s.recoveryRegion];
  const out: PolicyStatementSpec[] = [
    { sid: sid(ctx, 'AuroraReadGlobal'), actions: ['rds:DescribeGlobalClusters'], resources: [global] },
    {
      sid: sid(ctx, 'AuroraReadClusters'),
      actions: ['rds:DescribeDBClusters', 'rds:DescribeDBClusterSnapshots'],
      resources: [...clusters, ...regions.map((region) => arn.rds(s, region, 'cluster-snapshot', '*'))],
    },
  ];
  if (hasSteps(ctx)) {
    out.push({
      sid: sid(ctx, 'AuroraSwitchover'),
      actions: ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster'],
      resources: [global, ...clusters],
    });
  }
  out.push(...auroraDrillStatements(ctx.scope.recoveryRegion, ctx));
  return out;
}

/** Restore the latest snapshot into a `lifeboat-drill-` cluster in the recovery Region, then delete it. */
function auroraDrillStatements(
  region: string,
  ctx: ResourceContext<'aurora-global-cluster'>,
): PolicyStatementSpec[] {
  const s = ctx.scope;
  const drillCluster = arn.rds(s, region, 'cluster', `${DRILL_PREFIX}*`);
  const drillInstance = arn.rds(s, region, 'db', `${DRILL_PREFIX}*`);
  const used = ['subgrp', 'cluster-pg', 'pg', 'og'].map((type) => arn.rds(s, region, type, '*'));
  return [
    {
      sid: `AuroraDrillRestore${pascal(region)}`,
      actions: ['rds:RestoreDBClusterFromSnapshot', 'rds:CreateDBInstance'],
      resources: [drillCluster, drillInstance, arn.rds(s, region, 'cluster-snapshot', '*'), ...used],
    },
    {
      sid: `AuroraDrillTag${pascal(region)}`,
      actions: ['rds:AddTagsToResource'],
      resources: [drillCluster, drillInstance],
    },
    {
      sid: `AuroraDrillCleanup${pascal(region)}`,
      actions: ['rds:DeleteDBCluster', 'rds:DeleteDBInstance'],
      resources: [drillCluster, drillInstance, arn.rds(s, region, 'cluster-snapshot', `${DRILL_PREFIX}*`)],
    },
  ];
}

/** RDS cross-Region read replica: readiness reads, promotion, failback replica, drills. */
export function rdsInstanceStatements(ctx: ResourceContext<'rds-instance'>): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  const primary = arn.rds(s, s.primaryRegion, 'db', r.primaryInstance);
  const replica = arn.rds(s, s.recoveryRegion, 'db', r.replicaInstance);
  const regions = [s.primaryRegion, s.recoveryRegion];
  const out: PolicyStatementSpec[] = [
    {
      sid: sid(ctx, 'RdsRead'),
      actions: [
        'rds:DescribeDBInstances',
        'rds:DescribeDBSnapshots',
        'rds:DescribeDBInstanceAutomatedBackups',
      ],
      resources: [
        primary,
        replica,
        ...regions.map((region) => arn.rds(s, region, 'snapshot', '*')),
        ...regions.map((region) => arn.rds(s, region, 'auto-backup', '*')),
      ],
    },
  ];
  if (ctx.failoverSteps.length > 0) {
    out.push({ sid: sid(ctx, 'RdsPromote'), actions: ['rds:PromoteReadReplica'], resources: [replica] });
  }
  if (ctx.failbackSteps.length > 0) {
    // Failback setup (src/failback/reverse-rds.ts) creates a read replica of the promoted instance back in the
    // primary Region under the plan's primaryInstance identifier; the failback step then promotes exactly that
    // instance (src/runbook/executors/rds.ts). Both are known ARNs: no wildcard on a db for a mutation.
    // Parameter, option and subnet groups are the account's defaults or the source's, not named by the plan.
    out.push(
      {
        sid: sid(ctx, 'RdsFailbackReplica'),
        actions: ['rds:CreateDBInstanceReadReplica'],
        resources: [
          replica,
          primary,
          ...['subgrp', 'pg', 'og'].map((type) => arn.rds(s, s.primaryRegion, type, '*')),
        ],
      },
      { sid: sid(ctx, 'RdsFailbackTag'), actions: ['rds:AddTagsToResource'], resources: [primary] },
      { sid: sid(ctx, 'RdsFailbackPromote'), actions: ['rds:PromoteReadReplica'], resources: [primary] },
    );
  }
  const region = s.recoveryRegion;
  const drillInstance = arn.rds(s, region, 'db', `${DRILL_PREFIX}*`);
  out.push(
    {
      sid: `RdsDrillRestore${pascal(region)}`,
      // From a snapshot, or from the primary's automated backups replicated to this Region (point in time).
      actions: ['rds:RestoreDBInstanceFromDBSnapshot', 'rds:RestoreDBInstanceToPointInTime'],
      resources: [
        drillInstance,
        arn.rds(s, region, 'snapshot', '*'),
        arn.rds(s, region, 'auto-backup', '*'),
        ...['subgrp', 'pg', 'og'].map((type) => arn.rds(s, region, type, '*')),
      ],
    },
    { sid: `RdsDrillTag${pascal(region)}`, actions: ['rds:AddTagsToResource'], resources: [drillInstance] },
    {
      sid: `RdsDrillCleanup${pascal(region)}`,
      actions: ['rds:DeleteDBInstance'],
      resources: [drillInstance],
    },
  );
  return out;
}
