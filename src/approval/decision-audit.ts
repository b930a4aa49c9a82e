import type { AuditEventInput, AuditLog, JsonObject } from '../audit/types.js';
import type { ApprovalRecord } from '../domain/records.js';
import type { Logger } from '../logger.js';

/**
 * Every decision a person makes is audited before it takes effect: first its intent (`decision.intent`),
 * then the state is written, then its outcome (the decision's own event: `approval.granted`, `step.skip`…).
 * When the intent cannot be appended nothing takes effect and the person is told; when only the outcome
 * cannot, the decision has taken effect under its audited intent and the person is told to click again
 * (which re-runs the decision and appends the outcome).
 */

export type DecisionName =
  | 'approve'
  | 'decline'
  | 'retry'
  | 'skip'
  | 'skip-proposal'
  | 'abort'
  | 'drill-approve'
  | 'drill-decline'
  | 'keep'
  | 'cleanup';

/** The audit log refused a decision's intent: nothing was done. Its message is said to the person. */
export class DecisionNotAuditedError extends Error {
  constructor(
    readonly decision: DecisionName,
    cause: unknown,
  ) {
    super(
      `the audit log could not record your decision (${cause instanceof Error ? cause.message : String(cause)}), so nothing was done; try again`,
    );
    this.name = 'DecisionNotAuditedError';
  }
}

export interface DecisionIntent {
  readonly decision: DecisionName;
  readonly actor: string;
  readonly service: string;
  /** The execution or drill the decision is about. */
  readonly executionId: string;
  readonly details?: JsonObject;
}

/** Appends the decision's intent; throws `DecisionNotAuditedError` (and nothing may take effect) if it fails. */
export async function auditIntent(audit: Pick<AuditLog, 'append'>, intent: DecisionIntent): Promise<void> {
  try {
    await audit.append({
      type: 'decision.intent',
      actor: intent.actor,
      service: intent.service,
      executionId: intent.executionId,
      details: { requestId: intent.executionId, decision: intent.decision, ...intent.details },
    });
  } catch (error) {
    throw new DecisionNotAuditedError(intent.decision, error);
  }
}

/** Appends a decision's outcome once it has taken effect; false (logged) when the audit log refused it. */
export async function auditOutcome(
  audit: Pick<AuditLog, 'append'>,
  event: AuditEventInput,
  logger?: Pick<Logger, 'error'>,
): Promise<boolean> {
  try {
    await audit.append(event);
    return true;
  } catch (error) {
    logger?.error(
      { err: error, type: event.type, executionId: event.executionId },
      'a decision took effect but its outcome could not be audited (its intent is)',
    );
    return false;
  }
}

/** The approval store as an audited approval needs it (src/adapters/store). */
export interface AuditedApprovalStore {
  record(approval: ApprovalRecord): Promise<boolean>;
  markAudited(executionId: string, userId: string, atMs: number): Promise<boolean>;
}

export interface AuditedApproval {
  readonly decision: 'approve' | 'drill-approve';
  readonly actor: string;
  readonly service: string;
  readonly executionId: string;
  readonly planHash: string;
  /** This person's recorded decision, when the click re-runs one (its intent and item are already written). */
  readonly decided?: Pick<ApprovalRecord, 'outcomeAuditedAtMs'>;
  readonly intentDetails: JsonObject;
  readonly outcomeDetails: JsonObject;
  readonly now: () => number;
}

/** An approval's `decision.intent`; throws `DecisionNotAuditedError` (and nothing may take effect) if refused. */
export function auditApprovalIntent(
  audit: Pick<AuditLog, 'append'>,
  a: Pick<AuditedApproval, 'decision' | 'actor' | 'service' | 'executionId' | 'intentDetails'>,
): Promise<void> {
  return auditIntent(audit, {
    decision: a.decision,
    actor: a.actor,
    service: a.service,
    executionId: a.executionId,
    details: a.intentDetails,
  });
}

/**
 * The first half of an audited approval: its intent (throws `DecisionNotAuditedError` if refused; skipped when
 * `intentAudited`, the caller having appended it already), then the approval item. `lost`: another click of the
 * same person recorded it first. Nothing to do for a re-click by a recorded approver (`decided`).
 */
export async function recordApprovalItem(
  audit: Pick<AuditLog, 'append'>,
  approvals: AuditedApprovalStore,
  a: AuditedApproval,
  intentAudited = false,
): Promise<'recorded' | 'lost'> {
  if (a.decided) return 'recorded';
  if (!intentAudited) await auditApprovalIntent(audit, a);
  const first = await approvals.record({
    executionId: a.executionId,
    userId: a.actor,
    decision: 'approve',
    atMs: a.now(),
    planHash: a.planHash,
  });
  return first ? 'recorded' : 'lost';
}

/**
 * The second half: the `approval.granted` outcome, unless a re-click finds it in the log already. `noted` settles
 * once the outcome is noted on the item (so a re-click appends none); the caller need not wait for it before acting
 * on the approval, and without the note a re-click appends the entry again: harmless (readers count people).
 */
export async function auditApprovalOutcome(
  audit: Pick<AuditLog, 'append'>,
  approvals: AuditedApprovalStore,
  a: AuditedApproval,
): Promise<{ readonly audited: boolean; readonly noted: Promise<unknown> }> {
  if (a.decided?.outcomeAuditedAtMs !== undefined) return { audited: true, noted: Promise.resolve() };
  const audited = await auditOutcome(audit, {
    type: 'approval.granted',
    actor: a.actor,
    service: a.service,
    executionId: a.executionId,
    details: { requestId: a.executionId, ...a.outcomeDetails },
  });
  const noted = audited
    ? approvals.markAudited(a.executionId, a.actor, a.now()).catch(() => false)
    : Promise.resolve();
  return { audited, noted };
}

/**
 * One approval, audited before it counts: the intent (throws `DecisionNotAuditedError` if refused), the approval
 * item, then the `approval.granted` outcome, noted on the item so a re-click appends none. A re-click by a
 * recorded approver re-runs only what is missing. `lost`: another click of the same person recorded it first;
 * `unaudited`: it is recorded under its intent but its outcome is not in the log yet, so it must not count.
 */
export async function recordAuditedApproval(
  audit: Pick<AuditLog, 'append'>,
  approvals: AuditedApprovalStore,
  a: AuditedApproval,
): Promise<'audited' | 'unaudited' | 'lost'> {
  if ((await recordApprovalItem(audit, approvals, a)) === 'lost') return 'lost';
  const { audited, noted } = await auditApprovalOutcome(audit, approvals, a);
  await noted;
  return audited ? 'audited' : 'unaudited';
}
