/**
 * Drills: non-disruptive recovery in the recovery Region. Everything a drill creates is named with
 * DRILL_PREFIX and tagged DRILL_TAG (the bot's IAM grants for drills are limited to exactly that), is
 * measured (time to ready, data age) and is cleaned up by a durable step. docs/drills.md has the
 * state machine.
 */

/** Prefix of every name a drill gives (IAM for drills is scoped to it: infra/lib/grants/). */
export const DRILL_PREFIX = 'lifeboat-drill-';
/** Tag key on everything a drill creates; the value is the drill id. */
export const DRILL_TAG = 'lifeboat:drill';

export type DrillStepKind =
  | 'restore-aurora'
  | 'restore-rds'
  | 'launch-ec2'
  | 'read-s3'
  | 'read-dynamodb'
  /** An AWS Backup restore job from the newest copied recovery point in the recovery Region. */
  | 'restore-backup';

/**
 * pendingApproval → running → awaitingCleanup → cleaningUp → finished; declined/expired end a request.
 * `running` covers bringing resources up and measuring them; resources exist from `running` until `finished`.
 */
export type DrillState =
  | 'pendingApproval'
  | 'running'
  | 'awaitingCleanup'
  | 'cleaningUp'
  | 'finished'
  | 'declined'
  | 'expired';

/** pending → intent (names recorded, calls may have been made) → ready | failed; cleanup: cleaning → cleaned. */
export type DrillStepState = 'pending' | 'intent' | 'ready' | 'failed';

export interface DrillStepRecord {
  readonly id: string;
  readonly kind: DrillStepKind;
  /** The plan resource the step recovers. */
  readonly resourceId: string;
  readonly region: string;
  readonly state: DrillStepState;
  /** Names this step gives what it creates, recorded before any call (so cleanup finds them after a crash). */
  readonly names: readonly string[];
  /** Identifiers AWS assigned (e.g. EC2 instance ids), recorded once seen. */
  readonly created?: readonly string[];
  readonly startedAtMs?: number;
  readonly readyAtMs?: number;
  /** Time to ready, ms (readyAtMs − startedAtMs). */
  readonly rtoMs?: number;
  /** What the step recovers from (snapshot ARN, AMI id), chosen and recorded before the creating call. */
  readonly source?: string;
  /** When the newest data the recovered copy holds was written (snapshot time, object time). */
  readonly dataAtMs?: number;
  /** Data age at the time of recovery, ms. */
  readonly rpoMs?: number;
  /** What the data age is judged against: the service RPO (replicated data) or the backup interval (snapshots). */
  readonly rpoTargetMs?: number;
  /** Facts for people: source snapshot or object, statuses. */
  readonly detail?: string;
  readonly error?: string;
  /** Cleanup: deletes issued / everything gone. */
  readonly cleanupStartedAtMs?: number;
  readonly cleanedAtMs?: number;
  readonly cleanupError?: string;
}

export interface DrillResult {
  readonly passed: boolean;
  /** Drill start to every resource ready (or failed), ms. */
  readonly rtoMs: number;
  /** Worst age of replicated data (S3, DynamoDB); undefined when none could be measured. */
  readonly rpoMs?: number;
  readonly rtoTargetMs: number;
  readonly rpoTargetMs: number;
  /** Plain reasons the drill failed (empty when passed). */
  readonly reasons: readonly string[];
  /** Set when the figures are not wall-clock time, e.g. "simulated AWS at 60x" (the sandbox); shown with them. */
  readonly timeNote?: string;
}

export interface DrillRecord {
  readonly id: string;
  readonly service: string;
  readonly state: DrillState;
  readonly requestedBy: string;
  readonly reason: string;
  readonly planHash: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** Approvals needed besides the requester (drillApprovalsRequired; 0 = the requester alone). */
  readonly approvalsRequired: number;
  readonly approvers: readonly string[];
  readonly declinedBy?: string;
  readonly channel: string;
  /** The drill card's message, once posted. */
  readonly messageTs?: string;
  readonly startedAtMs?: number;
  readonly readyAtMs?: number;
  /** When cleanup starts by itself; postponed by Keep. */
  readonly cleanupAtMs?: number;
  readonly keptBy?: string;
  readonly cleanupBy?: string;
  readonly finishedAtMs?: number;
  /** Where the drill puts what it creates, as the plan said when it was requested (shown on the card). */
  readonly isolation?: DrillIsolation;
  /** Step ids in plan order. */
  readonly order: readonly string[];
  readonly steps: Readonly<Record<string, DrillStepRecord>>;
  readonly result?: DrillResult;
}

export type Drill = DrillRecord & { readonly version: number };

/** Isolation for what a drill launches; each absent value falls back to the account's defaults. */
export interface DrillSettings {
  /** Subnet for drill instances (an isolated one, without a route to production). */
  readonly subnetId?: string;
  readonly securityGroupIds?: readonly string[];
  /** DB subnet group for restored databases. */
  readonly dbSubnetGroupName?: string;
  readonly vpcSecurityGroupIds?: readonly string[];
  readonly instanceType?: string;
  readonly dbInstanceClass?: string;
}

/** The isolation a drill gets from the plan's `drill:` section, for people: fully, partly or not isolated. */
export interface DrillIsolation {
  readonly level: 'isolated' | 'partial' | 'none';
  /** Plain words: what is set, and what falls back to the account's defaults. */
  readonly text: string;
}

/** A resource a drill created that still exists: for the daily digest. */
export interface DrillResource {
  readonly service: string;
  readonly resource: string;
  readonly sinceMs: number;
  readonly drillId: string;
}

export const FINAL_DRILL_STATES: ReadonlySet<DrillState> = new Set(['finished', 'declined', 'expired']);
