import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  type GlobalCluster,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import type { ResourceOf, Step } from '../../plan/schema.js';
import type { PlannedCall, Precondition } from '../types.js';
import type { Observation, StepContext, StepExecutor } from './types.js';

type AuroraStep = Extract<Step, { kind: 'aurora-global' }>;
type Ctx = StepContext<AuroraStep>;

const regionOfArn = (arn: string | undefined) => arn?.split(':')[3];

function clusters(ctx: Ctx) {
  const r = ctx.resource as ResourceOf<'aurora-global-cluster'>;
  const failover = ctx.kind === 'failover';
  return {
    id: r.globalClusterIdentifier,
    target: failover ? r.recoveryClusterArn : r.primaryClusterArn,
    source: failover ? r.primaryClusterArn : r.recoveryClusterArn,
  };
}

/** Planned: SwitchoverGlobalCluster (RPO 0, needs the primary healthy). Unplanned: FailoverGlobalCluster with AllowDataLoss. */
function command(ctx: Ctx) {
  const { id, target } = clusters(ctx);
  return ctx.mode === 'planned'
    ? {
        name: 'SwitchoverGlobalCluster',
        input: { GlobalClusterIdentifier: id, TargetDbClusterIdentifier: target },
      }
    : {
        name: 'FailoverGlobalCluster',
        input: { GlobalClusterIdentifier: id, TargetDbClusterIdentifier: target, AllowDataLoss: true },
      };
}

function judge(ctx: Ctx, g: GlobalCluster | undefined): Observation {
  const { id, target } = clusters(ctx);
  if (!g) return { state: 'failed', summary: `global cluster ${id} not found` };
  const members = g.GlobalClusterMembers ?? [];
  const writer = members.find((m) => m.IsWriter);
  const unsynced = members.filter(
    (m) => !m.IsWriter && m.SynchronizationStatus && m.SynchronizationStatus !== 'connected',
  );
  const facts = {
    status: g.Status ?? null,
    writerRegion: regionOfArn(writer?.DBClusterArn) ?? null,
    failoverState: g.FailoverState?.Status ?? null,
  };
  const where = `global cluster ${g.Status ?? 'unknown'}, writer in ${facts.writerRegion ?? 'no Region'}`;
  const preconditions = [
    { name: 'global cluster available', ok: g.Status === 'available', observed: where },
    ...(ctx.mode === 'planned'
      ? [
          {
            name: 'all secondaries synchronized (switchover needs RPO 0)',
            ok: unsynced.length === 0,
            observed:
              unsynced.length === 0
                ? 'all connected'
                : unsynced.map((m) => `${m.DBClusterArn}: ${m.SynchronizationStatus}`).join(', '),
          },
        ]
      : []),
  ];
  if (g.Status === 'available' && writer?.DBClusterArn === target)
    return { state: 'done', summary: `writer is ${target} (${where})`, facts, preconditions };
  if (g.FailoverState?.ToDbClusterArn === target || /failing-over|switching-over/.test(g.Status ?? ''))
    return {
      state: 'in-progress',
      summary: `moving the writer to ${target} (${where})`,
      facts,
      preconditions,
    };
  if (g.Status !== 'available')
    return {
      state: 'blocked',
      summary: `waiting for the global cluster to be available (${where})`,
      facts,
      preconditions,
    };
  return { state: 'not-started', summary: where, facts, preconditions };
}

/**
 * The target cluster, described in its own Region: Aurora refuses a switchover or failover to a cluster whose
 * engine version differs from the primary's (the global cluster reports the primary's) or that has no DB
 * instance. Either is a failed precondition: no point calling AWS, a person must fix it first.
 */
async function targetReady(ctx: Ctx, g: GlobalCluster | undefined): Promise<Precondition[]> {
  const { target } = clusters(ctx);
  const rds = ctx.clients.forRegion(regionOfArn(target) ?? ctx.targetRegion).rds;
  const out = await ctx.aws.call('rds:DescribeDBClusters', (abortSignal) =>
    rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: target }), { abortSignal }),
  );
  const cluster = out?.DBClusters?.[0];
  if (!cluster) return [{ name: 'target cluster exists', ok: false, observed: `${target} not found` }];
  const primaryVersion = g?.EngineVersion;
  const version = cluster.EngineVersion;
  const members = cluster.DBClusterMembers ?? [];
  return [
    {
      name: 'target cluster runs the primary engine version',
      ok: !primaryVersion || !version || primaryVersion === version,
      observed: `target ${version ?? 'unknown'}, primary ${primaryVersion ?? 'unknown'}`,
    },
    {
      name: 'target cluster has a DB instance',
      ok: members.length > 0,
      observed: members.length > 0 ? `${members.length} instance(s)` : 'no DB instances (headless)',
    },
  ];
}

/** A switchover needs the current primary healthy: describe it in its own Region (never fatal). */
async function primaryReachable(ctx: Ctx) {
  const { source } = clusters(ctx);
  const name = 'primary cluster reachable (a switchover needs it)';
  try {
    const rds = ctx.clients.forRegion(ctx.sourceRegion).rds;
    const out = await ctx.aws.call('rds:DescribeDBClusters', (abortSignal) =>
      rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: source }), { abortSignal }),
    );
    const status = out?.DBClusters?.[0]?.Status ?? 'missing';
    return { name, ok: status === 'available', observed: `${source} is ${status}` };
  } catch (error) {
    return {
      name,
      ok: false,
      observed: `${source}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

export const auroraExecutor: StepExecutor<AuroraStep> = {
  defaultTimeoutMs: 30 * 60_000,
  describe(ctx) {
    const { id, target } = clusters(ctx);
    return ctx.mode === 'planned'
      ? `Switch over Aurora global cluster ${id} to ${target} (planned, no data loss)`
      : `Fail over Aurora global cluster ${id} to ${target} (AllowDataLoss: writes not yet replicated are lost)`;
  },
  irreversible: (ctx) => ctx.mode === 'unplanned',
  async observe(ctx) {
    const { id } = clusters(ctx);
    const rds = ctx.clients.forRegion(ctx.targetRegion).rds;
    const out = await ctx.aws.call('rds:DescribeGlobalClusters', (abortSignal) =>
      rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: id }), { abortSignal }),
    );
    const global = out.GlobalClusters?.[0];
    const judged = judge(ctx, global);
    if (judged.state !== 'not-started') return judged;
    const target = await targetReady(ctx, global);
    const refused = target.filter((p) => !p.ok);
    if (refused.length > 0)
      return {
        ...judged,
        state: 'failed',
        summary: `Aurora would refuse the move: ${refused.map((p) => `${p.name} (${p.observed})`).join('; ')}`,
        preconditions: [...(judged.preconditions ?? []), ...target],
      };
    const preconditions = [...(judged.preconditions ?? []), ...target];
    if (ctx.mode !== 'planned') return { ...judged, preconditions };
    return { ...judged, preconditions: [...preconditions, await primaryReachable(ctx)] };
  },
  calls(ctx) {
    const { name, input } = command(ctx);
    return [{ client: 'rds', command: name, region: ctx.targetRegion, input } satisfies PlannedCall];
  },
  async start(ctx) {
    const { name, input } = command(ctx);
    const rds = ctx.clients.forRegion(ctx.targetRegion).rds;
    const out = await ctx.aws.call(`rds:${name}`, (abortSignal) =>
      name === 'SwitchoverGlobalCluster'
        ? rds.send(new SwitchoverGlobalClusterCommand(input), { abortSignal })
        : rds.send(new FailoverGlobalClusterCommand(input), { abortSignal }),
    );
    return { calledStatus: out?.GlobalCluster?.Status ?? null };
  },
};
