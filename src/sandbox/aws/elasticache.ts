import type {
  DescribeGlobalReplicationGroupsCommandInput,
  DescribeGlobalReplicationGroupsCommandOutput,
  DescribeReplicationGroupsCommandInput,
  DescribeReplicationGroupsCommandOutput,
  FailoverGlobalReplicationGroupCommandInput,
  FailoverGlobalReplicationGroupCommandOutput,
  GlobalReplicationGroup,
  ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { DURATIONS } from './durations.js';
import type { CacheDatastore, CacheReplicationGroup } from './elasticache-state.js';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import { emitChange, impairedSince, regionUp, rkey, type World } from './world.js';

/**
 * Amazon ElastiCache global datastores (FIDELITY.md, "ElastiCache global datastores"): the datastore and its
 * members, the replication groups, FailoverGlobalReplicationGroup and GlobalDatastoreReplicationLag.
 */

const fault = (name: string, message: string) =>
  awsError('elasticache', name, message, name.endsWith('NotFoundFault') ? 404 : 400);

function datastore(w: World, id: string | undefined): CacheDatastore {
  const g = id ? w.elasticache.datastores.get(id) : undefined;
  if (!g) throw fault('GlobalReplicationGroupNotFoundFault', `Global Datastore ${id ?? ''} not found.`);
  return g;
}

function shapeDatastore(w: World, g: CacheDatastore, members: boolean): GlobalReplicationGroup {
  return {
    GlobalReplicationGroupId: g.id,
    Status: g.status,
    CacheNodeType: g.nodeType,
    Engine: g.engine,
    EngineVersion: g.engineVersion,
    ClusterEnabled: false,
    ARN: `arn:aws:elasticache::${w.account}:globalreplicationgroup:${g.id}`,
    // Members are listed only with ShowMemberInfo (DescribeGlobalReplicationGroups API reference).
    ...(members
      ? {
          Members: g.members.map((m) => ({
            ReplicationGroupId: m.group,
            ReplicationGroupRegion: m.region,
            Role: m.role,
            AutomaticFailover: 'enabled',
            Status: m.status,
          })),
        }
      : {}),
  };
}

function shapeGroup(w: World, g: CacheReplicationGroup): ReplicationGroup {
  const member = g.globalId
    ? w.elasticache.datastores.get(g.globalId)?.members.find((m) => m.group === g.id && m.region === g.region)
    : undefined;
  return {
    ReplicationGroupId: g.id,
    Status: g.status,
    MemberClusters: [...g.nodes],
    AutomaticFailover: 'enabled',
    MultiAZ: 'enabled',
    ClusterEnabled: false,
    ARN: `arn:aws:elasticache:${g.region}:${w.account}:replicationgroup:${g.id}`,
    ...(g.globalId
      ? {
          GlobalReplicationGroupInfo: {
            GlobalReplicationGroupId: g.globalId,
            GlobalReplicationGroupMemberRole: member?.role ?? 'SECONDARY',
          },
        }
      : {}),
    NodeGroups: [
      {
        NodeGroupId: '0001',
        Status: g.status,
        NodeGroupMembers: g.nodes.map((cluster, i) => ({
          CacheClusterId: cluster,
          CacheNodeId: '0001',
          CurrentRole: i === 0 ? 'primary' : 'replica',
        })),
      },
    ],
  };
}

/**
 * FailoverGlobalReplicationGroup: the named group in the named Region becomes primary, the others secondary.
 * Refused (InvalidGlobalReplicationGroupState, API reference) while the datastore is not available (e.g. a
 * promotion already running: status modifying) or primary-only. Stricter than AWS's documentation, which is
 * silent on it: refused the same way while the current primary's Region is impaired.
 */
function failover(w: World, input: FailoverGlobalReplicationGroupCommandInput): GlobalReplicationGroup {
  const g = datastore(w, input.GlobalReplicationGroupId);
  if (g.status !== 'available')
    throw fault(
      'InvalidGlobalReplicationGroupStateFault',
      `Global Datastore ${g.id} is in ${g.status} state; it must be available.`,
    );
  const target = g.members.find(
    (m) => m.group === input.PrimaryReplicationGroupId && m.region === input.PrimaryRegion,
  );
  if (!target)
    throw fault(
      'InvalidParameterValueException',
      `Replication group ${input.PrimaryReplicationGroupId ?? ''} in ${input.PrimaryRegion ?? ''} is not a member of Global Datastore ${g.id}.`,
    );
  if (target.role === 'PRIMARY')
    throw fault(
      'InvalidParameterValueException',
      `Replication group ${target.group} is already the primary of Global Datastore ${g.id}.`,
    );
  const current = g.members.find((m) => m.role === 'PRIMARY');
  if (current && !regionUp(w, current.region))
    throw fault(
      'InvalidGlobalReplicationGroupStateFault',
      `Global Datastore ${g.id} cannot fail over: its primary ${current.group} in ${current.region} is unreachable.`,
    );
  g.status = 'modifying';
  emitChange(w, 'elasticache-global-datastore', g.id, { to: 'modifying' });
  w.scheduler.at(w.time.now() + w.time.toClock(DURATIONS.elasticachePromote), () => {
    for (const m of g.members) m.role = m === target ? 'PRIMARY' : 'SECONDARY';
    for (const m of g.members) {
      const group = w.elasticache.groups.get(rkey(m.region, m.group));
      if (group) group.status = 'available';
    }
    g.status = 'available';
    emitChange(w, 'elasticache-global-datastore', g.id, { to: 'available', primary: target.group });
  });
  return shapeDatastore(w, g, true);
}

export function registerElasticache(registry: Registry): void {
  registry
    .on<DescribeGlobalReplicationGroupsCommandInput, DescribeGlobalReplicationGroupsCommandOutput>(
      'elasticache:DescribeGlobalReplicationGroups',
      (input, { world, region }) => {
        const all = input.GlobalReplicationGroupId
          ? [datastore(world, input.GlobalReplicationGroupId)]
          : [...world.elasticache.datastores.values()];
        // Stricter: answered only in a Region where the datastore has a member.
        const seen = all.filter((g) => g.members.some((m) => m.region === region));
        if (input.GlobalReplicationGroupId && seen.length === 0)
          throw fault(
            'GlobalReplicationGroupNotFoundFault',
            `Global Datastore ${input.GlobalReplicationGroupId} not found.`,
          );
        return {
          GlobalReplicationGroups: seen.map((g) => shapeDatastore(world, g, input.ShowMemberInfo === true)),
        };
      },
    )
    .on<DescribeReplicationGroupsCommandInput, DescribeReplicationGroupsCommandOutput>(
      'elasticache:DescribeReplicationGroups',
      (input, { world, region }) => {
        const groups = [...world.elasticache.groups.values()].filter(
          (g) => g.region === region && (!input.ReplicationGroupId || g.id === input.ReplicationGroupId),
        );
        if (input.ReplicationGroupId && groups.length === 0)
          throw fault(
            'ReplicationGroupNotFoundFault',
            `ReplicationGroup ${input.ReplicationGroupId} not found.`,
          );
        return { ReplicationGroups: groups.map((g) => shapeGroup(world, g)) };
      },
    )
    .on<FailoverGlobalReplicationGroupCommandInput, FailoverGlobalReplicationGroupCommandOutput>(
      'elasticache:FailoverGlobalReplicationGroup',
      (input, { world }) => ({ GlobalReplicationGroup: failover(world, input) }),
    );
}

/**
 * GlobalDatastoreReplicationLag (Seconds): for each secondary, on its primary node (dimension CacheClusterId),
 * in its Region; sub-second while replicating, growing while the primary's Region (or the link) is impaired.
 */
export function elasticacheSeries(w: World) {
  const out: {
    namespace: string;
    metricName: string;
    region: string;
    dimensions: Record<string, string>;
    unit: 'Seconds';
    value: (t: number) => number | undefined;
  }[] = [];
  for (const g of w.elasticache.datastores.values()) {
    const primary = g.members.find((m) => m.role === 'PRIMARY');
    if (!primary) continue;
    for (const m of g.members) {
      if (m.role !== 'SECONDARY' || m.status !== 'associated') continue;
      const node = w.elasticache.groups.get(rkey(m.region, m.group))?.nodes[0];
      if (!node) continue;
      out.push({
        namespace: 'AWS/ElastiCache',
        metricName: 'GlobalDatastoreReplicationLag',
        region: m.region,
        dimensions: { CacheClusterId: node },
        unit: 'Seconds',
        value: (t) => {
          if (!regionUp(w, m.region, t)) return undefined;
          const since = impairedSince(w, t, [primary.region, m.region], [g.id, m.group]);
          return since === undefined ? 0.2 + ((t / 7_000) % 1) * 0.3 : 0.2 + w.time.toSim(t - since) / 1000;
        },
      });
    }
  }
  return out;
}
