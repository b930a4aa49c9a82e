import type { ExecutionRecord, StepRecord } from '../domain/records.js';
import type { MoveInfo, Phase, ResourcePlace, ServiceStateRecord, Side } from './types.js';

/** A runbook step that moves one resource from the source to the target Region. */
export interface MovingStep {
  readonly id: string;
  readonly resource: string;
}

const sideOf = (kind: 'failover' | 'failback', rec: StepRecord | undefined): Side => {
  const target: Side = kind === 'failover' ? 'recovery' : 'primary';
  const source: Side = kind === 'failover' ? 'primary' : 'recovery';
  const state = rec?.state ?? 'pending';
  if (state === 'succeeded') return target;
  if (state === 'pending' || state === 'skipped') return source;
  // intent or failed: the call may have been made; only AWS can say where the resource is.
  return 'between';
};

/** Where each resource the runbook moves is, from its step records: the first step naming it decides. */
export function placesOf(
  execution: ExecutionRecord,
  steps: readonly MovingStep[],
  previous: Readonly<Record<string, ResourcePlace>>,
): Record<string, ResourcePlace> {
  const out: Record<string, ResourcePlace> = { ...previous };
  const seen = new Set<string>();
  const kind = execution.kind === 'failback' ? 'failback' : 'failover';
  for (const step of steps) {
    if (seen.has(step.resource)) continue;
    seen.add(step.resource);
    const rec = execution.steps[step.id];
    const side = sideOf(kind, rec);
    const atMs = rec?.finishedAtMs ?? rec?.startedAtMs;
    out[step.resource] = { side, stepId: step.id, ...(atMs === undefined ? {} : { atMs }) };
  }
  return out;
}

const outcomeOf = (e: ExecutionRecord): MoveInfo['outcome'] | undefined => {
  switch (e.state) {
    case 'approved':
    case 'running':
      return 'in-progress';
    case 'pausedByFailedStep':
      return 'paused';
    case 'completed':
      return 'completed';
    case 'aborted':
      return 'aborted';
    default:
      // pendingApproval, declined, expired: nothing moved, the state is not the request's to change.
      return undefined;
  }
};

/**
 * The phase an execution leaves its service in. A failover or failback in flight is failing over / back; a
 * completed one lands; an aborted one that moved nothing returns to where it started, one that moved some
 * resources stays in the moving phase (a partial failover is a real state: `resources` say which moved).
 */
function phaseOf(
  kind: 'failover' | 'failback',
  outcome: MoveInfo['outcome'],
  places: Readonly<Record<string, ResourcePlace>>,
  steps: readonly MovingStep[],
): Phase {
  const moving: Phase = kind === 'failover' ? 'failing-over' : 'failing-back';
  if (outcome === 'in-progress' || outcome === 'paused') return moving;
  if (outcome === 'completed')
    return kind === 'failover' ? 'running-in-recovery-unprotected' : 'normal-in-primary';
  const source: Side = kind === 'failover' ? 'primary' : 'recovery';
  const touched = steps.some((s) => places[s.resource]?.side !== source);
  if (touched) return moving;
  return kind === 'failover' ? 'normal-in-primary' : 'running-in-recovery-unprotected';
}

/**
 * The operating state after an execution reports a change, or undefined when the report changes nothing:
 * drills never do, nor requests that were never approved, nor a report older than what the state holds
 * (an earlier execution, or an earlier version of the same one).
 */
export function stateAfter(input: {
  readonly previous: ServiceStateRecord | undefined;
  readonly execution: ExecutionRecord;
  readonly steps: readonly MovingStep[];
  readonly approvedBy: readonly string[];
  readonly regions: { readonly primary: string; readonly recovery: string };
  readonly now: number;
}): ServiceStateRecord | undefined {
  const { previous: prev, execution: e } = input;
  if (e.kind === 'drill') return undefined;
  const outcome = outcomeOf(e);
  if (!outcome) return undefined;
  if (prev?.move) {
    if (prev.move.executionId === e.id) {
      if (prev.move.reportedAtMs > e.updatedAtMs) return undefined;
    } else if ((prev.move.startedAtMs ?? 0) > (e.startedAtMs ?? e.createdAtMs)) return undefined;
  }
  const places = placesOf(e, input.steps, prev?.resources ?? {});
  const phase = phaseOf(e.kind, outcome, places, input.steps);
  const move: MoveInfo = {
    executionId: e.id,
    kind: e.kind,
    mode: e.mode === 'planned' ? 'planned' : 'unplanned',
    requestedBy: e.requestedBy,
    approvedBy: input.approvedBy,
    ...(e.startedAtMs === undefined ? {} : { startedAtMs: e.startedAtMs }),
    ...(e.finishedAtMs === undefined ? {} : { finishedAtMs: e.finishedAtMs }),
    outcome,
    reportedAtMs: e.updatedAtMs,
  };
  const samePhase = prev?.phase === phase;
  const since =
    samePhase && prev ? prev.sinceMs : (e.finishedAtMs ?? e.startedAtMs ?? e.updatedAtMs ?? input.now);
  // Protection is re-measured after every landing in the recovery Region; drift is kept until a person acts.
  const { protection: _protection, ...rest } = prev ?? ({} as Partial<ServiceStateRecord>);
  return {
    ...rest,
    service: e.service,
    phase,
    primaryRegion: input.regions.primary,
    recoveryRegion: input.regions.recovery,
    sinceMs: since,
    resources: places,
    move,
    ...(samePhase && prev?.protection ? { protection: prev.protection } : {}),
    source: 'runbook',
    updatedAtMs: input.now,
  };
}

/**
 * Protection measured while running in the recovery Region (replication back caught up or not): moves
 * between the two running-in-recovery phases. Undefined when nothing changes or the phase is another one.
 */
export function stateWithProtection(
  prev: ServiceStateRecord,
  measured: { readonly ready: boolean; readonly text: string },
  now: number,
): ServiceStateRecord | undefined {
  if (prev.phase !== 'running-in-recovery-unprotected' && prev.phase !== 'running-in-recovery-protected')
    return undefined;
  const phase: Phase = measured.ready ? 'running-in-recovery-protected' : 'running-in-recovery-unprotected';
  if (phase === prev.phase && prev.protection?.text === measured.text) return undefined;
  return {
    ...prev,
    phase,
    sinceMs: phase === prev.phase ? prev.sinceMs : now,
    protection: { checkedAtMs: now, ready: measured.ready, text: measured.text },
    source: 'protection',
    updatedAtMs: now,
  };
}

/** Resources whose places disagree: a partial failover or failback (some moved, some not, some unconfirmed). */
export function splitResources(state: ServiceStateRecord): {
  readonly primary: string[];
  readonly recovery: string[];
  readonly between: string[];
} {
  const out = { primary: [] as string[], recovery: [] as string[], between: [] as string[] };
  for (const [id, place] of Object.entries(state.resources)) out[place.side].push(id);
  return out;
}
