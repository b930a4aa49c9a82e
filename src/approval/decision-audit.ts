import type { AuditEventInput, AuditLog, JsonObject } from '../audit/types.js';
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
