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
  readonly title: string;
  readonly severity?: string;
  readonly at: string;
}

export interface ServiceReport {
  readonly service: string;
  /** Targets from the plan; undefined when the service is no longer in the plan. */
  readonly targets?: { readonly rtoMs: number; readonly rpoMs: number };
  readonly drills: readonly DrillRun[];
  readonly rto?: Measured;
  readonly rpo?: Measured;
  /** Undefined when no readiness transition was recorded in the period. */
  readonly readiness?: { readonly uptimePct: number; readonly regressions: number };
  readonly operations: readonly Operation[];
  /** Findings recorded in the period and not resolved in it. */
  readonly openFindings: readonly Finding[];
}

export interface ComplianceReport {
  readonly from: string;
  readonly to: string;
  readonly entries: number;
  readonly services: readonly ServiceReport[];
}
