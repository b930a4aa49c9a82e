import { createHash } from 'node:crypto';
import type { Stores } from '../adapters/store/index.js';
import type { AuditLog } from '../audit/types.js';
import { canonicalJson } from '../domain/canonical-json.js';
import type { Clock } from '../domain/clock.js';
import type { ExecutionRecord } from '../domain/records.js';
import type { Plan } from '../plan/load.js';
import type { ReadinessService } from '../readiness/service.js';
import type { OperatingState } from '../state/types.js';
import type { ApproverDirectory } from './approvers.js';
import type { Refusal } from './policy.js';
import type { Preconditions } from './preconditions.js';
import type { RequestStore, ServiceSlot } from './store.js';
import type { Execution, FailoverMode, FailoverRequest, RequestKind } from './types.js';

/** The request state machine's inputs and outcomes, and the digest that binds an approval to a request. */

export interface FailoverRequestsDeps {
  readonly stores: Pick<Stores, 'executions' | 'approvals'>;
  readonly requests: RequestStore;
  readonly audit: AuditLog;
  readonly approvers: ApproverDirectory;
  /** Fresh readiness for the approval-time preconditions. */
  readonly readiness: Pick<ReadinessService, 'check'>;
  /** A failback's approval-time preconditions (the failback check); without it failbacks cannot be approved. */
  readonly failbackPreconditions?: (service: string) => Promise<Preconditions>;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  readonly newId?: () => string;
  /** Where the service runs now (src/state/): a failover of a service already in its recovery Region is refused. */
  readonly operatingState?: (service: string) => Promise<OperatingState>;
  /** Whether an incident is still open: an automatic request whose incident resolved is stale. */
  readonly incidentOpen?: (incidentId: string) => Promise<boolean>;
}

export interface NewRequest {
  readonly service: string;
  /** Several services under one request and one approval (failover only), run in `after:` order. */
  readonly services?: readonly string[];
  /** Default failover. A failback is planned only (RPO 0). */
  readonly kind?: RequestKind;
  readonly mode: FailoverMode;
  readonly reason: string;
  readonly requestedBy: string;
  readonly source: 'slack' | 'alarm';
  readonly alarmName?: string;
  /** The incident whose alarm raised it (automatic requests). */
  readonly incidentId?: string;
  readonly where: { readonly channel: string; readonly threadTs?: string };
}

export type CreateOutcome =
  | { readonly kind: 'created'; readonly request: FailoverRequest; readonly execution: Execution }
  | { readonly kind: 'busy'; readonly holder: ServiceSlot; readonly execution?: Execution }
  | { readonly kind: 'refused'; readonly refusal: Refusal };

export type ApproveOutcome =
  | {
      readonly kind: 'refused';
      readonly refusal: Refusal;
      readonly execution?: Execution;
      readonly preconditions?: Preconditions;
      /** This click found the request past its deadline and expired it (the requester is told). */
      readonly expiredNow?: Execution;
    }
  /** Recorded, more approvals needed. `preconditions` absent when a recorded approval was re-run. */
  | {
      readonly kind: 'recorded';
      readonly execution: Execution;
      readonly approvers: readonly string[];
      readonly needed: number;
      readonly preconditions?: Preconditions;
    }
  /** A re-click by someone whose approval is recorded and audited, while more approvals are still needed. */
  | {
      readonly kind: 'already';
      readonly execution: Execution;
      readonly approvers: readonly string[];
      readonly needed: number;
    }
  /** Recorded under its audited intent, but `approval.granted` could not be appended: a re-click completes it. */
  | {
      readonly kind: 'unaudited';
      readonly execution: Execution;
      readonly approvers: readonly string[];
      readonly needed: number;
    }
  /** This approval completed the rule and this caller won the transition to `approved`. */
  | {
      readonly kind: 'approved';
      readonly execution: Execution;
      readonly approvers: readonly string[];
      readonly preconditions?: Preconditions;
    }
  /** Someone else (another click, replica or approver) changed the execution first. */
  | { readonly kind: 'lost'; readonly execution?: Execution };

export type DeclineOutcome =
  | {
      readonly kind: 'refused';
      readonly refusal: Refusal;
      readonly execution?: Execution;
      readonly expiredNow?: Execution;
    }
  /** `unaudited`: declined under its audited intent, but `request.declined` could not be appended. */
  | { readonly kind: 'declined'; readonly execution: Execution; readonly unaudited?: true }
  | { readonly kind: 'lost'; readonly execution?: Execution };

/** Digest of what approvers are shown; the Approve button carries it and approval must match it. */
export function requestDigest(r: Omit<FailoverRequest, 'digest' | 'messageTs'>): string {
  const bound = {
    id: r.id,
    service: r.service,
    // Bound only for requests of several services, so other digests stay as they were.
    ...(r.services ? { services: r.services } : {}),
    // Bound only for failbacks, so failover digests stay as they were.
    ...(r.kind === 'failback' ? { kind: r.kind } : {}),
    mode: r.mode,
    requestedBy: r.requestedBy,
    reason: r.reason,
  };
  return createHash('sha256')
    .update(canonicalJson({ ...bound, planHash: r.planHash, deadlineMs: r.deadlineMs }))
    .digest('hex')
    .slice(0, 32);
}

/** What is written back: never the version (the store sets it) nor an expiry. */
export function stripVersion(execution: Execution): ExecutionRecord {
  const {
    version: _version,
    expiresAtMs: _expires,
    ...rest
  } = execution as Execution & {
    expiresAtMs?: number;
  };
  return rest;
}
