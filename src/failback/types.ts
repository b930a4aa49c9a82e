/**
 * Failback: returning a service from its recovery Region to its primary Region. First the reverse
 * replication must exist and have caught up (docs/failback.md); what is missing is offered as setup steps
 * an approver runs; then a planned (RPO 0) switch back runs as a runbook of kind 'failback'.
 */

/** ready: replicating back and caught up; catching-up: replicating, not yet; missing: not set up. */
export type ReverseStatus = 'ready' | 'catching-up' | 'missing' | 'blocked' | 'unknown';

export type SetupKind = 'rds-create-replica' | 's3-add-replication-rule' | 'dynamodb-add-replica';

/** One mutating call that sets up reverse replication, exactly as it will be sent. */
export interface SetupStep {
  /** `<kind>:<resource id>`. */
  readonly id: string;
  readonly resourceId: string;
  readonly kind: SetupKind;
  readonly region: string;
  /** What it does, in plain words. */
  readonly description: string;
  readonly client: 'rds' | 's3' | 'dynamodb';
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface ReverseItem {
  readonly resourceId: string;
  readonly kind: string;
  readonly status: ReverseStatus;
  /** One plain sentence: what was observed. */
  readonly text: string;
  /** Offered when `missing` and Lifeboat can set it up. */
  readonly setup?: SetupStep;
  /** What a person must do by hand, and when, with the exact command where there is one. */
  readonly byHand?: string;
}

export type ServingRegion = 'primary' | 'recovery' | 'unknown';

export interface FailbackReadiness {
  readonly service: string;
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
  /** Where the service's data is written now, from observed AWS state (and the last failover on record). */
  readonly serving: ServingRegion;
  /** Why `serving` was decided so. */
  readonly servingReason: string;
  /** True when `serving` was read from AWS (a database's writer), not taken from the last move on record. */
  readonly servingObserved?: boolean;
  readonly items: readonly ReverseItem[];
  /** True when the service serves from its recovery Region and every item is ready. */
  readonly ready: boolean;
  readonly checkedAtMs: number;
}

/** A completed failover or failback. */
export interface Move {
  readonly kind: 'failover' | 'failback';
  readonly finishedAtMs: number;
  /** The execution that made it (absent when the caller does not know it). */
  readonly executionId?: string;
}

/** The last completed failover or failback of a service, if the caller knows it (`createMoveStore`). */
export type LastMove = (service: string) => Promise<Move | undefined>;

/** Setup steps run for a service, tracked to completion (`FAILBACK#<service>` / `SETUP`). */
export interface SetupRecord {
  readonly service: string;
  readonly requestedBy: string;
  readonly approvedBy: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly steps: Readonly<
    Record<
      string,
      {
        readonly step: SetupStep;
        readonly state: 'intent' | 'called' | 'done' | 'failed';
        readonly calledAtMs?: number;
        readonly doneAtMs?: number;
        readonly error?: string;
      }
    >
  >;
}
