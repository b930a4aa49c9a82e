import { formatDuration, ms } from '../format.js';
import type { Check } from '../types.js';
import { freshnessVerdict } from '../verdict.js';
import type { CheckBase } from './call.js';

/** A data-freshness check: measured lag or age against a target, with the one-line reason. */
export function freshnessCheck(
  base: CheckBase,
  label: string,
  measuredMs: number,
  targetMs: number,
  targetLabel: string,
  source: Check['source'],
  countsTowardsRpo = true,
): Check {
  const verdict = freshnessVerdict(measuredMs, targetMs);
  const relation = verdict === 'ready' ? 'within' : 'exceeds';
  return {
    ...base,
    verdict,
    measured: ms(measuredMs),
    target: ms(targetMs),
    ...(countsTowardsRpo ? { freshness: true, dataLossMs: measuredMs } : {}),
    ...(source ? { source } : {}),
    reason: `${base.resourceId}: ${label} ${formatDuration(measuredMs)} ${relation} ${targetLabel} ${formatDuration(targetMs)}`,
  };
}
