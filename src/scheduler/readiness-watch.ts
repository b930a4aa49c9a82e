import { readinessChangeMessage } from '../../blocks/scheduler/readiness-change.js';
import type { AuditLog, JsonObject } from '../audit/types.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { ServiceReadiness } from '../readiness/engine.js';
import type { ReadinessService } from '../readiness/service.js';
import type { Verdict } from '../readiness/types.js';
import { severity } from '../readiness/verdict.js';
import type { Poster, StateStore } from './types.js';

/** The verdict last reported for a service (what "changed" is measured against). */
export interface WatchState {
  readonly verdict: Verdict;
  readonly since: number;
  /** Consecutive runs that measured `unknown` while `verdict` is still something else. */
  readonly unknownStreak: number;
  readonly checkedAt: number;
}

/** A single failed measurement (a throttled call, a timeout) is not news: `unknown` must persist this many runs. */
export const UNKNOWN_RUNS_BEFORE_REPORT = 2;

export interface ReadinessWatchDeps {
  readonly readiness: Pick<ReadinessService, 'check'>;
  readonly getPlan: () => Plan;
  readonly state: StateStore<WatchState>;
  readonly post: Poster;
  readonly audit: Pick<AuditLog, 'append'>;
  readonly logger: Logger;
}

export type Transition = 'regressed' | 'recovered' | 'baseline' | 'unchanged' | 'pending';

/** Pure: what a new verdict means against the state last reported. */
export function decide(
  previous: WatchState | undefined,
  result: Pick<ServiceReadiness, 'verdict' | 'checkedAt'>,
): { readonly transition: Transition; readonly next: WatchState } {
  const at = result.checkedAt;
  if (!previous)
    return {
      transition: 'baseline',
      next: { verdict: result.verdict, since: at, unknownStreak: 0, checkedAt: at },
    };
  if (result.verdict === previous.verdict)
    return { transition: 'unchanged', next: { ...previous, unknownStreak: 0, checkedAt: at } };
  if (result.verdict === 'unknown' && previous.unknownStreak + 1 < UNKNOWN_RUNS_BEFORE_REPORT) {
    return {
      transition: 'pending',
      next: { ...previous, unknownStreak: previous.unknownStreak + 1, checkedAt: at },
    };
  }
  const transition = severity(result.verdict) > severity(previous.verdict) ? 'regressed' : 'recovered';
  return { transition, next: { verdict: result.verdict, since: at, unknownStreak: 0, checkedAt: at } };
}

/**
 * The scheduled readiness check: measures every service afresh and posts to the service's channel
 * only when its verdict regressed or recovered since the verdict last reported, which is kept in
 * DynamoDB so that any replica's run compares against the same baseline. The first run per service
 * only records a baseline. Each transition is audited (`readiness.regressed` / `readiness.recovered`).
 */
export async function runReadinessWatch(deps: ReadinessWatchDeps): Promise<JsonObject> {
  const plan = deps.getPlan();
  const changes: JsonObject = {};
  const failures: string[] = [];
  for (const [name, service] of Object.entries(plan.services)) {
    try {
      const result = await deps.readiness.check(name, { fresh: true });
      const previous = await deps.state.get(name);
      const { transition, next } = decide(previous, result);
      if (transition === 'regressed' || transition === 'recovered') {
        // Audit and post before the new baseline is stored: if posting fails, the next run reports again.
        const from = previous?.verdict ?? 'unknown';
        changes[name] = `${from}->${result.verdict}`;
        await deps.audit.append({
          type: transition === 'regressed' ? 'readiness.regressed' : 'readiness.recovered',
          actor: 'lifeboat',
          service: name,
          channel: service.channel,
          details: {
            from,
            to: result.verdict,
            rpoMs: result.rpo.estimate.ms ?? null,
            rtoMs: result.rto.estimate.ms,
          },
        });
        await deps.post({
          channel: service.channel,
          ...readinessChangeMessage({ direction: transition, from, result }),
        });
      }
      if (!(await deps.state.put(name, previous?.version ?? 0, next)))
        deps.logger.warn({ service: name }, 'readiness state changed under us');
    } catch (error) {
      deps.logger.error({ err: error, service: name }, 'scheduled readiness check failed for a service');
      failures.push(name);
    }
  }
  if (failures.length > 0) throw new Error(`readiness check failed for ${failures.join(', ')}`);
  return { changes };
}
