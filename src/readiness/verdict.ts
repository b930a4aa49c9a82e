import type { Check, Verdict } from './types.js';

/**
 * Severity, worst last. `unknown` ranks above `degraded` and below `not_ready`: a service we cannot
 * measure is never summarised as ready, but it is shown apart from one we measured as broken.
 */
const SEVERITY: Record<Verdict, number> = { ready: 0, degraded: 1, unknown: 2, not_ready: 3 };

export function severity(verdict: Verdict): number {
  return SEVERITY[verdict];
}

export function worst(verdicts: Iterable<Verdict>): Verdict {
  let result: Verdict = 'ready';
  for (const v of verdicts) if (SEVERITY[v] > SEVERITY[result]) result = v;
  return result;
}

export function worstOfChecks(checks: readonly Check[]): Verdict {
  if (checks.length === 0) return 'unknown';
  return worst(checks.map((c) => c.verdict));
}

/** Would a failover be expected to work now? Only measured verdicts count: unknown is "no". */
export function canFailOver(verdict: Verdict): boolean {
  return verdict === 'ready' || verdict === 'degraded';
}

/**
 * A lag or age beyond this multiple of its target is treated as stalled replication (not_ready)
 * rather than a missed objective (degraded).
 */
export const STALL_FACTOR = 10;

/** Verdict for a data-freshness figure against its target. */
export function freshnessVerdict(measuredMs: number, targetMs: number): Verdict {
  if (measuredMs <= targetMs) return 'ready';
  return measuredMs > targetMs * STALL_FACTOR ? 'not_ready' : 'degraded';
}
