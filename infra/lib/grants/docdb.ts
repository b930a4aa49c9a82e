import { arn } from '../arns.js';
import type { PolicyStatementSpec } from '../policy-spec.js';
import { hasSteps, type ResourceContext, sid } from './context.js';

/**
 * DocumentDB global cluster: readiness and steps read the global cluster and both clusters; a step switches over
 * or fails over. DocumentDB's IAM actions and ARNs are in the `rds` namespace (DocumentDB developer guide,
 * identity-based policies), so the actions are `rds:` ones.
 */
export function docdbStatements(ctx: ResourceContext<'docdb-global-cluster'>): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  const global = arn.globalCluster(s, r.globalClusterIdentifier);
  const clusters = [r.primaryClusterArn, r.recoveryClusterArn];
  const out: PolicyStatementSpec[] = [
    { sid: sid(ctx, 'DocDbReadGlobal'), actions: ['rds:DescribeGlobalClusters'], resources: [global] },
    { sid: sid(ctx, 'DocDbReadClusters'), actions: ['rds:DescribeDBClusters'], resources: clusters },
  ];
  if (hasSteps(ctx))
    out.push({
      sid: sid(ctx, 'DocDbSwitchover'),
      actions: ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster'],
      resources: [global, ...clusters],
    });
  return out;
}
