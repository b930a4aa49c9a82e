/**
 * The audit log's vocabulary. Entries are append-only and hash-chained: see docs/audit.md for the
 * chain layout (one chain per UTC day and shard), its guarantees and its limits.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Every kind of event Lifeboat records. Report-relevant `details` shapes are in docs/audit.md. */
export const AUDIT_EVENT_TYPES = [
  'alarm.received',
  'alarm.rejected',
  'alarm.subscription',
  'incident.opened',
  'incident.acknowledged',
  'incident.resolved',
  'command',
  'request.created',
  'approval.granted',
  'approval.refused',
  'request.declined',
  'request.expired',
  'execution.started',
  'execution.completed',
  'execution.aborted',
  'execution.resumed',
  'execution.stopped',
  'step.intent',
  'step.outcome',
  'step.retry',
  'step.skip',
  // A person's decision (approve, decline, retry, skip, abort, drill keep/cleanup), appended before it takes effect.
  'decision.intent',
  'step.skip.proposed',
  'drill.kept',
  'drill.cleanup.requested',
  'drill.scheduled',
  'drill.started',
  'drill.completed',
  'drill.failed',
  'drill.cleanup',
  'drill.finding',
  'drill.finding.resolved',
  'readiness.regressed',
  'readiness.recovered',
  'plan.changed',
  'state.initialised',
  'state.changed',
  'state.drift',
  'digest.posted',
  'job.failed',
  'probe.failed',
  'probe.recovered',
  'report.generated',
  // A recovery report archived (REPORT#<execution>): its SHA-256 here makes the stored body tamper-evident.
  'report.recovery',
  'audit.exported',
  'audit.verified',
  'audit.checkpointed',
  'audit.archived',
  'auth.refused',
  'http.rejected',
  'audit.anchored',
  'audit.tampered',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** Who did it: a Slack user id, Lifeboat itself, or AWS (e.g. an alarm or an EventBridge event). */
export type AuditActor = string;

export interface AuditEventInput {
  readonly type: AuditEventType;
  readonly actor: AuditActor;
  readonly service?: string;
  readonly executionId?: string;
  readonly channel?: string;
  readonly details?: JsonObject;
}

/** An entry as stored: the event plus its place in a chain and the chain hashes. */
export interface AuditEntry {
  /** `<day>/<shard>/<seq>`: unique, stable, names the entry in verify reports. */
  readonly id: string;
  /** UTC day of the chain, YYYY-MM-DD. */
  readonly day: string;
  readonly shard: number;
  /** Position in the chain, from 1, no gaps. */
  readonly seq: number;
  /** ISO 8601 time from the Clock; never earlier than the previous entry of the same chain. */
  readonly at: string;
  readonly type: AuditEventType;
  readonly actor: AuditActor;
  readonly service?: string;
  readonly executionId?: string;
  readonly channel?: string;
  readonly details: JsonObject;
  /** The replica that wrote the entry. */
  readonly writer: string;
  /** `hash` of the previous entry of the chain; 64 zeros for seq 1. */
  readonly prevHash: string;
  /** SHA-256 (hex) of the canonical serialisation of every field above except `id`. */
  readonly hash: string;
}

/** The head of one chain as sealed by a checkpoint. */
export interface ChainHead {
  readonly shard: number;
  readonly seq: number;
  readonly hash: string;
}

/** The daily seal: records every chain's head for a day and links to the previous checkpoint. */
export interface AuditCheckpoint {
  readonly day: string;
  readonly chains: readonly ChainHead[];
  /** Sum of the chains' lengths. */
  readonly entries: number;
  readonly at: string;
  readonly writer: string;
  /** Day of the previous checkpoint, or null for the first one. */
  readonly prevDay: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditQuery {
  /** Inclusive lower bound, epoch ms. */
  readonly since?: number;
  /** Exclusive upper bound, epoch ms. */
  readonly until?: number;
  readonly service?: string;
}

export type BreakKind =
  | 'hash-mismatch'
  | 'prev-hash-mismatch'
  | 'missing-sequence'
  | 'position-mismatch'
  | 'checkpoint-mismatch'
  | 'archive-mismatch'
  | 'anchor-mismatch'
  | 'malformed';

export interface BrokenLink {
  readonly kind: BreakKind;
  /** `<day>/<shard>` for chain problems, `checkpoint/<day>` for checkpoint problems. */
  readonly chain: string;
  /** The entry where the chain breaks (or the first missing sequence number). */
  readonly entryId?: string;
  readonly message: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  /** UTC days verified (verification covers whole days: a chain can only be checked from its start). */
  readonly days: readonly string[];
  readonly chains: number;
  readonly entries: number;
  readonly checkpoints: number;
  /** Days without a checkpoint: removal of their newest entries cannot be detected. */
  readonly uncheckpointedDays: readonly string[];
  /** The first broken link in (day, shard, seq) order. */
  readonly firstBreak?: BrokenLink;
  /** How many problems were found in total. */
  readonly problems: number;
  /** What the table was compared with outside DynamoDB (the S3 archive), when it was. */
  readonly archive?: ArchiveComparison;
}

/** The S3 archive's evidence a verification compared the table with (src/audit/archive-source.ts). */
export interface ArchiveComparison {
  /** Archived days (sealed checkpoints) in the range. */
  readonly days: number;
  /** Hourly chain-head anchors in the range. */
  readonly anchors: number;
  /** ISO time of the newest anchor compared, if any. */
  readonly newestAnchorAt?: string;
}

/** An hourly anchor: every chain's head of one day at one moment, written once to the Object-Locked archive. */
export interface AuditAnchor {
  readonly day: string;
  readonly at: string;
  readonly writer: string;
  readonly chains: readonly ChainHead[];
}

/** What the archive holds for a range of days: the comparison's input. */
export interface ArchiveEvidence {
  readonly checkpoints: ReadonlyMap<string, AuditCheckpoint>;
  readonly anchors: readonly AuditAnchor[];
  /** Archive objects that could not be read as a checkpoint or an anchor. */
  readonly problems: readonly { readonly day: string; readonly message: string }[];
}

/** Reads the archive's evidence for days in [fromDay, toDay] (both optional). */
export interface ArchiveSource {
  evidence(fromDay?: string, toDay?: string): Promise<ArchiveEvidence>;
}

/** The port the rest of Lifeboat uses. */
export interface AuditLog {
  /** Appends an entry; retries on sequence conflicts with other replicas. Never updates or deletes. */
  append(event: AuditEventInput): Promise<AuditEntry>;
  /** Entries in time order (ties: shard, then seq), read page by page. */
  query(filter?: AuditQuery): AsyncIterable<AuditEntry>;
  /**
   * Verifies the chains and checkpoints of every UTC day that intersects the range; with `archive`,
   * also compares them with the sealed checkpoints and hourly anchors in the S3 archive.
   */
  verify(
    range?: Pick<AuditQuery, 'since' | 'until'> & { readonly archive?: ArchiveSource },
  ): Promise<VerifyReport>;
  /** The current head of every chain of a day (what an anchor records). */
  heads(day: string): Promise<ChainHead[]>;
  /** Seals a finished day (idempotent: returns the existing checkpoint). Refuses a broken day. */
  checkpoint(day: string): Promise<AuditCheckpoint>;
  /** One day's entries chain by chain, then its checkpoint if any: the archive's content. */
  readDay(day: string): AsyncIterable<AuditEntry | AuditCheckpoint>;
}
