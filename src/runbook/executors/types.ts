import type { AwsClients } from '../../adapters/aws/clients.js';
import type { StepRecord } from '../../domain/records.js';
import type { Resource, Service, Step } from '../../plan/schema.js';
import type { PlannedCall, Precondition, RunbookKind, RunbookMode } from '../types.js';

/** Facts a step persists on its record (ids of what it started, observed statuses). */
export type Facts = Readonly<Record<string, string | number | boolean | null>>;

/**
 * What AWS shows about a step's effect right now (read-only calls only):
 * - done: the effect is in place (whoever made it), nothing to call;
 * - in-progress: the effect is under way (e.g. a switchover running), wait;
 * - not-started: safe to make the mutating call;
 * - blocked: not yet possible (e.g. the replica is backing up), wait and observe again;
 * - failed: cannot succeed as things are (e.g. versioning off), no point waiting.
 */
export interface Observation {
  readonly state: 'done' | 'in-progress' | 'not-started' | 'blocked' | 'failed';
  /** Plain words, e.g. "writer in us-east-1, global cluster available". */
  readonly summary: string;
  readonly facts?: Facts;
  readonly preconditions?: readonly Precondition[];
}

/**
 * Runs one AWS call with a timeout (the runner's per-call budget, or `timeoutMs` for a call that may take longer,
 * e.g. a synchronous Lambda invocation); failures become AwsCallError naming the IAM action.
 */
export interface AwsCaller {
  call<T>(action: string, fn: (abortSignal: AbortSignal) => Promise<T>, timeoutMs?: number): Promise<T>;
}

export type NamedService = Service & { readonly name: string };

export interface People {
  readonly requestedBy: string;
  readonly approvedBy: readonly string[];
}

export interface StepContext<S extends Step = Step> {
  readonly step: S;
  readonly service: NamedService;
  /** The plan resource the step acts on (undefined for wait, verify, notify). */
  readonly resource: Resource | undefined;
  readonly kind: RunbookKind;
  readonly mode: RunbookMode;
  /** Where the workload comes from and where it goes (failover: primary → recovery). */
  readonly sourceRegion: string;
  readonly targetRegion: string;
  /** `dry-run` in a dry run. */
  readonly executionId: string;
  /** The step's record so far (undefined in a dry run). */
  readonly record: StepRecord | undefined;
  /**
   * Failback only: what the completed failover recorded on its step for the same resource (e.g. the
   * PRIMARY record's original values), when the runner was given that failover (`RunbookDeps.origin`).
   */
  readonly origin?: Facts;
  /** Who asked for the execution and who approved it, read when asked (undefined in a dry run). */
  readonly people?: () => Promise<People>;
  readonly clients: AwsClients;
  readonly aws: AwsCaller;
  readonly now: () => number;
}

/** One executor per step kind: the port between the generic driver and AWS. */
export interface StepExecutor<S extends Step = Step> {
  /** Default time budget of the step when the plan gives no `timeout`. */
  readonly defaultTimeoutMs: number;
  /** What the step does, in plain words. */
  describe(ctx: StepContext<S>): string;
  irreversible(ctx: StepContext<S>): boolean;
  /** The Region the step acts in when it is not the target Region (recorded and audited with the step). */
  region?(ctx: StepContext<S>): string;
  /** Read-only: where things stand. */
  observe(ctx: StepContext<S>): Promise<Observation>;
  /** The mutating calls `start` makes given this observation (shown in dry runs and audited). */
  calls(ctx: StepContext<S>, observation: Observation | undefined): PlannedCall[];
  /** Makes the mutating calls; only after the intent is persisted and `observe` said not-started. */
  start(ctx: StepContext<S>, observation: Observation): Promise<Facts>;
}

export type ExecutorRegistry = { readonly [K in Step['kind']]: StepExecutor<Extract<Step, { kind: K }>> };
