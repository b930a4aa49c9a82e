import { randomUUID } from 'node:crypto';
import type { ApprovalStore } from '../adapters/store/index.js';
import { type ApproverDirectory, authorityOf } from '../approval/approvers.js';
import { auditIntent, auditOutcome, recordAuditedApproval } from '../approval/decision-audit.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import { resolveBackups } from '../plan/backups.js';
import type { Plan } from '../plan/load.js';
import { drillIsolation, drillLaunchRefusal, drillSteps } from './plan.js';
import { updateDrill } from './record.js';
import type { DrillSlot, DrillStores } from './store.js';
import { type Drill, type DrillRecord, FINAL_DRILL_STATES } from './types.js';

export interface DrillRequestsDeps {
  readonly stores: DrillStores;
  readonly approvals: ApprovalStore;
  readonly approvers: ApproverDirectory;
  readonly audit: AuditLog;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  readonly newId?: () => string;
}

export type DrillRequestOutcome =
  | { readonly kind: 'started' | 'pending'; readonly drill: Drill }
  | { readonly kind: 'busy'; readonly drill?: Drill }
  | { readonly kind: 'refused'; readonly message: string };

export type DrillApprovalOutcome =
  | { readonly kind: 'refused'; readonly message: string; readonly drill?: Drill }
  | { readonly kind: 'recorded' | 'started' | 'declined'; readonly drill: Drill };

/** Approvals besides the requester: the service's drillApprovalsRequired, else the plan default (0 = requester alone). */
export function drillApprovalsNeeded(plan: Plan, service: string): number {
  return plan.services[service]?.drillApprovalsRequired ?? plan.defaults.drillApprovalsRequired;
}

/**
 * Drill requests under the two-person rule, with its own threshold: the requester must be an approver of the
 * service; `drillApprovalsRequired` other approvers must approve (0: it starts at once). One drill per service.
 */
export function createDrillRequests(deps: DrillRequestsDeps) {
  const { stores, audit, clock } = deps;
  const now = () => clock.now();
  const newId = deps.newId ?? randomUUID;

  const isStale = async (holder: DrillSlot) => {
    const drill = await stores.drills.get(holder.drillId);
    if (!drill) return now() - holder.claimedAtMs > 60_000;
    return FINAL_DRILL_STATES.has(drill.state) || (drill.state === 'pendingApproval' && expired(drill));
  };
  const expired = (drill: DrillRecord) => now() >= drill.createdAtMs + deps.getPlan().defaults.requestTtl;
  const refuse = async (userId: string, message: string, code: string, drill?: Drill, auth = false) => {
    await audit.append({
      type: auth ? 'auth.refused' : 'approval.refused',
      actor: userId,
      ...(drill ? { service: drill.service, executionId: drill.id } : {}),
      details: { requestId: drill?.id ?? null, kind: 'drill', code, reason: message },
    });
    return { kind: 'refused' as const, message, ...(drill ? { drill } : {}) };
  };
  /** Refuses anyone who is not an approver of the drill's service (or when that cannot be told); else undefined. */
  const checkApprover = async (userId: string, drill: Drill) => {
    const authority = await authorityOf(deps.approvers, deps.getPlan(), drill.service, userId);
    if (authority.kind === 'approver') return undefined;
    if (authority.kind === 'lookup-failed')
      return refuse(
        userId,
        `Lifeboat could not read the Slack user group ${authority.usergroup} (${authority.error}), so it cannot tell whether you are an approver of ${drill.service}. Nothing was done; try again in a moment.`,
        'lookup-failed',
        drill,
      );
    return refuse(
      userId,
      `You are not an approver of ${drill.service} in the DR plan.`,
      'not-approver',
      drill,
      true,
    );
  };
  const start = (d: DrillRecord): DrillRecord => ({ ...d, state: 'running', startedAtMs: now() });
  const started = async (drill: Drill) => {
    await audit.append({
      type: 'drill.started',
      actor: 'lifeboat',
      service: drill.service,
      executionId: drill.id,
      details: { requestId: drill.id, approvers: [...drill.approvers], steps: [...drill.order] },
    });
  };

  return {
    async request(input: {
      readonly service: string;
      readonly requestedBy: string;
      readonly reason: string;
      readonly channel: string;
    }): Promise<DrillRequestOutcome> {
      const plan = deps.getPlan();
      const service = Object.hasOwn(plan.services, input.service) ? plan.services[input.service] : undefined;
      if (!service)
        return { kind: 'refused', message: `There is no service "${input.service}" in the DR plan.` };
      if (!(await deps.approvers.isApprover(plan, input.service, input.requestedBy)))
        return refuse(
          input.requestedBy,
          `Only approvers of ${input.service} in the DR plan can request a drill of it.`,
          'not-approver',
          undefined,
          true,
        );
      const placement = drillLaunchRefusal({ ...service, name: input.service });
      if (placement) return refuse(input.requestedBy, placement, 'no-drill-placement');
      const id = newId();
      const holder = await stores.claim({ service: input.service, drillId: id, claimedAtMs: now() }, isStale);
      if (holder) {
        const drill = await stores.drills.get(holder.drillId);
        return { kind: 'busy', ...(drill ? { drill } : {}) };
      }
      const steps = drillSteps(service, id, resolveBackups(plan, input.service, service));
      const approvalsRequired = drillApprovalsNeeded(plan, input.service);
      await audit.append({
        type: 'request.created',
        actor: input.requestedBy,
        service: input.service,
        executionId: id,
        channel: input.channel,
        details: {
          requestId: id,
          kind: 'drill',
          reason: input.reason,
          planHash: plan.hash,
          approvalsRequired,
        },
      });
      const record: DrillRecord = {
        id,
        service: input.service,
        state: 'pendingApproval',
        requestedBy: input.requestedBy,
        reason: input.reason,
        planHash: plan.hash,
        createdAtMs: now(),
        updatedAtMs: now(),
        approvalsRequired,
        approvers: [],
        channel: input.channel,
        isolation: drillIsolation(service),
        order: steps.map((s) => s.id),
        steps: Object.fromEntries(steps.map((s) => [s.id, s])),
      };
      const drill = await stores.drills.create(id, approvalsRequired === 0 ? start(record) : record);
      if (drill.state === 'running') {
        await started(drill);
        return { kind: 'started', drill };
      }
      return { kind: 'pending', drill };
    },

    async approve(id: string, userId: string): Promise<DrillApprovalOutcome> {
      const plan = deps.getPlan();
      const drill = await stores.drills.get(id);
      if (!drill) return refuse(userId, 'There is no such drill request.', 'unknown-request');
      if (drill.state !== 'pendingApproval')
        return refuse(userId, 'This drill is no longer waiting for approval.', 'not-pending', drill);
      if (expired(drill)) {
        const { drill: gone } = await updateDrill(stores, id, now, (d) =>
          d.state === 'pendingApproval' ? { ...d, state: 'expired', finishedAtMs: now() } : undefined,
        );
        await stores.release(drill.service, id);
        await audit.append({
          type: 'request.expired',
          actor: 'lifeboat',
          service: drill.service,
          executionId: id,
          details: { requestId: id },
        });
        return refuse(userId, 'This drill request has expired; nothing was done.', 'expired', gone ?? drill);
      }
      if (userId === drill.requestedBy)
        return refuse(
          userId,
          'You requested this drill, so a different approver must approve it.',
          'self-approval',
          drill,
        );
      const unauthorised = await checkApprover(userId, drill);
      if (unauthorised) return unauthorised;
      if (plan.hash !== drill.planHash)
        return refuse(
          userId,
          'The DR plan changed since this drill was requested; request it again.',
          'plan-changed',
          drill,
        );
      // Audited before it counts (intent, approval item, outcome); a recorded approver's re-click re-runs the rest.
      const decided = (await deps.approvals.list(id)).find((a) => a.userId === userId);
      if (decided && decided.decision !== 'approve')
        return refuse(userId, 'You already declined this drill request.', 'already-decided', drill);
      const outcome = await recordAuditedApproval(audit, deps.approvals, {
        decision: 'drill-approve',
        actor: userId,
        service: drill.service,
        executionId: id,
        planHash: drill.planHash,
        ...(decided ? { decided } : {}),
        intentDetails: { kind: 'drill', planHash: drill.planHash },
        outcomeDetails: { kind: 'drill', ...(decided ? { rerun: true } : {}) },
        now,
      });
      if (outcome === 'lost')
        return refuse(userId, 'You already decided on this drill request.', 'already-decided', drill);
      const audited = outcome === 'audited';
      if (!audited)
        return {
          kind: 'refused',
          message:
            'Your approval is recorded under its audited intent, but the audit log could not record its outcome, so it does not count yet. Click Approve again to complete it.',
          drill,
        };
      const { drill: next } = await updateDrill(stores, id, now, (d) => {
        if (d.state !== 'pendingApproval' || d.approvers.includes(userId)) return undefined;
        const approvers = [...d.approvers, userId];
        const updated = { ...d, approvers };
        return approvers.length >= d.approvalsRequired ? start(updated) : updated;
      });
      if (!next) return refuse(userId, 'There is no such drill request.', 'unknown-request');
      if (next.state === 'running' && next.approvers.at(-1) === userId) {
        await started(next);
        return { kind: 'started', drill: next };
      }
      return { kind: 'recorded', drill: next };
    },

    async decline(id: string, userId: string): Promise<DrillApprovalOutcome> {
      const drill = await stores.drills.get(id);
      if (drill?.state !== 'pendingApproval')
        return refuse(userId, 'This drill is not waiting for approval.', 'not-pending', drill);
      if (userId !== drill.requestedBy) {
        const unauthorised = await checkApprover(userId, drill);
        if (unauthorised) return unauthorised;
      }
      await auditIntent(audit, {
        decision: 'drill-decline',
        actor: userId,
        service: drill.service,
        executionId: id,
        details: { kind: 'drill' },
      });
      const { drill: next } = await updateDrill(stores, id, now, (d) =>
        d.state === 'pendingApproval'
          ? { ...d, state: 'declined', declinedBy: userId, finishedAtMs: now() }
          : undefined,
      );
      if (next?.state !== 'declined')
        return refuse(userId, 'This drill is not waiting for approval.', 'not-pending', next);
      await stores.release(drill.service, id);
      await auditOutcome(audit, {
        type: 'request.declined',
        actor: userId,
        service: drill.service,
        executionId: id,
        details: { requestId: id, kind: 'drill' },
      });
      return { kind: 'declined', drill: next };
    },
  };
}

export type DrillRequests = ReturnType<typeof createDrillRequests>;
