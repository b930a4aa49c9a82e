import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf, Step } from '../../plan/schema.js';
import { globalClusterExecutor } from './global-cluster.js';

type AuroraStep = Extract<Step, { kind: 'aurora-global' }>;

/** Aurora global database: the shared global-cluster logic (global-cluster.ts) on the RDS client. */
export const auroraExecutor = globalClusterExecutor<AuroraStep>({
  engine: 'Aurora',
  client: 'rds',
  clusters(ctx) {
    const r = ctx.resource as ResourceOf<'aurora-global-cluster'>;
    const failover = ctx.kind === 'failover';
    return {
      id: r.globalClusterIdentifier,
      target: failover ? r.recoveryClusterArn : r.primaryClusterArn,
      source: failover ? r.primaryClusterArn : r.recoveryClusterArn,
    };
  },
  api(ctx, region) {
    const rds = ctx.clients.forRegion(region).rds;
    return {
      describeGlobal: (id) =>
        ctx.aws
          .call('rds:DescribeGlobalClusters', (abortSignal) =>
            rds.send(new (sdk.rds().DescribeGlobalClustersCommand)({ GlobalClusterIdentifier: id }), {
              abortSignal,
            }),
          )
          .then((out) => out.GlobalClusters?.[0]),
      describeCluster: (arn) =>
        ctx.aws
          .call('rds:DescribeDBClusters', (abortSignal) =>
            rds.send(new (sdk.rds().DescribeDBClustersCommand)({ DBClusterIdentifier: arn }), {
              abortSignal,
            }),
          )
          .then((out) => out?.DBClusters?.[0]),
      move: (name, input) =>
        ctx.aws.call(`rds:${name}`, (abortSignal) =>
          name === 'SwitchoverGlobalCluster'
            ? rds.send(new (sdk.rds().SwitchoverGlobalClusterCommand)(input), { abortSignal })
            : rds.send(new (sdk.rds().FailoverGlobalClusterCommand)(input), { abortSignal }),
        ),
    };
  },
});
