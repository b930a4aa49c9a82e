import type { Clock } from '../domain/clock.js';
import type { Plan } from '../plan/load.js';
import type { ReadinessService } from '../readiness/service.js';
import { acceptedStandalone, evaluatePreconditions, type Preconditions } from './preconditions.js';
import { type FailoverRequest, kindOf } from './types.js';

/** Approval waits at most this long for a fresh measurement, then refuses (nothing is assumed). */
const MEASURE_TIMEOUT_MS = 60_000;

/**
 * An unplanned failover's measurement gives each call to the service's primary Region (the Region it leaves,
 * presumed impaired) one attempt and this long. Those answers can only become warnings for an unplanned failover
 * (RECOVERY_CHECKS: only the recovery Region and global topology can refuse), while the SDK's retries of a Region
 * in an outage were most of the approval's time (docs/runbook.md, issue 19). A call that does not answer shows as
 * a "could not be measured" warning saying so. Planned switchovers need a healthy primary: every retry.
 */
export const LEAVING_PRIMARY_BUDGET_MS = 2_000;

export interface MeasureDeps {
  /** Fresh readiness for a failover's approval-time preconditions. */
  readonly readiness: Pick<ReadinessService, 'check'>;
  /**
   * A failback's approval-time preconditions: the failback check (reverse replication in place and caught
   * up, the service serving from its recovery Region). Without it failback approvals are refused.
   */
  readonly failbackPreconditions?: (service: string) => Promise<Preconditions>;
  /** The plan in force: what its failover accepts (e.g. a standalone RDS recovery instance). */
  readonly getPlan: () => Plan;
  readonly clock: Clock;
}

/**
 * What is measured just before an approval counts: fresh readiness turned into preconditions (failover), or
 * the failback check (failback). A measurement that fails or takes too long refuses.
 */
export function createMeasure(deps: MeasureDeps) {
  const refuse = (reason: string): Preconditions => ({
    ok: false,
    checkedAt: deps.clock.now(),
    lines: [{ status: 'fail', text: reason }],
  });
  return async (request: FailoverRequest): Promise<Preconditions> => {
    const failback = kindOf(request) === 'failback';
    if (failback && !deps.failbackPreconditions)
      return refuse(
        'The failback check is not available in this deployment, so a failback cannot be approved.',
      );
    try {
      return await Promise.race([
        failback && deps.failbackPreconditions
          ? deps.failbackPreconditions(request.service)
          : deps.readiness
              .check(
                request.service,
                request.mode === 'unplanned'
                  ? { fresh: true, leaving: { budgetMs: LEAVING_PRIMARY_BUDGET_MS } }
                  : { fresh: true },
              )
              .then((readiness) => {
                const service = deps.getPlan().services[request.service];
                return evaluatePreconditions(readiness, request.mode, service && acceptedStandalone(service));
              }),
        new Promise<never>((_, reject) => {
          const timer = setTimeout(() => reject(new Error('no result within 60 s')), MEASURE_TIMEOUT_MS);
          timer.unref();
        }),
      ]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return refuse(
        `${failback ? 'Replication back to the primary Region' : 'Readiness'} could not be measured just now (${reason}).`,
      );
    }
  };
}
