import type { AwsClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import { parseArn } from '../../readiness/aws/arn.js';
import { awsCall } from '../../readiness/aws/call.js';
import { globalClusterRows } from '../../readiness/aws/global-cluster.js';
import type { Checker } from '../../readiness/types.js';

/**
 * DocumentDB global cluster, as Aurora's (readiness/aws/global-cluster.ts): the plan's primary writes and the
 * recovery cluster is a member in sync; the recovery cluster is available, has instances and runs the primary's
 * engine version. Read through the recovery Region. No replication-lag row: the sandbox does not model
 * DocumentDB's global-cluster metrics, so none is measured (docs/plan.md).
 */
export function createDocdbChecker(clients: AwsClients): Checker<'docdb-global-cluster'> {
  return {
    async check(resource, service, ctx) {
      const recovery = parseArn(resource.recoveryClusterArn);
      const docdb = clients.forRegion(recovery.region || service.recoveryRegion).docdb;
      const global = awsCall(ctx, 'rds:DescribeGlobalClusters', (abortSignal) =>
        docdb.send(
          new (sdk.docdb().DescribeGlobalClustersCommand)({
            GlobalClusterIdentifier: resource.globalClusterIdentifier,
          }),
          { abortSignal },
        ),
      ).then((out) => out.GlobalClusters?.[0]);
      const cluster = awsCall(ctx, 'rds:DescribeDBClusters', (abortSignal) =>
        docdb.send(
          new (sdk.docdb().DescribeDBClustersCommand)({ DBClusterIdentifier: resource.recoveryClusterArn }),
          {
            abortSignal,
          },
        ),
      ).then((out) => out.DBClusters?.[0]);
      const sections = await Promise.all(globalClusterRows(resource, { global, cluster }, 'DocumentDB'));
      return sections.flat();
    },
  };
}
