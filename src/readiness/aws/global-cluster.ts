import type { ResourceKind } from '../../plan/schema.js';
import type { ClusterView, GlobalClusterView } from '../../runbook/executors/global-cluster.js';
import type { Observed } from '../../state/observed.js';
import { text } from '../format.js';
import type { Check, Verdict } from '../types.js';
import { majorVersion, parseArn } from './arn.js';
import { type CheckBase, guard } from './call.js';

/**
 * Readiness rows shared by the global cluster kinds with the RDS global-cluster shape (Aurora, DocumentDB): the
 * plan's primary writes and the recovery cluster is a member in sync; the recovery cluster is available, has
 * instances and runs the primary's engine version.
 */
export interface GlobalClusterResource {
  readonly id: string;
  readonly kind: ResourceKind;
  readonly globalClusterIdentifier: string;
  readonly primaryClusterArn: string;
  readonly recoveryClusterArn: string;
}

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

export function base(resource: GlobalClusterResource, name: string, freshness = false): CheckBase {
  return { resourceId: resource.id, kind: resource.kind, name, ...(freshness ? { freshness } : {}) };
}

/** Where the global cluster is written: the plan's primary or recovery cluster (else nothing to say). */
export function writerSide(
  resource: GlobalClusterResource,
  global: GlobalClusterView | undefined,
): Observed | undefined {
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

export function membership(resource: GlobalClusterResource, global: GlobalClusterView | undefined): Check {
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

export function recoveryCluster(
  resource: GlobalClusterResource,
  cluster: ClusterView | undefined,
  global: GlobalClusterView | undefined,
  engine = 'Aurora',
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
      reason: `${id}: recovery cluster runs engine ${version}, the primary ${primaryVersion}${major ? ' (another major version)' : ''}: ${engine} refuses a switchover or failover until the versions match`,
    };
  }
  if ((cluster.DBClusterMembers ?? []).length === 0) {
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('no instances'),
      target: text('at least one DB instance'),
      reason: `${id}: recovery cluster ${name} has no DB instances (headless): ${engine} refuses a switchover or failover to it; add a DB instance`,
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

/**
 * The global cluster and recovery cluster rows from the two describe calls (already started, so they run
 * together); each is awaited inside its own guard, so one failing read marks only its row unknown.
 */
export function globalClusterRows(
  resource: GlobalClusterResource,
  reads: {
    readonly global: Promise<GlobalClusterView | undefined>;
    readonly cluster: Promise<ClusterView | undefined>;
  },
  engine?: string,
): Promise<Check[]>[] {
  // Both promises are awaited inside guards; avoid unhandled rejections while the other one runs.
  reads.global.catch(() => undefined);
  reads.cluster.catch(() => undefined);
  return [
    guard(
      base(resource, 'global cluster'),
      `global cluster ${resource.globalClusterIdentifier}`,
      async () => {
        const global = await reads.global;
        const seen = writerSide(resource, global);
        return { ...membership(resource, global), ...(seen ? { observed: seen } : {}) };
      },
    ),
    guard(
      base(resource, 'recovery cluster'),
      `recovery cluster ${parseArn(resource.recoveryClusterArn).resourceName}`,
      async () =>
        recoveryCluster(resource, await reads.cluster, await reads.global.catch(() => undefined), engine),
    ),
  ];
}
