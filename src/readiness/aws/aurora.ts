import type { AwsClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf } from '../../plan/schema.js';
import { formatDuration, ms } from '../format.js';
import type { Check, CheckContext, Checker, NamedService } from '../types.js';
import { freshnessVerdict } from '../verdict.js';
import { parseArn } from './arn.js';
import { awsCall, guard } from './call.js';
import { base, globalClusterRows } from './global-cluster.js';
import { latestMetrics } from './metrics.js';

type Aurora = ResourceOf<'aurora-global-cluster'>;

/**
 * Aurora global database: the global cluster's writer is the plan's primary cluster and the recovery cluster
 * is a member in sync; the recovery cluster is available, has instances and runs an engine version the
 * primary's can fail over to; the replication lag (AuroraGlobalDBRPOLag, else AuroraGlobalDBReplicationLag,
 * in the recovery Region) is within the RPO. The global cluster is read through the recovery Region so the
 * check still answers while the primary Region is down.
 */
export function createAuroraChecker(clients: AwsClients): Checker<'aurora-global-cluster'> {
  return {
    async check(resource, service, ctx) {
      const recovery = parseArn(resource.recoveryClusterArn);
      const rds = clients.forRegion(recovery.region || service.recoveryRegion).rds;
      const globalCluster = awsCall(ctx, 'rds:DescribeGlobalClusters', (abortSignal) =>
        rds.send(
          new (sdk.rds().DescribeGlobalClustersCommand)({
            GlobalClusterIdentifier: resource.globalClusterIdentifier,
          }),
          { abortSignal },
        ),
      ).then((out) => out.GlobalClusters?.[0]);
      const cluster = awsCall(ctx, 'rds:DescribeDBClusters', (abortSignal) =>
        rds.send(
          new (sdk.rds().DescribeDBClustersCommand)({ DBClusterIdentifier: resource.recoveryClusterArn }),
          {
            abortSignal,
          },
        ),
      ).then((out) => out.DBClusters?.[0]);
      const sections = await Promise.all([
        ...globalClusterRows(resource, { global: globalCluster, cluster }),
        guard(base(resource, 'replication lag', true), 'replication lag metric', () =>
          lag(resource, service, ctx, clients, recovery),
        ),
      ]);
      return sections.flat();
    },
  };
}

async function lag(
  resource: Aurora,
  service: NamedService,
  ctx: CheckContext,
  clients: AwsClients,
  recovery: { region: string; resourceName: string },
): Promise<Check> {
  const b = base(resource, 'replication lag', true);
  const cloudwatch = clients.forRegion(recovery.region || service.recoveryRegion).cloudwatch;
  // Aurora publishes both metrics in the secondary's Region under DBClusterIdentifier + SourceRegion (the
  // primary's Region); CloudWatch matches the whole dimension set, so both must be named.
  const dimensions = {
    DBClusterIdentifier: recovery.resourceName,
    SourceRegion: parseArn(resource.primaryClusterArn).region || service.primaryRegion,
  };
  const points = await latestMetrics(ctx, cloudwatch, [
    { id: 'rpolag', namespace: 'AWS/RDS', metricName: 'AuroraGlobalDBRPOLag', dimensions },
    { id: 'replag', namespace: 'AWS/RDS', metricName: 'AuroraGlobalDBReplicationLag', dimensions },
  ]);
  const rpoLag = points.get('rpolag');
  const point = rpoLag ?? points.get('replag');
  const metric = rpoLag ? 'RPO lag' : 'global replication lag';
  if (!point) {
    return {
      ...b,
      verdict: 'unknown',
      target: ms(service.rpo),
      reason: `${resource.id}: no AuroraGlobalDBReplicationLag datapoints for ${recovery.resourceName} in the last 15 min`,
      source: 'metric',
    };
  }
  const verdict = freshnessVerdict(point.value, service.rpo);
  const figure = `${metric} ${formatDuration(point.value)}`;
  return {
    ...b,
    verdict,
    measured: ms(point.value),
    target: ms(service.rpo),
    dataLossMs: point.value,
    source: 'metric',
    reason:
      verdict === 'ready'
        ? `${resource.id}: ${figure} within RPO ${formatDuration(service.rpo)}`
        : `${resource.id}: ${figure} exceeds RPO ${formatDuration(service.rpo)}`,
  };
}
