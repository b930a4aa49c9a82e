/**
 * Durable records. Each changes only by a conditional write on its version (see
 * src/adapters/store/versioned.ts); the issues that build on the foundation extend them.
 */

export type ExecutionKind = 'failover' | 'failback' | 'drill';
export type ExecutionMode = 'planned' | 'unplanned' | 'drill';
export type ExecutionState =
  | 'pendingApproval'
  | 'approved'
  | 'running'
  | 'pausedByFailedStep'
  | 'completed'
  | 'aborted'
  | 'declined'
  | 'expired';

export type StepState = 'pending' | 'intent' | 'succeeded' | 'failed' | 'skipped';

export interface StepRecord {
  readonly state: StepState;
  readonly startedAtMs?: number;
  readonly finishedAtMs?: number;
  readonly attempts: number;
  readonly error?: string;
}

export interface ExecutionRecord {
  readonly id: string;
  readonly service: string;
  readonly kind: ExecutionKind;
  readonly mode: ExecutionMode;
  readonly state: ExecutionState;
  readonly requestedBy: string;
  readonly reason: string;
  /** The plan hash the request was made under; approval is refused if it changed. */
  readonly planHash: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly steps: Readonly<Record<string, StepRecord>>;
}

export type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

export interface IncidentRecord {
  readonly id: string;
  readonly service: string;
  readonly state: 'open' | 'resolved';
  readonly openedAtMs: number;
  readonly resolvedAtMs?: number;
  readonly channel: string;
  /** The parent message of the incident thread, once posted. */
  readonly threadTs?: string;
  readonly alarms: Readonly<
    Record<string, { readonly state: AlarmState; readonly changedAtMs: number; readonly count: number }>
  >;
}

export interface ApprovalRecord {
  readonly executionId: string;
  readonly userId: string;
  readonly decision: 'approve' | 'decline';
  readonly atMs: number;
  readonly reason?: string;
  readonly planHash: string;
}
