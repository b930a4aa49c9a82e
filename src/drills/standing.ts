import type { Clock } from '../domain/clock.js';
import type { Plan } from '../plan/load.js';
import { type DrillStatus, drillStatus } from '../scheduler/digest-model.js';
import type { DrillResultRecord, DrillStores } from './store.js';

/** How many stored results are looked through for the last passed drill. */
const LOOKBACK = 50;

/** The latest drill of a service and whether one passed within its drill interval (for `/dr status`). */
export interface DrillStanding {
  readonly service: string;
  /** The latest drill result, passed or not. */
  readonly last?: Pick<
    DrillResultRecord,
    | 'drillId'
    | 'passed'
    | 'rtoMs'
    | 'rpoMs'
    | 'rtoTargetMs'
    | 'rpoTargetMs'
    | 'reasons'
    | 'finishedAtMs'
    | 'timeNote'
  >;
  /** When the latest passed drill was measured. */
  readonly lastPassedAtMs?: number;
  /** The service's `drillInterval`, else `defaults.drillInterval`. */
  readonly intervalMs: number;
  /** When a passed drill is due (the last passed one plus the interval; now when there is none). */
  readonly dueAtMs: number;
  /** ok, due (within the digest's notice period before `dueAtMs`) or overdue: the daily digest's rule. */
  readonly status: DrillStatus;
}

/**
 * The standing of a service's drills from its stored results (newest first). A drill counts for the interval
 * only when it passed, as in the daily digest (`drill.completed` with `passed` not false); without one on
 * record the service is overdue.
 */
export function drillStanding(
  plan: Plan,
  service: string,
  results: readonly DrillResultRecord[],
  now: number,
): DrillStanding {
  const intervalMs = plan.services[service]?.drillInterval ?? plan.defaults.drillInterval;
  const [latest] = results;
  const lastPassedAtMs = results.find((r) => r.passed)?.finishedAtMs;
  const { dueAtMs, status } = drillStatus(lastPassedAtMs, intervalMs, now, now - intervalMs);
  return {
    service,
    ...(latest
      ? {
          last: {
            drillId: latest.drillId,
            passed: latest.passed,
            rtoMs: latest.rtoMs,
            ...(latest.rpoMs !== undefined ? { rpoMs: latest.rpoMs } : {}),
            rtoTargetMs: latest.rtoTargetMs,
            rpoTargetMs: latest.rpoTargetMs,
            reasons: latest.reasons,
            finishedAtMs: latest.finishedAtMs,
            ...(latest.timeNote ? { timeNote: latest.timeNote } : {}),
          },
        }
      : {}),
    ...(lastPassedAtMs !== undefined ? { lastPassedAtMs } : {}),
    intervalMs,
    dueAtMs,
    status,
  };
}

/** `/dr status`'s drill line for a service, read from the drill result records. */
export function createDrillStandings(
  stores: Pick<DrillStores, 'results'>,
  getPlan: () => Plan,
  clock: Clock,
) {
  return async (service: string): Promise<DrillStanding> =>
    drillStanding(getPlan(), service, await stores.results(service, LOOKBACK), clock.now());
}
