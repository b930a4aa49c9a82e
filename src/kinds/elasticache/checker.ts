import type { GlobalReplicationGroup, ReplicationGroup } from '@aws-sdk/client-elasticache';
import type { AwsClients } from '../../adapters/aws/clients.js';
import { awsCall, type CheckBase, guard } from '../../readiness/aws/call.js';
import { latestMetrics } from '../../readiness/aws/metrics.js';
import { formatDuration, ms, text } from '../../readiness/format.js';
import type { Check, CheckContext, Checker, NamedService } from '../../readiness/types.js';
import { freshnessVerdict } from '../../readiness/verdict.js';
import type { Observed } from '../../state/observed.js';
import type { Run } from '../autoscaling/groups.js';
import { describeDatastore, describeReplicationGroup, memberOf, membersText } from './datastore.js';
import { datastoreSides, type ElasticacheDatastore } from './schema.js';

const base = (r: ElasticacheDatastore, name: string, freshness = false): CheckBase => ({
  resourceId: r.id,
  kind: r.kind,
  name,
  ...(freshness ? { freshness } : {}),
});

/** Global datastores need Redis OSS 5.0.6 or later (ElastiCache global datastore prerequisites); any Valkey. */
export function engineSupported(engine: string | undefined, version: string | undefined): boolean {
  if (engine === 'valkey') return true;
  if (engine !== 'redis' || !version) return false;
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return major > 5 || (major === 5 && (minor > 0 || patch >= 6));
}

/**
 * ElastiCache global datastore, read through the recovery Region (it answers while the primary's is down): the
 * plan's primary group is the datastore's PRIMARY and the recovery group an associated SECONDARY; the engine
 * supports global datastores; the recovery replication group is available; GlobalDatastoreReplicationLag (in
 * the recovery Region, on the secondary's primary node) within the RPO.
 */
export function createElasticacheChecker(clients: AwsClients): Checker<'elasticache-global-datastore'> {
  return {
    async check(resource, service, ctx) {
      const { target: recovery, source: primary } = datastoreSides(resource, service, true);
      const region = clients.forRegion(recovery.region);
      const run: Run = (action, call) => awsCall(ctx, action, call);
      const id = resource.globalReplicationGroupId;
      const datastore = describeDatastore(run, region, id);
      const group = describeReplicationGroup(run, region, recovery.group);
      datastore.catch(() => undefined);
      group.catch(() => undefined);
      const sections = await Promise.all([
        guard(base(resource, 'global datastore'), `global datastore ${id}`, async () => {
          const g = await datastore;
          const seen = writerSide(resource, g, primary, recovery);
          return { ...membership(resource, g, primary, recovery), ...(seen ? { observed: seen } : {}) };
        }),
        guard(base(resource, 'engine'), `global datastore ${id}`, async () =>
          engine(resource, await datastore),
        ),
        guard(base(resource, 'recovery replication group'), `replication group ${recovery.group}`, async () =>
          recoveryGroup(resource, await group, recovery),
        ),
        guard(base(resource, 'replication lag', true), 'GlobalDatastoreReplicationLag', async () =>
          lag(resource, service, ctx, clients, await group),
        ),
      ]);
      return sections.flat();
    },
  };
}

type Side = { group: string; region: string };

/** Where the cache is written (its PRIMARY member): compared with the recorded operating state (docs/state.md). */
function writerSide(
  r: ElasticacheDatastore,
  g: GlobalReplicationGroup | undefined,
  primary: Side,
  recovery: Side,
): Observed | undefined {
  const side =
    memberOf(g, primary)?.Role === 'PRIMARY'
      ? 'primary'
      : memberOf(g, recovery)?.Role === 'PRIMARY'
        ? 'recovery'
        : undefined;
  if (!side) return undefined;
  const group = side === 'primary' ? primary.group : recovery.group;
  return { facet: 'writer', side, text: `${r.id}: the cache's primary is ${group}` };
}

function membership(
  r: ElasticacheDatastore,
  g: GlobalReplicationGroup | undefined,
  primary: Side,
  recovery: Side,
): Check {
  const b = base(r, 'global datastore');
  const id = r.globalReplicationGroupId;
  if (!g)
    return { ...b, verdict: 'not_ready', measured: text('not found'), reason: `${r.id}: ${id} not found` };
  const where = membersText(g);
  const p = memberOf(g, primary);
  const s = memberOf(g, recovery);
  const target = text(`primary ${primary.group}, secondary ${recovery.group}`);
  if (!s)
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('recovery group not a member'),
      target,
      reason: `${r.id}: ${recovery.group} (${recovery.region}) is not a member of ${id} (${where})`,
    };
  if (p?.Role !== 'PRIMARY')
    return {
      ...b,
      verdict: 'not_ready',
      measured: text(`primary ${g.Members?.find((m) => m.Role === 'PRIMARY')?.ReplicationGroupId ?? 'none'}`),
      target,
      reason: `${r.id}: ${primary.group} is not the datastore's primary (${where}); the failover runbook assumes it is`,
    };
  if (s.Status !== 'associated')
    return {
      ...b,
      verdict: 'not_ready',
      measured: text(`secondary ${s.Status ?? 'no status'}`),
      target,
      reason: `${r.id}: ${recovery.group} is ${s.Status ?? 'in no status'}, not associated: it does not replicate (${where})`,
    };
  if (g.Status !== 'available')
    return {
      ...b,
      verdict: 'degraded',
      measured: text(g.Status ?? 'no status'),
      target: text('available'),
      reason: `${r.id}: ${id} is ${g.Status ?? 'in no status'}, not available: ElastiCache refuses a promotion until it is (${where})`,
    };
  return { ...b, verdict: 'ready', measured: text('available'), target, reason: `${r.id}: ${where}` };
}

function engine(r: ElasticacheDatastore, g: GlobalReplicationGroup | undefined): Check {
  const b = base(r, 'engine');
  if (!g) return { ...b, verdict: 'not_ready', reason: `${r.id}: ${r.globalReplicationGroupId} not found` };
  const figure = `${g.Engine ?? 'unknown engine'} ${g.EngineVersion ?? ''}`.trim();
  return engineSupported(g.Engine, g.EngineVersion)
    ? { ...b, verdict: 'ready', measured: text(figure), reason: `${r.id}: ${figure}` }
    : {
        ...b,
        verdict: 'not_ready',
        measured: text(figure),
        target: text('valkey, or redis 5.0.6 or later'),
        reason: `${r.id}: ${figure} does not support global datastores (Redis OSS 5.0.6 or later, or Valkey)`,
      };
}

function recoveryGroup(r: ElasticacheDatastore, g: ReplicationGroup | undefined, recovery: Side): Check {
  const b = base(r, 'recovery replication group');
  if (!g)
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('not found'),
      reason: `${r.id}: ${recovery.group} not found in ${recovery.region}`,
    };
  const status = g.Status ?? 'unknown';
  const role = g.GlobalReplicationGroupInfo?.GlobalReplicationGroupMemberRole;
  if (g.GlobalReplicationGroupInfo?.GlobalReplicationGroupId !== r.globalReplicationGroupId)
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('not in the datastore'),
      reason: `${r.id}: ${recovery.group} in ${recovery.region} belongs to no global datastore or another one`,
    };
  return status === 'available'
    ? {
        ...b,
        verdict: 'ready',
        measured: text(status),
        reason: `${r.id}: ${recovery.group} in ${recovery.region} available (${role?.toLowerCase() ?? 'no role'})`,
      }
    : {
        ...b,
        verdict: status === 'modifying' || status === 'snapshotting' ? 'degraded' : 'not_ready',
        measured: text(status),
        target: text('available'),
        reason: `${r.id}: ${recovery.group} in ${recovery.region} is ${status}, not available`,
      };
}

/**
 * GlobalDatastoreReplicationLag (seconds): published for the secondary Region's primary node, dimension
 * CacheClusterId (ElastiCache metrics for Valkey and Redis OSS). The node is the recovery group's member whose
 * CurrentRole is primary (DescribeReplicationGroups).
 */
async function lag(
  r: ElasticacheDatastore,
  service: NamedService,
  ctx: CheckContext,
  clients: AwsClients,
  g: ReplicationGroup | undefined,
): Promise<Check> {
  const b = base(r, 'replication lag', true);
  const node = g?.NodeGroups?.flatMap((n) => n.NodeGroupMembers ?? []).find(
    (m) => m.CurrentRole === 'primary',
  );
  if (!node?.CacheClusterId)
    return {
      ...b,
      verdict: 'unknown',
      target: ms(service.rpo),
      reason: `${r.id}: the recovery group's primary node is not known: the lag cannot be read`,
    };
  const points = await latestMetrics(ctx, clients.forRegion(service.recoveryRegion).cloudwatch, [
    {
      id: 'lag',
      namespace: 'AWS/ElastiCache',
      metricName: 'GlobalDatastoreReplicationLag',
      dimensions: { CacheClusterId: node.CacheClusterId },
    },
  ]);
  const point = points.get('lag');
  if (!point)
    return {
      ...b,
      verdict: 'unknown',
      target: ms(service.rpo),
      source: 'metric',
      reason: `${r.id}: no GlobalDatastoreReplicationLag datapoints for ${node.CacheClusterId} in the last 15 min`,
    };
  const lagMs = point.value * 1000;
  const verdict = freshnessVerdict(lagMs, service.rpo);
  const figure = `replication lag ${formatDuration(lagMs)}`;
  return {
    ...b,
    verdict,
    measured: ms(lagMs),
    target: ms(service.rpo),
    dataLossMs: lagMs,
    source: 'metric',
    reason: `${r.id}: ${figure} ${verdict === 'ready' ? 'within' : 'exceeds'} RPO ${formatDuration(service.rpo)}`,
  };
}
