import type { PolicyStatementSpec } from '../policy-spec.js';
import { hasSteps, type ResourceContext, sid } from './context.js';

/**
 * ElastiCache global datastore: readiness and steps read the datastore (DescribeGlobalReplicationGroups, on the
 * global replication group, whose ARN has no Region) and its replication groups in both Regions; a step promotes
 * one with FailoverGlobalReplicationGroup (authorised on the global replication group and the replication groups:
 * ElastiCache's service authorization reference).
 */
export function elasticacheStatements(
  ctx: ResourceContext<'elasticache-global-datastore'>,
): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  const global = `arn:${s.partition}:elasticache::${s.account}:globalreplicationgroup:${r.globalReplicationGroupId}`;
  const groups = [
    `arn:${s.partition}:elasticache:${s.primaryRegion}:${s.account}:replicationgroup:${r.primaryReplicationGroupId}`,
    `arn:${s.partition}:elasticache:${s.recoveryRegion}:${s.account}:replicationgroup:${r.recoveryReplicationGroupId}`,
  ];
  const out: PolicyStatementSpec[] = [
    {
      sid: sid(ctx, 'ElastiCacheRead'),
      actions: ['elasticache:DescribeGlobalReplicationGroups', 'elasticache:DescribeReplicationGroups'],
      resources: [global, ...groups],
    },
  ];
  if (hasSteps(ctx))
    out.push({
      sid: sid(ctx, 'ElastiCachePromote'),
      actions: ['elasticache:FailoverGlobalReplicationGroup'],
      resources: [global, ...groups],
    });
  return out;
}
