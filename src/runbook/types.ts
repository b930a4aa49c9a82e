/**
 * The runbook engine's public vocabulary: what the Slack side (request modal, approval, progress
 * card, Retry/Skip/Abort) calls and renders. docs/runbook.md describes the state machine.
 */
import type { AwsClients } from '../adapters/aws/clients.js';
import type { Stores } from '../adapters/store/index.js';
import type { Versioned } from '../adapters/store/versioned.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { ExecutionRecord } from '../domain/records.js';
import type { Timeline } from '../domain/timeline.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { ActiveIndex } from './active-index.js';

export type Execution = ExecutionRecord & Versioned;
export type RunbookMode = 'planned' | 'unplanned';
export type RunbookKind = 'failover' | 'failback';
export type Decision = 'retry' | 'skip' | 'abort';

/** One AWS call exactly as it will be sent: the SDK command name (without `Command`) and its input. */
export interface PlannedCall {
  /** SDK client key: rds, ec2, s3, dynamodb, route53, cloudwatch, sns. */
  readonly client: string;
  /** e.g. "SwitchoverGlobalCluster". */
  readonly command: string;
  readonly region: string;
  /** The command input (JSON). Values only known at run time are written `<like this>`. */
  readonly input: Readonly<Record<string, unknown>>;
  /** Why or when the call is made, e.g. "only if the primary health check is still healthy". */
  readonly note?: string;
}

/** A fact observed now (read-only calls) that the step depends on. `ok: undefined` = could not tell. */
export interface Precondition {
  readonly name: string;
  readonly ok: boolean | undefined;
  /** What was observed, in plain words, e.g. "global cluster available, writer in us-east-1". */
  readonly observed: string;
}

export interface DryRunStep {
  readonly id: string;
  readonly kind: string;
  /** What will be done, in plain words. */
  readonly action: string;
  readonly irreversible: boolean;
  readonly estimateMs?: number;
  readonly timeoutMs: number;
  /** Steps sharing a group number run in parallel. */
  readonly parallelGroup?: number;
  readonly region?: string;
  readonly calls: readonly PlannedCall[];
  readonly preconditions: readonly Precondition[];
}

/** The exact plan of what an execution would do now, built with Describe/Get/List calls only. */
export interface DryRunPlan {
  readonly service: string;
  readonly kind: RunbookKind;
  readonly mode: RunbookMode;
  readonly sourceRegion: string;
  readonly targetRegion: string;
  readonly steps: readonly DryRunStep[];
  /** Sum of the stages' estimates (a parallel group counts its longest step). */
  readonly estimateMs?: number;
  /** Failed or unknown preconditions, in plain words. */
  readonly warnings: readonly string[];
  /** Set when this mode cannot run at all (e.g. unknown service, no runbook for the kind). */
  readonly error?: string;
  readonly generatedAtMs: number;
}

/** Where one resource is after an abort: which Region serves it now. */
export interface ResourceHandover {
  readonly resourceId: string;
  readonly stepId: string;
  readonly kind: string;
  /** moved: the step finished; unchanged: never started; unknown: started and not confirmed. */
  readonly status: 'moved' | 'unchanged' | 'unknown';
  /** The Region whose hands the resource is in, if known. */
  readonly region?: string;
  /** One plain sentence, e.g. "payments-db: Aurora writer is in us-west-2 (switched over)". */
  readonly text: string;
}

export interface AbortSummary {
  readonly abortedBy: string;
  readonly atMs: number;
  readonly resources: readonly ResourceHandover[];
  /** Plain text of all of the above, one line per resource. */
  readonly text: string;
}

export interface RunbookDeps {
  readonly stores: Stores;
  readonly aws: AwsClients;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  /** How step and execution durations are reckoned for the audit log (default: wall clock; the sandbox: simulated AWS time). */
  readonly timeline?: Timeline;
  readonly audit: AuditLog;
  readonly logger: Logger;
  /** This replica's id: the owner written on execution leases. */
  readonly instanceId: string;
  /** Called (in order, without holding the runbook up) after every persisted transition. */
  readonly onChange: (execution: Execution) => Promise<void>;
  /**
   * Lease time-to-live, renewed every third of it while driving (default 60 s). When renewals fail,
   * driving stops a third of the TTL before the last confirmed expiry (lease.ts).
   */
  readonly leaseTtlMs?: number;
  /** Waits between polls (default: a real timer). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** How often AWS state is polled while a step is in progress (default 5 s). */
  readonly pollIntervalMs?: number;
  /** Budget of one AWS call including the SDK's retries (default 30 s). */
  readonly callTimeoutMs?: number;
  /**
   * Where active executions are listed for `resumeAll` (createDynamoActiveIndex in production).
   * Default: in memory, which only resumes what this process itself tracked.
   */
  readonly activeIndex?: ActiveIndex;
  /** Background work started by `decide` (retry/skip) is handed here, e.g. InFlight.track. */
  readonly track?: (work: Promise<unknown>) => void;
  /**
   * The service's last completed failover, which a failback returns from: its steps' records hold what
   * failback restores (e.g. the PRIMARY record's original values for `update-record`).
   */
  readonly origin?: (service: string) => Promise<ExecutionRecord | undefined>;
  /** Told the wall time of each step that ran, by kind and result (the Prometheus step histogram). */
  readonly onStepFinished?: (kind: string, result: 'succeeded' | 'failed', ms: number) => void;
}

export interface RunbookRunner {
  /**
   * Drives the execution from its recorded state (approved, running) until it completes or a step
   * fails (pausedByFailedStep). If another replica holds the lease, returns the current record.
   */
  run(executionId: string): Promise<Execution>;
  /** Lists the execution as active so that `resumeAll` finds it after a crash. Idempotent. */
  track(executionId: string): Promise<void>;
  /** Drives every approved or running execution whose lease is free or expired; resolves when those drives end. */
  resumeAll(): Promise<void>;
  /**
   * The periodic takeover pass (the composition root runs it at start-up and every sweep interval):
   * starts driving, in the background, every approved or running execution whose lease is free or
   * expired (its replica died) and that this process does not drive already. Returns how many it took.
   */
  sweep(): Promise<number>;
  /**
   * Only from pausedByFailedStep, conditional on the version. retry and skip continue driving in
   * the background (see `track` in the deps); abort records an AbortSummary on the execution.
   */
  decide(executionId: string, choice: Decision, userId: string, bound?: DecisionBinding): Promise<Execution>;
  /** The exact ordered calls and the current preconditions; makes Describe/Get/List calls only. */
  dryRun(service: string, mode: RunbookMode, kind?: RunbookKind): Promise<DryRunPlan>;
  /** The calls of a dry run, flattened in order (for "exactly what will be done"). */
  plannedCalls(service: string, mode: RunbookMode, kind?: RunbookKind): Promise<PlannedCall[]>;
  /** Executions listed as active (approved, running, paused), read from the store (metrics). */
  activeExecutions(): Promise<Execution[]>;
  /** Execution leases this replica holds now: the executions it drives (metrics). */
  leasesHeld(): number;
  /** Resolves when no drive started by this runner is in progress. */
  idle(): Promise<void>;
  /** Stops driving at the next safe point (between AWS calls) and releases leases. */
  stop(): Promise<void>;
}

export type RunbookErrorCode =
  | 'not_found'
  | 'not_paused'
  | 'conflict'
  | 'unknown_service'
  | 'no_runbook'
  | 'unsupported'
  /** The decision was made on a card showing another paused step or attempt than the execution's. */
  | 'outdated'
  /** Skipping this step (irreversible, or a verify step) needs two approvers; fewer agreed. */
  | 'second_approver'
  /** The skip was proposed by the requester, or agreed by fewer people than it names. */
  | 'self_skip';

/**
 * What the person's card showed when they decided: the paused step and its attempt. A decision on any other
 * step or attempt is refused (`outdated`). For a skip, `approvers` are the distinct people who agreed to it.
 */
export interface DecisionBinding {
  readonly stepId: string;
  readonly attempt: number;
  readonly approvers?: readonly string[];
}

export class RunbookError extends Error {
  constructor(
    readonly code: RunbookErrorCode,
    message: string,
    readonly execution?: Execution,
  ) {
    super(message);
    this.name = 'RunbookError';
  }
}
