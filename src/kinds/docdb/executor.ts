import { sdk } from '../../adapters/aws/sdk.js';
import { globalClusterExecutor } from '../../runbook/executors/global-cluster.js';
import type { DocdbGlobalCluster, DocdbStep } from './schema.js';

/**
 * DocumentDB global cluster: the Aurora logic (runbook/executors/global-cluster.ts) on the DocDB client.
 * Planned: SwitchoverGlobalCluster (RPO 0); unplanned: FailoverGlobalCluster with AllowDataLoss. DocumentDB's IAM
 * actions are in the `rds` namespace (DocumentDB: identity-based policies), hence `rds:` action names.
 */
export const docdbExecutor = globalClusterExecutor<DocdbStep>({
  engine: 'DocumentDB',
  client: 'docdb',
  clusters(ctx) {
    const r = ctx.resource as DocdbGlobalCluster;
    const failover = ctx.kind === 'failover';
    return {
      id: r.globalClusterIdentifier,
      target: failover ? r.recoveryClusterArn : r.primaryClusterArn,
      source: failover ? r.primaryClusterArn : r.recoveryClusterArn,
    };
  },
  api(ctx, region) {
    const docdb = ctx.clients.forRegion(region).docdb;
    return {
      describeGlobal: (id) =>
        ctx.aws
          .call('rds:DescribeGlobalClusters', (abortSignal) =>
            docdb.send(new (sdk.docdb().DescribeGlobalClustersCommand)({ GlobalClusterIdentifier: id }), {
              abortSignal,
            }),
          )
          .then((out) => out.GlobalClusters?.[0]),
      describeCluster: (arn) =>
        ctx.aws
          .call('rds:DescribeDBClusters', (abortSignal) =>
            docdb.send(new (sdk.docdb().DescribeDBClustersCommand)({ DBClusterIdentifier: arn }), {
              abortSignal,
            }),
          )
          .then((out) => out?.DBClusters?.[0]),
      move: (name, input) =>
        ctx.aws.call(`rds:${name}`, (abortSignal) =>
          name === 'SwitchoverGlobalCluster'
            ? docdb.send(new (sdk.docdb().SwitchoverGlobalClusterCommand)(input), { abortSignal })
            : docdb.send(new (sdk.docdb().FailoverGlobalClusterCommand)(input), { abortSignal }),
        ),
    };
  },
});
