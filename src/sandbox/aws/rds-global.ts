import type {
  FailoverGlobalClusterCommandInput,
  FailoverGlobalClusterCommandOutput,
  RemoveFromGlobalClusterCommandInput,
  RemoveFromGlobalClusterCommandOutput,
  SwitchoverGlobalClusterCommandInput,
  SwitchoverGlobalClusterCommandOutput,
} from '@aws-sdk/client-rds';
import { DURATIONS } from './durations.js';
import { getCluster } from './rds.js';
import { after, rdsFault as fault, setStatus } from './rds-common.js';
import { globalClusterShape, resolveInstanceRef } from './rds-shapes.js';
import type { Registry } from './registry.js';
import { emitChange, type GlobalMember, type RdsGlobalCluster, regionUp, rkey, type World } from './world.js';

function getGlobal(w: World, id: string | undefined): RdsGlobalCluster {
  const g = id ? w.rds.globals.get(id) : undefined;
  if (!g) throw fault('GlobalClusterNotFoundFault', `Global cluster ${id ?? ''} not found.`);
  return g;
}

function memberClusters(w: World, g: RdsGlobalCluster) {
  return g.members.map((m) => {
    const { region, id } = resolveInstanceRef(m.region, m.clusterArn);
    return { member: m, cluster: w.rds.clusters.get(rkey(region, id)) };
  });
}

/**
 * Aurora User Guide, "Using switchover or failover in an Aurora global database": the target secondary must
 * run the same engine version as the primary and have at least one DB instance (a headless secondary cannot
 * become the writer). The guide gives no error code; the model answers InvalidDBClusterStateFault, one of the
 * two operations' documented errors.
 */
function targetPreconditions(
  w: World,
  g: RdsGlobalCluster,
  target: GlobalMember,
  writer: GlobalMember | undefined,
): void {
  const clusters = memberClusters(w, g);
  const targetCluster = clusters.find((c) => c.member === target)?.cluster;
  if (!targetCluster) return;
  const primaryVersion = clusters.find((c) => c.member === writer)?.cluster?.engineVersion ?? g.engineVersion;
  if (targetCluster.engineVersion !== primaryVersion)
    throw fault(
      'InvalidDBClusterStateFault',
      `The engine version ${targetCluster.engineVersion} of the target DB cluster ${targetCluster.id} doesn't match the primary DB cluster's engine version ${primaryVersion}.`,
    );
  const instances = [...w.rds.instances.values()].filter(
    (i) => i.region === targetCluster.region && i.clusterId === targetCluster.id && i.status !== 'deleting',
  );
  if (instances.length === 0)
    throw fault(
      'InvalidDBClusterStateFault',
      `The target DB cluster ${targetCluster.id} has no DB instances; add a DB instance before switching over or failing over to it.`,
    );
}

/** Planned switchover (RPO 0) or, with data loss allowed, an unplanned failover to `target`. */
function startGlobalMove(
  w: World,
  g: RdsGlobalCluster,
  targetRef: string | undefined,
  allowDataLoss: boolean,
) {
  if (g.status !== 'available')
    throw fault(
      'InvalidGlobalClusterStateFault',
      `Global cluster ${g.id} is in ${g.status} state; it must be available.`,
    );
  const target = g.members.find(
    (m) => m.clusterArn === targetRef || m.clusterArn.endsWith(`:cluster:${targetRef}`),
  );
  if (!target)
    throw fault('DBClusterNotFoundFault', `DBCluster ${targetRef ?? ''} is not a member of ${g.id}.`);
  if (target.isWriter)
    throw fault(
      'InvalidGlobalClusterStateFault',
      `DBCluster ${target.clusterArn} is already the primary cluster of ${g.id}.`,
    );
  if (!regionUp(w, target.region))
    throw fault(
      'InvalidGlobalClusterStateFault',
      `The target DB cluster's Region ${target.region} is unavailable.`,
    );
  const writer = g.members.find((m) => m.isWriter);
  if (!allowDataLoss) {
    if (!writer || !regionUp(w, writer.region))
      throw fault(
        'InvalidGlobalClusterStateFault',
        `The primary DB cluster of ${g.id} is unreachable; a switchover needs a healthy primary. Use FailoverGlobalCluster with AllowDataLoss.`,
      );
    if (g.members.some((m) => m.sync !== 'connected'))
      throw fault('InvalidGlobalClusterStateFault', `Not all members of ${g.id} are synchronized.`);
  }
  targetPreconditions(w, g, target, writer);
  const now = w.time.now();
  const involved = memberClusters(w, g).filter(
    ({ member }) => member === target || (member === writer && regionUp(w, member.region)),
  );
  for (const { cluster } of involved) {
    if (cluster && cluster.status !== 'available')
      throw fault('InvalidDBClusterStateFault', `DBCluster ${cluster.id} is in ${cluster.status} state.`);
  }
  const moving = allowDataLoss ? 'failing-over' : 'switching-over';
  g.failover = {
    status: 'pending',
    from: writer?.clusterArn ?? '',
    to: target.clusterArn,
    allowDataLoss,
    switchover: !allowDataLoss,
  };
  setStatus(w, 'rds-global-cluster', g, moving);
  for (const { cluster } of involved)
    if (cluster) setStatus(w, 'rds-cluster', cluster, allowDataLoss ? 'failing-over' : 'modifying');
  const total = allowDataLoss ? DURATIONS.auroraFailover : DURATIONS.auroraSwitchover;
  after(w, now, total * 0.2, () => {
    if (g.failover) g.failover.status = 'failing-over';
  });
  after(w, now, total, (at) => {
    for (const m of g.members) m.isWriter = m === target;
    if (writer && writer !== target) {
      const lost = allowDataLoss && !regionUp(w, writer.region, at);
      writer.sync = lost || allowDataLoss ? 'pending-resync' : 'connected';
    }
    for (const { member, cluster } of memberClusters(w, g)) {
      if (!cluster) continue;
      for (const i of w.rds.instances.values()) {
        if (i.region === cluster.region && i.clusterId === cluster.id)
          i.isClusterWriter = member.isWriter && i.id.endsWith('-1');
      }
      if (involved.some((x) => x.cluster === cluster)) setStatus(w, 'rds-cluster', cluster, 'available');
    }
    g.failover = undefined;
    setStatus(w, 'rds-global-cluster', g, 'available');
  });
  return globalClusterShape(w, g);
}

/** Members waiting for a resync rejoin once their Region is reachable again. */
export function advanceRds(w: World): void {
  for (const g of w.rds.globals.values()) {
    for (const m of g.members) {
      if (m.sync === 'pending-resync' && g.status === 'available' && regionUp(w, m.region) && !m.resyncing) {
        m.resyncing = true;
        after(w, w.time.now(), DURATIONS.auroraResync, () => {
          m.resyncing = false;
          if (regionUp(w, m.region)) m.sync = 'connected';
          emitChange(w, 'rds-global-member', m.clusterArn, { to: m.sync });
        });
      }
    }
  }
}

export function registerRdsGlobal(registry: Registry): void {
  registry
    .on<SwitchoverGlobalClusterCommandInput, SwitchoverGlobalClusterCommandOutput>(
      'rds:SwitchoverGlobalCluster',
      (input, { world }) => ({
        GlobalCluster: startGlobalMove(
          world,
          getGlobal(world, input.GlobalClusterIdentifier),
          input.TargetDbClusterIdentifier,
          false,
        ),
      }),
    )
    .on<FailoverGlobalClusterCommandInput, FailoverGlobalClusterCommandOutput>(
      'rds:FailoverGlobalCluster',
      (input, { world }) => {
        if (input.AllowDataLoss && input.Switchover)
          throw fault('InvalidParameterCombination', 'AllowDataLoss and Switchover cannot both be true.');
        const g = getGlobal(world, input.GlobalClusterIdentifier);
        return {
          GlobalCluster: startGlobalMove(
            world,
            g,
            input.TargetDbClusterIdentifier,
            input.AllowDataLoss === true,
          ),
        };
      },
    )
    .on<RemoveFromGlobalClusterCommandInput, RemoveFromGlobalClusterCommandOutput>(
      'rds:RemoveFromGlobalCluster',
      (input, { world, region }) => {
        const g = getGlobal(world, input.GlobalClusterIdentifier);
        const ref = input.DbClusterIdentifier ?? '';
        const member = g.members.find(
          (m) => m.clusterArn === ref || m.clusterArn.endsWith(`:cluster:${ref}`),
        );
        if (!member) throw fault('DBClusterNotFoundFault', `DBCluster ${ref} is not a member of ${g.id}.`);
        if (member.isWriter && g.members.length > 1)
          throw fault(
            'InvalidGlobalClusterStateFault',
            `The primary cluster of ${g.id} cannot be removed while it has secondaries.`,
          );
        g.members = g.members.filter((m) => m !== member);
        const cluster = getCluster(world, region, member.clusterArn);
        cluster.globalClusterId = undefined;
        setStatus(world, 'rds-cluster', cluster, 'modifying');
        after(world, world.time.now(), DURATIONS.removeFromGlobal, () => {
          for (const i of world.rds.instances.values())
            if (i.region === cluster.region && i.clusterId === cluster.id)
              i.isClusterWriter = i.id.endsWith('-1');
          setStatus(world, 'rds-cluster', cluster, 'available');
        });
        return { GlobalCluster: globalClusterShape(world, g) };
      },
    );
}
