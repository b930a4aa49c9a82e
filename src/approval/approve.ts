import { ConflictError } from '../adapters/store/versioned.js';
import type { ApprovalRecord } from '../domain/records.js';
import { auditApprovalIntent, auditApprovalOutcome, recordApprovalItem } from './decision-audit.js';
import { authorityForAll, servicesOf } from './group.js';
import { checkApproval, countApprovals, isExpired, type Refusal } from './policy.js';
import type { Preconditions } from './preconditions.js';
import { type ApproveOutcome, type FailoverRequestsDeps, stripVersion } from './request-model.js';
import { type Execution, type FailoverRequest, kindOf } from './types.js';

const EXPIRED_WHILE_MEASURING: Refusal = {
  ok: false,
  code: 'expired',
  auditType: 'approval.refused',
  message:
    'This request expired while its preconditions were being measured, so your approval was not recorded; nothing was done. Request a new failover if needed.',
};

/** What approving shares with the rest of the request state machine (src/approval/requests.ts). */
export interface ApproveContext {
  load(id: string): Promise<{ execution?: Execution; request?: FailoverRequest }>;
  /** The approval-time preconditions of every service of the request (never rejects: a failure refuses). */
  measureAll(request: FailoverRequest): Promise<Preconditions>;
  /** Audits a refusal. */
  refused(refusal: Refusal, userId: string, execution: Execution | undefined, id: string): Promise<void>;
  /** Audits a refusal, expiring a request found past its deadline. */
  refusedApproval(
    verdict: Refusal,
    userId: string,
    execution: Execution | undefined,
    id: string,
  ): Promise<ApproveOutcome>;
  alreadyFailedOver(service: string): Promise<Refusal | undefined>;
  incidentResolved(service: string, incidentId: string): Promise<Execution | undefined>;
  withCurrent(id: string): Promise<{ execution?: Execution }>;
}

/**
 * One approval, audited before it counts: `decision.intent`, then the approval item, then `approval.granted`;
 * the last approval needed moves the execution to `approved` by a conditional write. A click by someone whose
 * approval is already recorded re-runs the rest (outcome entry, transition) instead of being refused.
 */
export function createApprove(deps: FailoverRequestsDeps, ctx: ApproveContext) {
  const { stores, audit, clock } = deps;
  const { load, measureAll, refused, refusedApproval, alreadyFailedOver, incidentResolved, withCurrent } =
    ctx;

  /**
   * What refuses an authorised approval besides the policy, read together: a service already running in its
   * recovery Region, or an automatic request whose incident resolved (stale, even if not applied to it yet).
   */
  const gate = async (req: FailoverRequest, userId: string, pending: Execution) => {
    const stale = async () =>
      req.source === 'alarm' && req.incidentId && deps.incidentOpen
        ? !(await deps.incidentOpen(req.incidentId))
        : false;
    const [inRecovery, isStaleNow] = await Promise.all([
      kindOf(req) === 'failover' ? firstRefusal(servicesOf(req), alreadyFailedOver) : undefined,
      stale(),
    ]);
    if (inRecovery) {
      await refused(inRecovery, userId, pending, req.id);
      return { kind: 'refused' as const, refusal: inRecovery, execution: pending };
    }
    if (!isStaleNow || !req.incidentId) return undefined;
    const refusal: Refusal = {
      ok: false,
      code: 'stale',
      auditType: 'approval.refused',
      message: `This request is stale: the incident that raised it (${req.incidentId}) resolved, so it can no longer be approved. Request a failover again if one is still needed.`,
    };
    await refused(refusal, userId, pending, req.id);
    const written = await incidentResolved(req.service, req.incidentId);
    return { kind: 'refused' as const, refusal, execution: written ?? pending };
  };

  /** A recorded approval: counted with the others, and the last one needed moves the execution to `approved`. */
  const settle = async (
    req: FailoverRequest,
    pending: Execution,
    o: {
      readonly audited: boolean;
      readonly rerun: boolean;
      readonly recorded: readonly ApprovalRecord[];
      readonly preconditions: Preconditions | undefined;
    },
  ): Promise<ApproveOutcome> => {
    const approvers = countApprovals(req, o.recorded);
    const shown = o.preconditions ? { preconditions: o.preconditions } : {};
    const needed = req.approvalsRequired;
    // Until its outcome is audited, an approval does not move the request on: the next click completes it.
    if (!o.audited) return { kind: 'unaudited', execution: pending, approvers, needed };
    if (approvers.length < needed)
      return o.rerun
        ? { kind: 'already', execution: pending, approvers, needed }
        : { kind: 'recorded', execution: pending, approvers, needed, ...shown };
    try {
      const written = await stores.executions.transition(req.id, pending.version, {
        ...stripVersion(pending),
        state: 'approved',
        updatedAtMs: clock.now(),
      });
      return { kind: 'approved', execution: written, approvers, ...shown };
    } catch (error) {
      if (error instanceof ConflictError) return { kind: 'lost', ...(await withCurrent(req.id)) };
      throw error;
    }
  };

  return async (id: string, userId: string, digest: string | undefined): Promise<ApproveOutcome> => {
    // The request and the decisions recorded on it do not depend on each other: read together.
    const [{ execution, request }, decisions] = await Promise.all([load(id), stores.approvals.list(id)]);
    const plan = deps.getPlan();
    const now = clock.now();
    // Authorised for EVERY service of the request; a refusal names the first one the person is not an approver of.
    const { authority, service: judged } = request
      ? await authorityForAll(deps.approvers, plan, servicesOf(request), userId)
      : { authority: { kind: 'not-approver' as const }, service: '' };
    const decided = request ? decisions.find((a) => a.userId === userId) : undefined;
    const verdict = checkApproval({
      execution,
      request: request && judged !== request.service ? { ...request, service: judged } : request,
      userId,
      isApprover: authority.kind === 'approver',
      ...(authority.kind === 'lookup-failed' ? { lookupFailed: authority } : {}),
      planHash: plan.hash,
      now,
      digest,
      ...(decided ? { decided } : {}),
    });
    if (!verdict.ok) return refusedApproval(verdict, userId, execution, id);
    const req = request as FailoverRequest;
    const pending = execution as Execution;
    const rerun = decided !== undefined;
    // The fresh measurement is most of an approval's time, so it starts once the person is known to be an approver
    // and runs beside the remaining checks and the intent's audit entry. Only its result lets the approval count,
    // and nothing is written that depends on it before it is in (docs/runbook.md, issue 19).
    const measuring = rerun ? undefined : measureAll(req);
    // It never rejects (a failed measurement refuses); should that change, a refusal returned below before it is
    // awaited must not leave a rejection unhandled.
    void measuring?.catch(() => undefined);
    const gated = await gate(req, userId, pending);
    if (gated) return gated;
    const approval = {
      decision: 'approve' as const,
      actor: userId,
      service: req.service,
      executionId: id,
      planHash: req.planHash,
      ...(decided ? { decided } : {}),
      intentDetails: { planHash: req.planHash, digest: req.digest },
      now: () => clock.now(),
    };
    // The intent precedes the approval item, as always; measured refusals below follow an audited intent.
    if (!rerun) await auditApprovalIntent(audit, approval);
    const preconditions = await measuring;
    if (preconditions && !preconditions.ok) {
      const refusal: Refusal = {
        ok: false,
        code: 'preconditions',
        auditType: 'approval.refused',
        message: `Preconditions are not met, so this approval was not recorded:\n${preconditions.lines
          .filter((l) => l.status === 'fail')
          .map((l) => `• ${l.text}`)
          .join('\n')}`,
      };
      await refused(refusal, userId, pending, id);
      return { kind: 'refused', refusal, execution: pending, preconditions };
    }
    // Measuring can take a while: an approval that would land after the deadline is refused, never late.
    if (isExpired(req, clock.now())) return refusedApproval(EXPIRED_WHILE_MEASURING, userId, pending, id);
    const outcome = {
      ...approval,
      outcomeDetails: {
        planHash: req.planHash,
        digest: req.digest,
        ...(rerun ? { rerun } : {}),
        // The data-loss window measured now: the recovery report's figure for an unplanned failover.
        ...(preconditions?.lagMs !== undefined
          ? { lagMs: preconditions.lagMs, lagMeasuredAtMs: preconditions.checkedAt }
          : {}),
      },
    };
    if ((await recordApprovalItem(audit, stores.approvals, outcome, true)) === 'lost')
      return { kind: 'lost', ...(await withCurrent(id)) };
    // Our item is written: re-read beside the outcome entry, so of two approvers clicking at once one sees both.
    const [{ audited, noted }, recorded] = await Promise.all([
      auditApprovalOutcome(audit, stores.approvals, outcome),
      stores.approvals.list(id),
    ]);
    try {
      return await settle(req, pending, { audited, rerun, recorded, preconditions });
    } finally {
      await noted;
    }
  };
}

/** The first refusal among the services, in order. */
async function firstRefusal(
  services: readonly string[],
  check: (service: string) => Promise<Refusal | undefined>,
): Promise<Refusal | undefined> {
  for (const service of services) {
    const refusal = await check(service);
    if (refusal) return refusal;
  }
  return undefined;
}
