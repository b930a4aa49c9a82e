import type { ApprovalRecord } from '../domain/records.js';
import type { Plan } from '../plan/load.js';
import { type Execution, type FailoverRequest, LIFEBOAT_REQUESTER } from './types.js';

/**
 * The two-person rule as pure functions of stored state: whoever clicks, whatever the button said, the
 * server decides from the execution, the request, the plan in force and the clicker's authority.
 */

export type RefusalCode =
  | 'unknown-request'
  | 'not-pending'
  | 'expired'
  | 'self-approval'
  | 'not-approver'
  | 'plan-changed'
  | 'parameters-changed'
  | 'already-decided'
  | 'preconditions'
  | 'not-planned'
  | 'not-paused'
  | 'lookup-failed'
  | 'outdated-card'
  | 'self-skip'
  | 'already-proposed'
  | 'already-failed-over'
  | 'stale';

export interface Refusal {
  readonly ok: false;
  readonly code: RefusalCode;
  /** Said to the person, plainly. */
  readonly message: string;
  /** `auth.refused` when the person lacks authority; `approval.refused` for everything else. */
  readonly auditType: 'approval.refused' | 'auth.refused';
}

export type Verdict = { readonly ok: true } | Refusal;

const OK: Verdict = { ok: true };
const refuse = (code: RefusalCode, message: string, auditType: Refusal['auditType'] = 'approval.refused') =>
  ({ ok: false, code, message, auditType }) as const;

/** Approvals needed besides the requester: the service's (or the plan default), at least 2 for Lifeboat. */
export function approvalsNeeded(plan: Plan, service: string, requestedBy: string): number {
  const configured = plan.services[service]?.approvalsRequired ?? plan.defaults.approvalsRequired;
  return requestedBy === LIFEBOAT_REQUESTER ? Math.max(2, configured) : configured;
}

/** Distinct people other than the requester who approved under the request's plan hash. */
export function countApprovals(request: FailoverRequest, approvals: readonly ApprovalRecord[]): string[] {
  const approvers = approvals
    .filter(
      (a) =>
        a.executionId === request.id &&
        a.decision === 'approve' &&
        a.userId !== request.requestedBy &&
        a.userId !== LIFEBOAT_REQUESTER &&
        a.planHash === request.planHash,
    )
    .map((a) => a.userId);
  return [...new Set(approvers)];
}

export const isExpired = (request: FailoverRequest, now: number) => now >= request.deadlineMs;

const STATE_WORDS: Record<Execution['state'], string> = {
  pendingApproval: 'waiting for approval',
  approved: 'approved',
  running: 'running',
  pausedByFailedStep: 'paused on a failed step',
  completed: 'completed',
  aborted: 'aborted',
  declined: 'declined',
  expired: 'expired',
};
export const describeState = (state: Execution['state']) => STATE_WORDS[state];

export interface DecisionInput {
  readonly execution: Execution | undefined;
  readonly request: FailoverRequest | undefined;
  readonly userId: string;
  /** Whether the user is an approver of the request's service (directly or through a user group). */
  readonly isApprover: boolean;
  /** Set when a user group could not be read, so whether the user is an approver is unknown. */
  readonly lookupFailed?: { readonly usergroup: string; readonly error: string };
  readonly planHash: string;
  readonly now: number;
}

function pending(input: DecisionInput): Verdict {
  const { execution, request } = input;
  if (!execution || !request) return refuse('unknown-request', 'There is no such failover request.');
  if (execution.state !== 'pendingApproval')
    return refuse(
      'not-pending',
      `This request is no longer waiting for approval: it is ${describeState(execution.state)}.`,
    );
  if (isExpired(request, input.now))
    return refuse('expired', 'This request has expired; nothing was done. Request a new failover if needed.');
  return OK;
}

/** The refusal when a user group could not be read: not "not an approver", and worth a retry. */
function lookupRefusal(input: Pick<DecisionInput, 'lookupFailed'>, service: string): Refusal | undefined {
  const failed = input.lookupFailed;
  if (!failed) return undefined;
  return refuse(
    'lookup-failed',
    `Lifeboat could not read the Slack user group ${failed.usergroup} (${failed.error}), so it cannot tell whether you are an approver of ${service}. Nothing was done; try again in a moment.`,
  );
}

/**
 * May `userId` approve now? `digest` is what the clicked button carried; `decided` this user's earlier decision.
 * An approval already recorded for this user passes: the click re-runs the decision (its audit entry and the
 * transition to approved) instead of being refused, so an approval whose outcome could not be audited completes.
 */
export function checkApproval(
  input: DecisionInput & { readonly digest: string | undefined; readonly decided?: ApprovalRecord },
): Verdict {
  const state = pending(input);
  if (!state.ok) return state;
  const request = input.request as FailoverRequest;
  if (input.userId === request.requestedBy)
    return refuse(
      'self-approval',
      'You requested this failover, so you cannot approve it: a second, different approver must.',
    );
  const unknown = lookupRefusal(input, request.service);
  if (unknown) return unknown;
  if (!input.isApprover)
    return refuse(
      'not-approver',
      `You are not an approver of ${request.service} in the DR plan, so you cannot approve this failover.`,
      'auth.refused',
    );
  if (input.planHash !== request.planHash)
    return refuse(
      'plan-changed',
      'The DR plan has changed since this request was made, so what you would approve is not what was requested. Nothing was done; request the failover again under the current plan.',
    );
  if (input.digest !== request.digest)
    return refuse(
      'parameters-changed',
      'This approval does not match the request’s parameters (an outdated or altered button). Nothing was done.',
    );
  if (input.decided && (input.decided.decision !== 'approve' || input.decided.planHash !== request.planHash))
    return refuse('already-decided', 'You already declined this request.');
  return OK;
}

/** May `userId` decline (approvers) or withdraw (the requester) the request now? */
export function checkDecline(input: DecisionInput): Verdict {
  const state = pending(input);
  if (!state.ok) return state;
  const request = input.request as FailoverRequest;
  if (input.userId !== request.requestedBy && input.lookupFailed)
    return lookupRefusal(input, request.service) ?? OK;
  if (input.userId !== request.requestedBy && !input.isApprover)
    return refuse(
      'not-approver',
      `You are not an approver of ${request.service} in the DR plan, so you cannot decline this failover.`,
      'auth.refused',
    );
  return OK;
}

/** May `userId` retry, skip or abort the failed step of a paused execution? Approvers only. */
export function checkStepDecision(
  input: Pick<DecisionInput, 'execution' | 'userId' | 'isApprover' | 'lookupFailed'>,
): Verdict {
  const { execution } = input;
  if (!execution) return refuse('unknown-request', 'There is no such failover.');
  const unknown = lookupRefusal(input, execution.service);
  if (unknown) return unknown;
  if (!input.isApprover)
    return refuse(
      'not-approver',
      `You are not an approver of ${execution.service} in the DR plan, so you cannot decide how this failover continues.`,
      'auth.refused',
    );
  if (execution.state !== 'pausedByFailedStep')
    return refuse('not-paused', `This failover is not paused: it is ${describeState(execution.state)}.`);
  return OK;
}
