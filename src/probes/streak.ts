import type { ProbeOutcome, ProbeState } from './types.js';

export type ProbeAction = 'open' | 'resolve' | 'none';

/**
 * Pure: the next state of a probe after one outcome. `threshold` consecutive failures open an
 * incident (once); the first success afterwards resolves it. Inconclusive outcomes change nothing
 * but the last-seen fields.
 */
export function nextProbeState(
  previous: ProbeState | undefined,
  outcome: ProbeOutcome,
  threshold: number,
  now: number,
): { readonly next: ProbeState; readonly action: ProbeAction } {
  const base: ProbeState = previous ?? {
    failures: 0,
    open: false,
    lastOk: true,
    lastDetail: '',
    lastCheckedAtMs: now,
  };
  const seen = { lastDetail: outcome.detail, lastCheckedAtMs: now };
  if (outcome.inconclusive) return { next: { ...base, ...seen }, action: 'none' };
  if (outcome.ok) {
    const { firstFailedAtMs: _first, incidentId: _incident, ...rest } = base;
    return {
      next: { ...rest, ...seen, failures: 0, open: false, lastOk: true },
      action: base.open ? 'resolve' : 'none',
    };
  }
  const failures = base.failures + 1;
  const firstFailedAtMs = base.failures === 0 ? now : (base.firstFailedAtMs ?? now);
  const opens = !base.open && failures >= threshold;
  return {
    next: { ...base, ...seen, failures, firstFailedAtMs, lastOk: false, open: base.open || opens },
    action: opens ? 'open' : 'none',
  };
}
