import type { ServiceReadiness } from '../../src/readiness/engine.js';
import { formatDuration, formatMeasure, utcText } from '../../src/readiness/format.js';
import type { Check, Verdict } from '../../src/readiness/types.js';
import { escapeText } from '../escape.js';
import { simulatedDrillTimings } from '../simulated.js';

export const VERDICT_EMOJI: Record<Verdict, string> = {
  ready: ':large_green_circle:',
  degraded: ':large_yellow_circle:',
  unknown: ':white_circle:',
  not_ready: ':red_circle:',
};

export const VERDICT_LABEL: Record<Verdict, string> = {
  ready: 'Ready',
  degraded: 'Degraded',
  unknown: 'Unknown',
  not_ready: 'Not ready',
};

export { utcText };

/**
 * The one time style of every card: Slack's date token, shown in each reader's own time zone, with the
 * UTC text as the fallback for clients that cannot render it.
 */
export function slackDate(epochMs: number): string {
  return `<!date^${Math.floor(epochMs / 1_000)}^{date_short_pretty} at {time_secs}|${utcText(epochMs)}>`;
}

/** "RPO ≈ 84.2 s / target 60 s" with a marker when missed or incomplete. */
export function rpoLine(result: ServiceReadiness): string {
  const { estimate, targetMs, verdict } = result.rpo;
  const figure = estimate.ms === undefined ? 'not measured' : `≈ ${formatDuration(estimate.ms)}`;
  const incomplete =
    estimate.ms !== undefined && !estimate.complete ? ' (incomplete: some lag not measured)' : '';
  return `${VERDICT_EMOJI[verdict]} RPO ${figure} / target ${formatDuration(targetMs)}${incomplete}`;
}

export function rtoLine(result: ServiceReadiness): string {
  const { estimate, targetMs, verdict } = result.rto;
  const measured =
    estimate.measuredSteps > 0
      ? `, ${estimate.measuredSteps} step(s) from drills${simulatedDrillTimings(estimate.timeNote)}`
      : '';
  return `${VERDICT_EMOJI[verdict]} RTO ≈ ${formatDuration(estimate.ms)} / target ${formatDuration(targetMs)}${measured}`;
}

/** Failure kinds a check that could not measure carries as its "measured" text (src/readiness/aws/call.ts). */
const COULD_NOT_MEASURE = new Set(['access denied', 'throttled', 'timeout', 'network', 'other']);

/**
 * "replication lag: 84.2 s (target 60 s)", "replica: ACTIVE (expected ACTIVE)" (escaped): every value labelled.
 * A check that could not measure says *unknown*, the word the legend uses, with why when known.
 */
export function checkFigure(check: Check): string {
  const raw = check.measured ? formatMeasure(check.measured) : undefined;
  const measured =
    check.verdict === 'unknown' && (raw === undefined || COULD_NOT_MEASURE.has(raw))
      ? `unknown${raw && raw !== 'other' ? ` (${raw})` : ''}`
      : (raw ?? 'not measured');
  const numeric = check.target !== undefined && !('text' in check.target);
  const target = check.target ? ` (${numeric ? 'target' : 'expected'} ${formatMeasure(check.target)})` : '';
  const tag = check.source === 'canary' || check.source === 'metric' ? check.source : undefined;
  const source = tag && !check.name.includes(tag) ? ` (${tag})` : '';
  return escapeText(`${check.name}${source}: ${measured}${target}`);
}

/** The first check with the service's verdict: the reason to show on a one-line card. */
export function worstReason(result: ServiceReadiness): string | undefined {
  if (result.verdict === 'ready') return undefined;
  const check = result.checks.find((c) => c.verdict === result.verdict);
  if (check) return check.reason;
  if (result.rto.verdict === result.verdict) {
    return `estimated RTO ${formatDuration(result.rto.estimate.ms)} exceeds target ${formatDuration(result.rto.targetMs)}`;
  }
  return undefined;
}
