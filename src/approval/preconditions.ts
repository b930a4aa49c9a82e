import type { Service } from '../plan/schema.js';
import { REPLICA_SOURCE_CHECK, STANDALONE } from '../readiness/aws/rds.js';
import type { ServiceReadiness } from '../readiness/engine.js';
import { formatDuration } from '../readiness/format.js';
import type { Check } from '../readiness/types.js';
import type { FailoverMode } from './types.js';

export type PreconditionStatus = 'pass' | 'warn' | 'fail';

export interface PreconditionLine {
  readonly status: PreconditionStatus;
  readonly text: string;
}

/** What was measured just before approval, and whether approval may proceed. */
export interface Preconditions {
  readonly ok: boolean;
  readonly checkedAt: number;
  /** Measured data-loss estimate (replication lag), when measured. */
  readonly lagMs?: number;
  readonly lines: readonly PreconditionLine[];
}

const MAX_LINES = 8;

/**
 * Checks about what an unplanned failover needs in the recovery Region (or the global topology it acts on).
 * Other not-ready checks (stopped replication, unreachable primary) are what an outage looks like and must
 * not stand in the way of the failover that answers it; they are shown as warnings.
 */
export const RECOVERY_CHECKS: ReadonlySet<string> = new Set([
  'global cluster',
  'recovery cluster',
  'capacity',
  'AMI copy',
  'snapshot copy',
  'recovery health check',
  'failover records',
  // The RDS recovery instance is not a read replica of the primary: promoting it serves stale data.
  REPLICA_SOURCE_CHECK,
]);

/**
 * RDS resources whose failover step accepts a recovery instance that is already standalone
 * (`acceptStandalone: true` on its `rds-promote-replica` step in `runbook.failover`), with that step's id.
 */
export function acceptedStandalone(service: Service): ReadonlyMap<string, string> {
  return new Map(
    service.runbook.failover
      .flatMap((entry) => ('parallel' in entry ? entry.parallel : [entry]))
      .flatMap((s) =>
        s.kind === 'rds-promote-replica' && s.acceptStandalone ? [[s.resource, s.id] as const] : [],
      ),
  );
}

/** What a failover request's card tells every approver before they approve, from the plan in force. */
export function acceptanceNotes(service: Service): string[] {
  return [...acceptedStandalone(service)].flatMap(([resourceId, stepId]) => {
    const r = service.resources.find((x) => x.id === resourceId);
    return r?.kind === 'rds-instance'
      ? [
          `The plan accepts a standalone recovery instance for ${r.id} (acceptStandalone on step ${stepId}): if ${r.replicaInstance} is no longer a read replica of ${r.primaryInstance}, this failover serves it as it is, without the writes it missed.`,
        ]
      : [];
  });
}

/** An unplanned failover whose plan accepts this standalone recovery instance: a warning, not a refusal. */
const accepted = (check: Check, mode: FailoverMode, accepts: ReadonlyMap<string, string>) =>
  mode === 'unplanned' &&
  check.name === REPLICA_SOURCE_CHECK &&
  accepts.has(check.resourceId) &&
  check.measured !== undefined &&
  'text' in check.measured &&
  check.measured.text === STANDALONE;

/**
 * Approval-time preconditions from a fresh readiness result.
 * - Planned switchover needs a healthy primary: any check that is not ready or not measured refuses it.
 * - Unplanned failover goes ahead during an outage, when the primary cannot be measured; it is refused only
 *   when something it needs in the recovery Region is not ready (RECOVERY_CHECKS), including an RDS recovery
 *   instance that is not a read replica of the primary, unless the plan accepts it standalone (`accepts`, see
 *   `acceptedStandalone`): then it is a warning naming that acceptance. Stopped replication and unmeasured
 *   checks are shown as warnings.
 */
export function evaluatePreconditions(
  readiness: ServiceReadiness,
  mode: FailoverMode,
  accepts: ReadonlyMap<string, string> = new Map(),
): Preconditions {
  const lines: PreconditionLine[] = [];
  const lagMs = readiness.rpo.estimate.ms;
  const target = formatDuration(readiness.rpo.targetMs);
  if (mode === 'planned') {
    lines.push({
      status: 'pass',
      text:
        lagMs === undefined
          ? 'Replication lag not measured; a planned switchover waits until the recovery Region has caught up (no data loss).'
          : `Replication lag ≈ ${formatDuration(lagMs)}; a planned switchover waits until it has caught up (no data loss).`,
    });
  } else if (lagMs === undefined) {
    lines.push({ status: 'warn', text: 'Replication lag could not be measured: data loss is unknown.' });
  } else {
    lines.push({
      status: lagMs <= readiness.rpo.targetMs ? 'pass' : 'warn',
      text: `Up to ≈ ${formatDuration(lagMs)} of recent writes may be lost (RPO target ${target}).`,
    });
  }

  const blocking: string[] = [];
  const acceptances: string[] = [];
  const warnings: string[] = [];
  for (const check of readiness.checks) {
    if (check.verdict === 'ready' || check.verdict === 'degraded') continue;
    if (accepted(check, mode, accepts)) {
      acceptances.push(
        `Accepted by the plan (acceptStandalone on step ${accepts.get(check.resourceId)}), the failover serves it as it is: ${check.reason}.`,
      );
      continue;
    }
    const blocks = mode === 'planned' || (check.verdict === 'not_ready' && RECOVERY_CHECKS.has(check.name));
    (blocks ? blocking : warnings).push(check.reason);
  }
  for (const reason of blocking.slice(0, MAX_LINES)) lines.push({ status: 'fail', text: reason });
  // Never hidden behind "…and N more": approvers must see what the plan accepts.
  for (const reason of acceptances) lines.push({ status: 'warn', text: reason });
  for (const reason of warnings.slice(0, Math.max(0, MAX_LINES - blocking.length)))
    lines.push({ status: 'warn', text: reason });
  const hidden = blocking.length + warnings.length - Math.min(MAX_LINES, blocking.length + warnings.length);
  if (hidden > 0) lines.push({ status: 'warn', text: `…and ${hidden} more (see /dr status).` });
  if (blocking.length === 0)
    lines.unshift({
      status: 'pass',
      text:
        mode === 'planned'
          ? 'Primary and recovery resources measured healthy just now.'
          : 'Recovery resources available (measured just now).',
    });
  else if (mode === 'planned')
    lines.unshift({
      status: 'fail',
      text: 'A planned switchover needs a healthy primary and every check measured; consider an unplanned failover.',
    });
  return {
    ok: blocking.length === 0,
    checkedAt: readiness.checkedAt,
    ...(lagMs === undefined ? {} : { lagMs }),
    lines,
  };
}
