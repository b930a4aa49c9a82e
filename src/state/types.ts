/**
 * The operating state of each service: which Region it runs in now, how it got there, and its phase.
 * One durable item per service (`SERVICESTATE#<service>` / `STATE`), changed only by version-checked
 * single-item writes. docs/state.md describes the model.
 */

export const PHASES = [
  'normal-in-primary',
  'failing-over',
  'running-in-recovery-unprotected',
  'running-in-recovery-protected',
  'failing-back',
] as const;
export type Phase = (typeof PHASES)[number];

/** Whose hands a resource is in: the primary Region, the recovery Region, or a step started and not confirmed. */
export type Side = 'primary' | 'recovery' | 'between';

export interface ResourcePlace {
  readonly side: Side;
  /** The runbook step that last moved (or tried to move) it. */
  readonly stepId?: string;
  readonly atMs?: number;
}

/** The failover or failback that brought the service to this state (or is moving it now). */
export interface MoveInfo {
  readonly executionId: string;
  readonly kind: 'failover' | 'failback';
  readonly mode: 'planned' | 'unplanned';
  readonly requestedBy: string;
  readonly approvedBy: readonly string[];
  readonly startedAtMs?: number;
  readonly finishedAtMs?: number;
  readonly outcome: 'in-progress' | 'paused' | 'completed' | 'aborted';
  /** The execution's `updatedAtMs` this state reflects: an older report never overwrites a newer one. */
  readonly reportedAtMs: number;
}

/** What AWS showed that differs from the record (never applied to the record by itself). */
export interface Drift {
  readonly detectedAtMs: number;
  /** The side AWS shows the service on (for compute missing where recorded: the other side). */
  readonly observed: 'primary' | 'recovery';
  /** Each facet that differs (writer, dns, compute) with what was read; older items may lack it. */
  readonly facets?: readonly DriftFacet[];
  /** What differs and what to do, in plain words. */
  readonly text: string;
}

export interface DriftFacet {
  readonly facet: 'writer' | 'dns' | 'compute';
  readonly text: string;
}

export interface ServiceStateRecord {
  readonly service: string;
  readonly phase: Phase;
  /** The Regions as the plan named them when the state was written. */
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
  /** When the current phase began. */
  readonly sinceMs: number;
  /** Resources the runbook moves, by plan id. */
  readonly resources: Readonly<Record<string, ResourcePlace>>;
  readonly move?: MoveInfo;
  /** Running in the recovery Region: the latest measurement of replication back to the primary Region. */
  readonly protection?: { readonly checkedAtMs: number; readonly ready: boolean; readonly text: string };
  readonly drift?: Drift;
  /** Who wrote the state last: start-up initialisation, the runbook engine, or a protection measurement. */
  readonly source: 'initialised' | 'runbook' | 'protection';
  readonly updatedAtMs: number;
}

/** What every view reads: the state, or why there is none. Lifeboat never guesses a direction. */
export type OperatingState =
  | { readonly known: true; readonly state: ServiceStateRecord & { readonly version: number } }
  | { readonly known: false; readonly reason: string };

/** Whether a failover makes sense now: only from the primary Region with nothing moving. */
export const runsInRecovery = (phase: Phase) =>
  phase === 'running-in-recovery-unprotected' ||
  phase === 'running-in-recovery-protected' ||
  phase === 'failing-back';
