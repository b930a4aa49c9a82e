import type { ExecutionRecord } from '../domain/records.js';

/** Who raised a request automatically: an alarm whose rule has `autoRequestFailover: true`. */
export const LIFEBOAT_REQUESTER = 'lifeboat';

/** Planned: Aurora switchover (RPO 0, needs a healthy primary). Unplanned: failover with data loss. */
export type FailoverMode = 'planned' | 'unplanned';
export const FAILOVER_MODES: readonly FailoverMode[] = ['planned', 'unplanned'];

export type Execution = ExecutionRecord & { readonly version: number };

/** What a request moves: to the recovery Region (failover) or back home (failback: planned only). */
export type RequestKind = 'failover' | 'failback';
export const kindOf = (request: { readonly kind?: RequestKind }): RequestKind => request.kind ?? 'failover';

/**
 * The request side of a failover execution, stored next to it (`EXEC#<id>` / `REQUEST`). Written once
 * when the request is made; only `messageTs` is added after the request is posted in Slack.
 */
export interface FailoverRequest {
  /** Same id as the execution. */
  readonly id: string;
  readonly service: string;
  /**
   * A request for several services: all of them, in the order they run (`after:` in the plan); `service` is the
   * first. One approval covers them all, and only from someone authorised for every one (src/approval/group.ts).
   */
  readonly services?: readonly string[];
  /** Absent on failover requests (and on those stored before failback existed). */
  readonly kind?: RequestKind;
  readonly mode: FailoverMode;
  /** A Slack user id, or `lifeboat` for alarm-triggered requests. */
  readonly requestedBy: string;
  readonly reason: string;
  /** Plan hash at request time: approval is refused when the plan in force differs. */
  readonly planHash: string;
  /** Digest of what approvers see (service, mode, requester, reason, plan hash); carried by the Approve button. */
  readonly digest: string;
  readonly createdAtMs: number;
  /** After this, the request can no longer be approved and becomes `expired`. */
  readonly deadlineMs: number;
  /** Approvals needed from people other than the requester. */
  readonly approvalsRequired: number;
  readonly source: 'slack' | 'alarm';
  readonly alarmName?: string;
  /** The incident whose alarm raised the request (automatic requests): it goes stale when that incident resolves. */
  readonly incidentId?: string;
  /** Where the request and its progress card are posted (incident thread or service channel). */
  readonly channel: string;
  readonly threadTs?: string;
  /** The request message, edited in place into the progress card. */
  readonly messageTs?: string;
}

/** One step of what a failover would do, as shown before anyone approves it. */
export interface PlannedStep {
  readonly id: string;
  readonly kind: string;
  /** What will be done, in plain words (e.g. "FailoverGlobalCluster payments-global to payments-usw2, AllowDataLoss"). */
  readonly action: string;
  readonly irreversible: boolean;
  readonly estimateMs?: number;
  /** Steps sharing a group number run in parallel. */
  readonly parallelGroup?: number;
}

/** The dry-run of one mode, from the runbook engine. `error` when that mode cannot run now. */
export interface DryRunView {
  readonly service: string;
  readonly mode: FailoverMode;
  readonly steps: readonly PlannedStep[];
  readonly estimateMs?: number;
  readonly warnings: readonly string[];
  readonly error?: string;
}

/** The parts of the runbook engine (src/runbook) this feature calls. */
export interface RunnerPort {
  /** Lists the execution as active so a restarted replica resumes it. */
  track(executionId: string): Promise<void>;
  run(executionId: string): Promise<unknown>;
  /** `bound`: the paused step and attempt the person's card showed and, for a skip, everyone who agreed. */
  decide(
    executionId: string,
    decision: StepDecision,
    userId: string,
    bound?: { readonly stepId: string; readonly attempt: number; readonly approvers?: readonly string[] },
  ): Promise<unknown>;
  dryRun(service: string, mode: FailoverMode, kind?: RequestKind): Promise<DryRunView>;
}

export type StepDecision = 'retry' | 'skip' | 'abort';

/** Where the alarm pipeline keeps the service's open incident thread, if any. */
export type FindIncidentThread = (service: string) => Promise<{ channel: string; ts: string } | undefined>;

export const TERMINAL_STATES: ReadonlySet<ExecutionRecord['state']> = new Set([
  'completed',
  'aborted',
  'declined',
  'expired',
]);
