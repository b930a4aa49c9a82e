import type { RunbookEntry, Step } from '../plan/schema.js';
import type { Check, NamedService } from './types.js';

/** Measured durations of runbook steps from past drills or failovers (supplied by a later issue). */
export interface StepDurations {
  /** Latest measured duration of the step in ms, or undefined if it never ran. */
  latest(service: string, stepId: string): number | undefined;
  /** Set when the service's measured durations are not wall-clock time, e.g. "simulated AWS at 60x" (the sandbox). */
  timeNote?(service: string): string | undefined;
}

export const noStepDurations: StepDurations = { latest: () => undefined };

export type EstimateSource = 'measured' | 'estimate' | 'default';

export interface StepEstimate {
  readonly stepId: string;
  readonly ms: number;
  readonly source: EstimateSource;
}

export interface RtoEstimate {
  readonly ms: number;
  /** The steps on the critical path: each sequential step, and the slowest step of each parallel group. */
  readonly path: readonly StepEstimate[];
  /** How many path steps use a measured drill duration. */
  readonly measuredSteps: number;
  /** The measured durations' note when they are not wall-clock time (the sandbox); absent without measured steps. */
  readonly timeNote?: string;
}

export interface RpoEstimate {
  /** Worst data-freshness figure across the service's checks; undefined when none could be measured. */
  readonly ms: number | undefined;
  /** False when at least one freshness check could not measure (the true RPO may be worse). */
  readonly complete: boolean;
  /** The check behind the worst figure. */
  readonly worst?: { readonly resourceId: string; readonly name: string };
}

export function estimateStep(
  service: string,
  step: Step,
  stepEstimate: number,
  durations: StepDurations,
): StepEstimate {
  const measured = durations.latest(service, step.id);
  if (measured !== undefined && Number.isFinite(measured) && measured >= 0) {
    return { stepId: step.id, ms: measured, source: 'measured' };
  }
  if (step.estimate !== undefined) return { stepId: step.id, ms: step.estimate, source: 'estimate' };
  // A wait step takes its own duration unless told otherwise.
  if (step.kind === 'wait') return { stepId: step.id, ms: step.duration, source: 'estimate' };
  return { stepId: step.id, ms: stepEstimate, source: 'default' };
}

/** Critical path of a runbook: sequential entries add up; a parallel group counts its slowest step. */
export function estimateRunbook(
  service: string,
  entries: readonly RunbookEntry[],
  stepEstimate: number,
  durations: StepDurations = noStepDurations,
): RtoEstimate {
  const path: StepEstimate[] = [];
  for (const entry of entries) {
    if ('parallel' in entry) {
      const estimates = entry.parallel.map((s) => estimateStep(service, s, stepEstimate, durations));
      const slowest = estimates.reduce((a, b) => (b.ms > a.ms ? b : a));
      path.push(slowest);
    } else {
      path.push(estimateStep(service, entry, stepEstimate, durations));
    }
  }
  const measuredSteps = path.filter((s) => s.source === 'measured').length;
  const timeNote = measuredSteps > 0 ? durations.timeNote?.(service) : undefined;
  return {
    ms: path.reduce((sum, s) => sum + s.ms, 0),
    path,
    measuredSteps,
    ...(timeNote ? { timeNote } : {}),
  };
}

export function estimateRto(
  service: NamedService,
  stepEstimate: number,
  durations: StepDurations = noStepDurations,
): RtoEstimate {
  return estimateRunbook(service.name, service.runbook.failover, stepEstimate, durations);
}

/** Estimated RPO: the worst data-freshness measurement among the checks. */
export function estimateRpo(checks: readonly Check[]): RpoEstimate {
  let worstCheck: Check | undefined;
  let complete = true;
  for (const check of checks) {
    if (!check.freshness) continue;
    if (check.dataLossMs === undefined) {
      complete = false;
      continue;
    }
    if (worstCheck?.dataLossMs === undefined || check.dataLossMs > worstCheck.dataLossMs) worstCheck = check;
  }
  if (!worstCheck) return { ms: undefined, complete: false };
  return {
    ms: worstCheck.dataLossMs,
    complete,
    worst: { resourceId: worstCheck.resourceId, name: worstCheck.name },
  };
}
