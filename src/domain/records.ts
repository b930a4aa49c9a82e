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
  /** Runbook engine: the Region the step acts in, what it observed or started (change ids, instance ids…), who retried/skipped it. */
  readonly region?: string;
  readonly observed?: Readonly<Record<string, string | number | boolean | null>>;
  /** Set once the step's mutating call returned (so a restart waits instead of observing from scratch). */
  readonly calledAtMs?: number;
  readonly decidedBy?: string;
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
  /** Runbook engine (src/runbook): when driving started and ended, the failed step awaiting a decision, abort details. */
  readonly startedAtMs?: number;
  readonly finishedAtMs?: number;
  readonly pausedAtStep?: string;
  readonly lastError?: string;
  readonly abortedBy?: string;
  /**
   * Failover requests (src/approval): the open incident the request was made from resolved. An automatic
   * request is then stale (expired, `staleBecause` says why); a person's request stays open with this note.
   */
  readonly incidentResolvedAtMs?: number;
  readonly staleBecause?: string;
  /**
   * One request for several services (src/approval/group.ts): the request's services in the order they run, and
   * this execution's place. Index 0 is the request's own execution (id = the request id); member `i` is
   * `<requestId>.<i>`, approved by the engine once member `i - 1` completed.
   */
  readonly group?: { readonly id: string; readonly services: readonly string[]; readonly index: number };
  readonly abortSummary?: {
    readonly text: string;
    readonly resources: readonly {
      readonly resourceId: string;
      readonly stepId: string;
      readonly kind: string;
      readonly status: 'moved' | 'unchanged' | 'unknown';
      readonly region?: string;
      readonly text: string;
    }[];
  };
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
    Record<
      string,
      {
        readonly state: AlarmState;
        readonly changedAtMs: number;
        readonly count: number;
        /** When it first reached ALARM in this incident (absent on records written before it was kept). */
        readonly firedAtMs?: number;
      }
    >
  >;
  /** Alarm ingress (src/alarms): how it was detected, routing, counters, acknowledgement, card details. */
  readonly detectedBy?: 'alarm' | 'probe';
  /** No alarm rule matched: the incident lives in the plan's unrouted channel. */
  readonly unrouted?: boolean;
  /** Notifications applied (repeats and late arrivals included). */
  readonly notifications?: number;
  readonly acknowledgedBy?: string;
  readonly acknowledgedAtMs?: number;
  /** Latest detail per alarm for the card: why, where, what it watches. */
  readonly alarmDetails?: Readonly<Record<string, IncidentAlarmDetail>>;
  /** Ids of the latest notifications applied: re-applying after a crash is then a no-op. */
  readonly recentMessageIds?: readonly string[];
  /** A replica's version-checked claim to post the parent message, until it expires. */
  readonly parentClaim?: { readonly owner: string; readonly untilMs: number };
  /**
   * The bounded record (src/domain/incident-summary.ts): `alarms` and `alarmDetails` list at most
   * MAX_LISTED_ALARMS alarms; later ones are summarised here, so the item stays far below DynamoDB's
   * 400 KB however many alarms fire.
   */
  readonly overflow?: IncidentOverflow;
  /** The latest alarm to change state (listed or not), for the card. */
  readonly latestAlarm?: { readonly name: string; readonly state: AlarmState; readonly atMs: number };
  /** Failovers and failbacks of the service since the incident opened, as last seen (the card's "What was done"). */
  readonly moves?: readonly IncidentMove[];
}

/** A failover or failback as an incident card tells it (blocks/alarms/outcome.ts). */
export interface IncidentMove {
  readonly executionId: string;
  readonly kind: 'failover' | 'failback';
  readonly outcome: 'in-progress' | 'paused' | 'completed' | 'aborted';
  readonly service: string;
  /** The Region it moves the service to. */
  readonly to: string;
  readonly startedAtMs?: number;
  readonly finishedAtMs?: number;
}

export interface IncidentOverflow {
  /** Per summarised alarm, by a short hash of its name: its state letter and change time (base-36 seconds). */
  readonly states: Readonly<Record<string, string>>;
  /** ALARM notifications of alarms beyond the summarised ones: counted only (no state, no thread line). */
  readonly untracked: number;
}

export interface IncidentAlarmDetail {
  readonly kind: 'metric' | 'metric-math' | 'composite' | 'probe';
  readonly reason: string;
  /** Why it first reached ALARM: `reason` follows later changes (e.g. "Insufficient Data"). */
  readonly firedReason?: string;
  readonly watching: string;
  readonly region?: string;
  readonly arn?: string;
}

export interface ApprovalRecord {
  readonly executionId: string;
  readonly userId: string;
  readonly decision: 'approve' | 'decline';
  readonly atMs: number;
  readonly reason?: string;
  readonly planHash: string;
  /** When the decision's outcome entry (`approval.granted`) was appended; absent until then (docs/approval.md). */
  readonly outcomeAuditedAtMs?: number;
}
