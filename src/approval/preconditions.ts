import type { ServiceReadiness } from '../readiness/engine.js';
import { formatDuration } from '../readiness/format.js';
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
]);

/**
 * Approval-time preconditions from a fresh readiness result.
 * - Planned switchover needs a healthy primary: any check that is not ready or not measured refuses it.
 * - Unplanned failover goes ahead during an outage, when the primary cannot be measured; it is refused only
 *   when something it needs in the recovery Region is not ready (RECOVERY_CHECKS). Stale data, stopped
 *   replication and unmeasured checks are shown as warnings.
 */
export function evaluatePreconditions(readiness: ServiceReadiness, mode: FailoverMode): Preconditions {
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
  const warnings: string[] = [];
  for (const check of readiness.checks) {
    if (check.verdict === 'ready' || check.verdict === 'degraded') continue;
    const blocks = mode === 'planned' || (check.verdict === 'not_ready' && RECOVERY_CHECKS.has(check.name));
    (blocks ? blocking : warnings).push(check.reason);
  }
  for (const reason of blocking.slice(0, MAX_LINES)) lines.push({ status: 'fail', text: reason });
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
