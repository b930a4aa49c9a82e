import {
  type DBCluster,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  type GlobalCluster,
} from '@aws-sdk/client-rds';
import type { AwsClients } from '../../adapters/aws/clients.js';
import type { ResourceOf } from '../../plan/schema.js';
import type { Observed } from '../../state/observed.js';
import { formatDuration, ms, text } from '../format.js';
import type { Check, CheckContext, Checker, NamedService, Verdict } from '../types.js';
import { freshnessVerdict } from '../verdict.js';
import { majorVersion, parseArn } from './arn.js';
import { awsCall, type CheckBase, guard } from './call.js';
import { latestMetrics } from './metrics.js';

type Aurora = ResourceOf<'aurora-global-cluster'>;

/** Cluster states that pass on their own; anything else not listed in BROKEN is treated as degraded. */
const BROKEN_CLUSTER_STATES = new Set([
  'stopped',
  'stopping',
  'failed',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'incompatible-parameters',
  'incompatible-restore',
  'deleting',
]);

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
          new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: resource.globalClusterIdentifier }),
          { abortSignal },
        ),
      ).then((out) => out.GlobalClusters?.[0]);
      const cluster = awsCall(ctx, 'rds:DescribeDBClusters', (abortSignal) =>
        rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: resource.recoveryClusterArn }), {
          abortSignal,
        }),
      ).then((out) => out.DBClusters?.[0]);
      // Both promises are awaited inside guards; avoid unhandled rejections while the other one runs.
      globalCluster.catch(() => undefined);
      cluster.catch(() => undefined);
      const sections = await Promise.all([
        guard(
          base(resource, 'global cluster'),
          `global cluster ${resource.globalClusterIdentifier}`,
          async () => {
            const global = await globalCluster;
            const seen = writerSide(resource, global);
            return { ...membership(resource, global), ...(seen ? { observed: seen } : {}) };
          },
        ),
        guard(base(resource, 'recovery cluster'), `recovery cluster ${recovery.resourceName}`, async () =>
          recoveryCluster(resource, await cluster, await globalCluster.catch(() => undefined)),
        ),
        guard(base(resource, 'replication lag', true), 'replication lag metric', () =>
          lag(resource, service, ctx, clients, recovery),
        ),
      ]);
      return sections.flat();
    },
  };
}

function base(resource: Aurora, name: string, freshness = false): CheckBase {
  return { resourceId: resource.id, kind: resource.kind, name, ...(freshness ? { freshness } : {}) };
}

/** Where the global cluster is written: the plan's primary or recovery cluster (else nothing to say). */
function writerSide(resource: Aurora, global: GlobalCluster | undefined): Observed | undefined {
  const writer = global?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
  const side =
    writer === resource.primaryClusterArn
      ? 'primary'
      : writer === resource.recoveryClusterArn
        ? 'recovery'
        : undefined;
  if (!side || !writer) return undefined;
  return { facet: 'writer', side, text: `${resource.id}: the writer is ${parseArn(writer).resourceName}` };
}

function membership(resource: Aurora, global: GlobalCluster | undefined): Check {
  const b = base(resource, 'global cluster');
  const id = resource.id;
  if (!global) {
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('not found'),
      reason: `${id}: global cluster ${resource.globalClusterIdentifier} not found`,
    };
  }
  const members = global.GlobalClusterMembers ?? [];
  const writer = members.find((m) => m.IsWriter);
  const recoveryMember = members.find((m) => m.DBClusterArn === resource.recoveryClusterArn);
  const target = text(`writer ${parseArn(resource.primaryClusterArn).resourceName}`);
  if (!recoveryMember) {
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('recovery cluster not a member'),
      target,
      reason: `${id}: recovery cluster ${parseArn(resource.recoveryClusterArn).resourceName} is not a member of global cluster ${resource.globalClusterIdentifier}`,
    };
  }
  if (writer?.DBClusterArn !== resource.primaryClusterArn) {
    const where = writer?.DBClusterArn ? parseArn(writer.DBClusterArn).resourceName : 'none';
    return {
      ...b,
      verdict: 'not_ready',
      measured: text(`writer ${where}`),
      target,
      reason: `${id}: the writer is ${where}, not the plan's primary ${parseArn(resource.primaryClusterArn).resourceName}; the failover runbook assumes the primary writes`,
    };
  }
  if (global.Status !== 'available') {
    return {
      ...b,
      verdict: 'degraded',
      measured: text(global.Status ?? 'no status'),
      target: text('available'),
      reason: `${id}: global cluster is ${global.Status ?? 'in an unknown state'}, not available`,
    };
  }
  if (recoveryMember.SynchronizationStatus === 'pending-resync') {
    return {
      ...b,
      verdict: 'degraded',
      measured: text('pending-resync'),
      target: text('connected'),
      reason: `${id}: recovery cluster is pending resync with the primary`,
    };
  }
  return {
    ...b,
    verdict: 'ready',
    measured: text(`writer ${parseArn(resource.primaryClusterArn).resourceName}`),
    target,
    reason: `${id}: primary writes, recovery cluster is a member`,
  };
}

function recoveryCluster(
  resource: Aurora,
  cluster: DBCluster | undefined,
  global: GlobalCluster | undefined,
): Check {
  const b = base(resource, 'recovery cluster');
  const id = resource.id;
  const name = parseArn(resource.recoveryClusterArn).resourceName;
  if (!cluster)
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('not found'),
      reason: `${id}: recovery cluster ${name} not found`,
    };
  const status = cluster.Status ?? 'unknown';
  if (status !== 'available') {
    const verdict: Verdict = BROKEN_CLUSTER_STATES.has(status) ? 'not_ready' : 'degraded';
    return {
      ...b,
      verdict,
      measured: text(status),
      target: text('available'),
      reason: `${id}: recovery cluster ${name} is ${status}, not available`,
    };
  }
  const primaryVersion = global?.EngineVersion;
  const version = cluster.EngineVersion;
  // Switchover and failover both refuse a target whose engine version differs from the primary's, and a
  // target without DB instances (Aurora User Guide, aurora-global-database-disaster-recovery).
  if (primaryVersion && version && primaryVersion !== version) {
    const major = majorVersion(primaryVersion) !== majorVersion(version);
    return {
      ...b,
      verdict: 'not_ready',
      measured: text(`engine ${version}`),
      target: text(`engine ${primaryVersion}`),
      reason: `${id}: recovery cluster runs engine ${version}, the primary ${primaryVersion}${major ? ' (another major version)' : ''}: Aurora refuses a switchover or failover until the versions match`,
    };
  }
  if ((cluster.DBClusterMembers ?? []).length === 0) {
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('no instances'),
      target: text('at least one DB instance'),
      reason: `${id}: recovery cluster ${name} has no DB instances (headless): Aurora refuses a switchover or failover to it; add a DB instance`,
    };
  }
  return {
    ...b,
    verdict: 'ready',
    measured: text('available'),
    target: text('available'),
    reason: `${id}: recovery cluster ${name} available${version ? `, engine ${version}` : ''}`,
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
