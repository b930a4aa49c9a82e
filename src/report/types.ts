/**
 * The recovery report of one execution (a failover or failback that completed or was aborted): what happened,
 * how long recovery took as AWS ARC Region switch defines it, and how much data could be lost. docs/report.md.
 */

/**
 * Whether the service's health alarms were OK when the runbook finished, which decides the actual recovery time.
 * - `no-alarms`: the plan routes no alarm to the service, so there is nothing to wait for: the runbook time alone;
 * - `ok-at-finish`: no open incident of the service had an alarm in ALARM when the runbook finished;
 * - `pending`: alarms still in ALARM at the finish (named): the recovery time is not known yet;
 * - `ok`: they were, and turned OK at `okAtMs` (the incident resolved).
 */
export type HealthAtFinish =
  | { readonly kind: 'no-alarms' }
  | { readonly kind: 'ok-at-finish' }
  | { readonly kind: 'pending'; readonly alarms: readonly string[] }
  | { readonly kind: 'ok'; readonly okAtMs: number; readonly alarms: readonly string[] };

/** The data-loss window: what Lifeboat measured, never a guess. */
export type DataLoss =
  /** A planned switchover or failback waits until the recovery Region has every write (RPO 0). */
  | { readonly kind: 'none'; readonly why: string }
  /** Unplanned: the replication lag measured at approval, the last measurement before the failover. */
  | { readonly kind: 'measured'; readonly lagMs: number; readonly measuredAtMs: number }
  | { readonly kind: 'not-measured' };

export interface ReportStep {
  /** As the request named it: `service/step` in a multi-service request, else the plan's step id. */
  readonly id: string;
  readonly kind?: string;
  readonly state: string;
  readonly region?: string;
  readonly startedAtMs?: number;
  readonly finishedAtMs?: number;
  /** On the execution's timeline (simulated in the sandbox). */
  readonly durationMs?: number;
  readonly attempts: number;
  readonly error?: string;
  readonly decidedBy?: string;
}

/** A pause (a failed step) or a person's choice on it, in time order. */
export interface ReportEvent {
  readonly atMs: number;
  readonly what: 'paused' | 'retry' | 'skip proposed' | 'skip' | 'abort' | 'resumed by another replica';
  readonly actor: string;
  readonly stepId?: string;
  readonly attempt?: number;
  /** The failed step's error, for a pause. */
  readonly detail?: string;
}

export interface RecoveryReport {
  readonly executionId: string;
  readonly service: string;
  readonly kind: 'failover' | 'failback';
  readonly mode: string;
  readonly outcome: 'completed' | 'aborted';
  readonly sourceRegion: string;
  readonly targetRegion: string;
  readonly requestedBy: string;
  readonly requestedAtMs: number;
  readonly reason: string;
  readonly approvals: readonly { readonly userId: string; readonly atMs: number }[];
  readonly startedAtMs?: number;
  readonly finishedAtMs: number;
  /** Runbook time: from the start of the first step to the end (on the timeline). */
  readonly runbookMs?: number;
  readonly health: HealthAtFinish;
  /** From the health alarms' OK back to the runbook's end: added to the runbook time. */
  readonly healthWaitMs?: number;
  /** Actual recovery time (ARC): runbook time plus the time until the health alarms are OK; undefined until known. */
  readonly recoveryMs?: number;
  readonly rtoTargetMs?: number;
  readonly rpoTargetMs?: number;
  readonly dataLoss: DataLoss;
  readonly steps: readonly ReportStep[];
  readonly events: readonly ReportEvent[];
  readonly abortSummary?: string;
  /** Set when durations are not wall-clock time, e.g. "simulated AWS at 60x". */
  readonly timeNote?: string;
  /** 1 for the report posted when the runbook finished; 2 for the one posted when the health alarms turned OK. */
  readonly version: number;
}
