/** The compliance report's view model: numbers only where the audit log holds them. */

export type OperationKind = 'failover' | 'failback';
export type OperationOutcome =
  | 'completed'
  | 'aborted'
  | 'declined'
  | 'expired'
  | 'in progress'
  | 'awaiting approval';

export interface Operation {
  readonly kind: OperationKind;
  readonly requestId: string;
  readonly requestedAt: string;
  readonly requester: string;
  readonly approvers: readonly string[];
  readonly outcome: OperationOutcome;
  readonly executionId?: string;
  /** Who declined it, when it was declined. */
  readonly declinedBy?: string;
}

export interface DrillRun {
  readonly at: string;
  readonly outcome: 'passed' | 'failed';
  readonly rtoMs?: number;
  readonly rpoMs?: number;
  readonly reason?: string;
  /** Set when the figures are not wall-clock time, e.g. "simulated AWS at 60x" (the sandbox's drills). */
  readonly timeNote?: string;
}

export interface Measured {
  /** Worst (largest) measured value in the period. */
  readonly worstMs: number;
  readonly latestMs: number;
  readonly samples: number;
  /** The time note of the drill behind the worst figure, when it was not wall-clock time. */
  readonly worstNote?: string;
  /** The time note of the drill behind the latest figure, when it was not wall-clock time. */
  readonly latestNote?: string;
  /** Whether the worst measurement met the target; undefined without a target. */
  readonly withinTarget?: boolean;
}

export interface Finding {
  readonly id: string;
  /** What it is: a drill's own finding, a failed drill, a declined request, a request still open at the end. */
  readonly kind?: 'drill-finding' | 'drill-failed' | 'request-declined' | 'request-open';
  /** Plain text (user and AWS text inside, escaped by each renderer). */
  readonly title: string;
  readonly severity?: string;
  readonly at: string;
  /** The person the finding names (the decliner, the requester), rendered as a mention in Slack. */
  readonly actor?: string;
}

export interface ServiceReport {
  readonly service: string;
  /** Targets from the plan; undefined when the service is no longer in the plan. */
  readonly targets?: { readonly rtoMs: number; readonly rpoMs: number };
  readonly drills: readonly DrillRun[];
  readonly rto?: Measured;
  readonly rpo?: Measured;
  /**
   * Undefined when no readiness transition was recorded in the period. Ready time is counted over the time
   * observed: from the first audit entry of the period (Lifeboat was running then) to its end, never over
   * time before Lifeboat kept a log.
   */
  readonly readiness?: {
    readonly uptimePct: number;
    readonly regressions: number;
    readonly observedFrom?: string;
    readonly observedMs?: number;
  };
  readonly operations: readonly Operation[];
  /**
   * Findings open at the end of the period: drill findings recorded and not resolved, failed drills, declined
   * requests and requests still awaiting approval or running.
   */
  readonly openFindings: readonly Finding[];
}

export interface ComplianceReport {
  readonly from: string;
  readonly to: string;
  readonly entries: number;
  readonly services: readonly ServiceReport[];
}
