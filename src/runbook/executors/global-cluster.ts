import type { Precondition } from '../types.js';
import type { Observation, StepContext, StepExecutor } from './types.js';

/**
 * Global database clusters with one writer and the RDS global-cluster API shape: Aurora (RDS client) and
 * Amazon DocumentDB (DocDB client) both switch over with SwitchoverGlobalCluster (planned, RPO 0) and fail over
 * with FailoverGlobalCluster AllowDataLoss (unplanned). One executor logic for both; each kind gives its client.
 */

/** The fields both SDKs' GlobalCluster shapes share (and that the logic reads). */
export interface GlobalClusterView {
  readonly Status?: string | undefined;
  readonly EngineVersion?: string | undefined;
  readonly GlobalClusterMembers?:
    | readonly {
        readonly DBClusterArn?: string | undefined;
        readonly IsWriter?: boolean | undefined;
        readonly SynchronizationStatus?: string | undefined;
      }[]
    | undefined;
  readonly FailoverState?:
    | { readonly Status?: string | undefined; readonly ToDbClusterArn?: string | undefined }
    | undefined;
}

export interface ClusterView {
  readonly Status?: string | undefined;
  readonly EngineVersion?: string | undefined;
  readonly DBClusterMembers?: readonly unknown[] | undefined;
}

export interface GlobalMoveInput {
  readonly GlobalClusterIdentifier: string;
  readonly TargetDbClusterIdentifier: string;
  readonly AllowDataLoss?: boolean;
}

/** One engine's calls, in a Region (each through `ctx.aws.call` with its IAM action). */
export interface GlobalClusterApi {
  describeGlobal(id: string): Promise<GlobalClusterView | undefined>;
  describeCluster(arn: string): Promise<ClusterView | undefined>;
  move(name: 'SwitchoverGlobalCluster' | 'FailoverGlobalCluster', input: GlobalMoveInput): Promise<unknown>;
}

export interface GlobalClusterSpec<S extends StepContext['step']> {
  /** "Aurora", "DocumentDB": the words people read. */
  readonly engine: string;
  /** The SDK client name shown in dry runs (`rds`, `docdb`). */
  readonly client: string;
  readonly clusters: (ctx: StepContext<S>) => { id: string; target: string; source: string };
  readonly api: (ctx: StepContext<S>, region: string) => GlobalClusterApi;
}

export const regionOfArn = (arn: string | undefined) => arn?.split(':')[3];

/** Planned: SwitchoverGlobalCluster (RPO 0, needs the primary healthy). Unplanned: FailoverGlobalCluster with AllowDataLoss. */
function command(mode: string, id: string, target: string) {
  return mode === 'planned'
    ? {
        name: 'SwitchoverGlobalCluster' as const,
        input: { GlobalClusterIdentifier: id, TargetDbClusterIdentifier: target },
      }
    : {
        name: 'FailoverGlobalCluster' as const,
        input: { GlobalClusterIdentifier: id, TargetDbClusterIdentifier: target, AllowDataLoss: true },
      };
}

function judge(mode: string, id: string, target: string, g: GlobalClusterView | undefined): Observation {
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
    ...(mode === 'planned'
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
 * The target cluster, described in its own Region: the engine refuses a switchover or failover to a cluster
 * whose engine version differs from the primary's (the global cluster reports the primary's) or that has no
 * instance. Either is a failed precondition: no point calling AWS, a person must fix it first.
 */
async function targetReady(api: GlobalClusterApi, target: string, g: GlobalClusterView | undefined) {
  const cluster = await api.describeCluster(target);
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
  ] satisfies Precondition[];
}

/** A switchover needs the current primary healthy: describe it in its own Region (never fatal). */
async function primaryReachable(api: GlobalClusterApi, source: string): Promise<Precondition> {
  const name = 'primary cluster reachable (a switchover needs it)';
  try {
    const status = (await api.describeCluster(source))?.Status ?? 'missing';
    return { name, ok: status === 'available', observed: `${source} is ${status}` };
  } catch (error) {
    return {
      name,
      ok: false,
      observed: `${source}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** The step executor of a global cluster kind (Aurora, DocumentDB). */
export function globalClusterExecutor<S extends StepContext['step']>(
  spec: GlobalClusterSpec<S>,
): StepExecutor<S> {
  return {
    defaultTimeoutMs: 30 * 60_000,
    describe(ctx) {
      const { id, target } = spec.clusters(ctx);
      return ctx.mode === 'planned'
        ? `Switch over ${spec.engine} global cluster ${id} to ${target} (planned, no data loss)`
        : `Fail over ${spec.engine} global cluster ${id} to ${target} (AllowDataLoss: writes not yet replicated are lost)`;
    },
    irreversible: (ctx) => ctx.mode === 'unplanned',
    async observe(ctx) {
      const { id, target, source } = spec.clusters(ctx);
      const global = await spec.api(ctx, ctx.targetRegion).describeGlobal(id);
      const judged = judge(ctx.mode, id, target, global);
      if (judged.state !== 'not-started') return judged;
      const ready = await targetReady(spec.api(ctx, regionOfArn(target) ?? ctx.targetRegion), target, global);
      const preconditions = [...(judged.preconditions ?? []), ...ready];
      const refused = ready.filter((p) => !p.ok);
      if (refused.length > 0)
        return {
          ...judged,
          state: 'failed',
          summary: `${spec.engine} would refuse the move: ${refused.map((p) => `${p.name} (${p.observed})`).join('; ')}`,
          preconditions,
        };
      if (ctx.mode !== 'planned') return { ...judged, preconditions };
      const primary = await primaryReachable(spec.api(ctx, ctx.sourceRegion), source);
      return { ...judged, preconditions: [...preconditions, primary] };
    },
    calls(ctx) {
      const { id, target } = spec.clusters(ctx);
      const { name, input } = command(ctx.mode, id, target);
      return [{ client: spec.client, command: name, region: ctx.targetRegion, input }];
    },
    async start(ctx) {
      const { id, target } = spec.clusters(ctx);
      const { name, input } = command(ctx.mode, id, target);
      const out = (await spec.api(ctx, ctx.targetRegion).move(name, input)) as
        | { GlobalCluster?: { Status?: string } }
        | undefined;
      return { calledStatus: out?.GlobalCluster?.Status ?? null };
    },
  };
}
