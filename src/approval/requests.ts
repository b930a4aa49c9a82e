import { randomUUID } from 'node:crypto';
import { ConflictError } from '../adapters/store/versioned.js';
import type { ExecutionRecord } from '../domain/records.js';
import { failoverRefusal } from '../state/gate.js';
import { createApprove } from './approve.js';
import { authorityOf } from './approvers.js';
import { auditIntent, auditOutcome } from './decision-audit.js';
import { memberIds, servicesOf } from './group.js';
import { createGroupRequest } from './group-requests.js';
import { createMeasure } from './measure.js';
import { approvalsNeeded, checkDecline, isExpired, type Refusal } from './policy.js';
import { acceptedStandalone, type Preconditions } from './preconditions.js';
import {
  type ApproveOutcome,
  type CreateOutcome,
  type DeclineOutcome,
  type FailoverRequestsDeps,
  type NewRequest,
  requestDigest,
  stripVersion,
} from './request-model.js';
import type { ServiceSlot } from './store.js';
import { type Execution, type FailoverRequest, TERMINAL_STATES } from './types.js';

export * from './request-model.js';

/** A slot held by a missing execution is only taken over after this long (its creator may still be writing it). */
const ORPHAN_SLOT_MS = 60_000;

/** The request and approval state machine: DynamoDB conditional writes and the audit log, no Slack. */
export function createFailoverRequests(deps: FailoverRequestsDeps) {
  const { stores, requests, audit, clock } = deps;
  const newId = deps.newId ?? randomUUID;
  const measure = createMeasure({
    readiness: deps.readiness,
    getPlan: deps.getPlan,
    clock,
    ...(deps.failbackPreconditions ? { failbackPreconditions: deps.failbackPreconditions } : {}),
  });

  const load = async (id: string) => {
    const [execution, request] = await Promise.all([stores.executions.get(id), requests.get(id)]);
    return { execution, request };
  };
  const current = async (id: string) => (await stores.executions.get(id)) ?? undefined;

  const isStale = async (holder: ServiceSlot) => {
    const execution = await stores.executions.get(holder.executionId);
    if (!execution) return clock.now() - holder.claimedAtMs > ORPHAN_SLOT_MS;
    if (TERMINAL_STATES.has(execution.state)) return true;
    // A service of a request for several: stale once the request's own execution is no longer going anywhere.
    if (execution.group && execution.group.index > 0) {
      const lead = await stores.executions.get(execution.group.id);
      return !lead || (TERMINAL_STATES.has(lead.state) && lead.state !== 'completed');
    }
    const request = await requests.get(holder.executionId);
    return execution.state === 'pendingApproval' && request !== undefined && isExpired(request, clock.now());
  };

  /** Moves a pending execution to a final state (declined/expired) from the version we read. */
  const finish = async (execution: Execution, state: 'declined' | 'expired') => {
    const next: ExecutionRecord = { ...stripVersion(execution), state, updatedAtMs: clock.now() };
    const written = await stores.executions.transition(execution.id, execution.version, next);
    await requests.release(execution.service, execution.id).catch(() => false);
    if (execution.group) await finishMembers(execution.group, state);
    return written;
  };

  /** The other services of a declined or expired request for several: the same end, their slots freed. */
  const finishMembers = async (group: NonNullable<Execution['group']>, state: 'declined' | 'expired') => {
    const ids = memberIds({ id: group.id, service: group.services[0] ?? '', services: group.services });
    for (const id of ids.slice(1)) {
      const member = await stores.executions.get(id);
      if (member?.state !== 'pendingApproval') continue;
      await stores.executions
        .transition(id, member.version, { ...stripVersion(member), state, updatedAtMs: clock.now() })
        .catch((error: unknown) => {
          if (!(error instanceof ConflictError)) throw error;
        });
      await requests.release(member.service, id).catch(() => false);
    }
  };

  const expireOne = async (execution: Execution): Promise<Execution | undefined> => {
    try {
      const written = await finish(execution, 'expired');
      await audit.append({
        type: 'request.expired',
        actor: 'lifeboat',
        service: execution.service,
        executionId: execution.id,
        details: { requestId: execution.id },
      });
      return written;
    } catch (error) {
      if (error instanceof ConflictError) return undefined;
      throw error;
    }
  };

  const refused = async (refusal: Refusal, userId: string, execution: Execution | undefined, id: string) => {
    await audit.append({
      type: refusal.auditType,
      actor: userId,
      ...(execution ? { service: execution.service, executionId: execution.id } : {}),
      details: { requestId: id, action: 'approval', code: refusal.code, reason: refusal.message },
    });
  };

  /** A refused approval: audited; a request found past its deadline is expired by this click (`expiredNow`). */
  const refusedApproval = async (
    verdict: Refusal,
    userId: string,
    execution: Execution | undefined,
    id: string,
  ): Promise<ApproveOutcome> => {
    const expiredNow = verdict.code === 'expired' && execution ? await expireOne(execution) : undefined;
    await refused(verdict, userId, execution, id);
    return {
      kind: 'refused',
      refusal: verdict,
      ...(execution ? { execution: (await current(id)) ?? execution } : {}),
      ...(expiredNow ? { expiredNow } : {}),
    };
  };

  /** A failover of a service already running in its recovery Region: refused, pointing to `/dr failback`. */
  const alreadyFailedOver = async (service: string): Promise<Refusal | undefined> => {
    if (!deps.operatingState) return undefined;
    const message = failoverRefusal(service, await deps.operatingState(service));
    return message
      ? { ok: false, code: 'already-failed-over', auditType: 'approval.refused', message }
      : undefined;
  };

  /**
   * The incident `incidentId` of `service` resolved. The pending request it raised itself (source alarm) goes
   * stale: expired, audited as `request.expired` with `stale: true`, so its buttons go and an approval is
   * refused. A pending request a person made is left open with a note. Returns the execution changed, if any.
   */
  const incidentResolved = async (service: string, incidentId: string): Promise<Execution | undefined> => {
    const slot = (await requests.slots()).find((s) => s.service === service);
    if (!slot) return undefined;
    const { execution, request } = await load(slot.executionId);
    if (!execution || !request || execution.state !== 'pendingApproval') return undefined;
    const now = clock.now();
    const raisedByIt = request.source === 'alarm' && request.incidentId === incidentId;
    if (!raisedByIt) {
      if (request.source === 'alarm' || execution.incidentResolvedAtMs !== undefined) return undefined;
      // A person's request stays open; its card says the incident resolved.
      try {
        return await stores.executions.transition(execution.id, execution.version, {
          ...stripVersion(execution),
          incidentResolvedAtMs: now,
          updatedAtMs: now,
        });
      } catch (error) {
        if (error instanceof ConflictError) return undefined;
        throw error;
      }
    }
    const because = `the incident that raised it (${incidentId}) resolved`;
    await audit.append({
      type: 'request.expired',
      actor: 'lifeboat',
      service,
      executionId: execution.id,
      details: { requestId: execution.id, stale: true, incidentId, reason: because },
    });
    try {
      const written = await stores.executions.transition(execution.id, execution.version, {
        ...stripVersion(execution),
        state: 'expired',
        incidentResolvedAtMs: now,
        staleBecause: because,
        updatedAtMs: now,
      });
      await requests.release(service, execution.id).catch(() => false);
      return written;
    } catch (error) {
      if (error instanceof ConflictError) return undefined;
      throw error;
    }
  };

  /** The decline checks of `precheckDecline` and `decline`: a refusal is audited, and expires a request past its time. */
  const verifyDecline = async (id: string, userId: string) => {
    const { execution, request } = await load(id);
    const plan = deps.getPlan();
    const authority =
      request && userId !== request.requestedBy
        ? await authorityOf(deps.approvers, plan, request.service, userId)
        : { kind: 'not-approver' as const };
    const verdict = checkDecline({
      execution,
      request,
      userId,
      isApprover: authority.kind === 'approver',
      ...(authority.kind === 'lookup-failed' ? { lookupFailed: authority } : {}),
      planHash: plan.hash,
      now: clock.now(),
    });
    let expiredNow: Execution | undefined;
    if (!verdict.ok) {
      if (verdict.code === 'expired' && execution) expiredNow = await expireOne(execution);
      await refused(verdict, userId, execution, id);
    }
    return { execution, request, verdict, expiredNow };
  };

  /**
   * The approval-time preconditions of every service of the request: one failing service refuses the approval.
   * For several services each line names its service; the lag is the largest measured (the data-loss window).
   */
  const measureAll = async (req: FailoverRequest): Promise<Preconditions> => {
    const services = servicesOf(req);
    if (services.length === 1) return measure(req);
    const each = await Promise.all(
      services.map(async (service) => ({ service, p: await measure({ ...req, service }) })),
    );
    const lags = each.flatMap(({ p }) => (p.lagMs === undefined ? [] : [p.lagMs]));
    return {
      ok: each.every(({ p }) => p.ok),
      checkedAt: Math.min(...each.map(({ p }) => p.checkedAt)),
      ...(lags.length === each.length ? { lagMs: Math.max(...lags) } : {}),
      lines: each.flatMap(({ service, p }) => p.lines.map((l) => ({ ...l, text: `${service}: ${l.text}` }))),
    };
  };

  const approve = createApprove(deps, {
    load,
    measureAll,
    refused,
    refusedApproval,
    alreadyFailedOver,
    incidentResolved,
    withCurrent,
  });

  return {
    load,

    /**
     * The request an execution is shown under: its own, or for a later service of a request for several, the
     * request's (same channel, thread and card) as that service's. Only for telling people: approving or declining
     * goes through `load`, which knows no request for such an execution (an Approve button naming it is refused).
     */
    async shownUnder(executionId: string): Promise<FailoverRequest | undefined> {
      const own = await requests.get(executionId);
      if (own) return own;
      const execution = await stores.executions.get(executionId);
      if (!execution?.group || execution.group.index === 0) return undefined;
      const lead = await requests.get(execution.group.id);
      return lead ? { ...lead, id: executionId, service: execution.service } : undefined;
    },

    /** Claims the service, audits `request.created`, then writes the request and the pending execution. */
    async create(input: NewRequest): Promise<CreateOutcome> {
      if (input.services && new Set(input.services).size > 1)
        return createGroupRequest(
          deps,
          { newId, isStale, alreadyFailedOver },
          { ...input, services: input.services },
        );
      const plan = deps.getPlan();
      const kind = input.kind ?? 'failover';
      if (kind === 'failback' && input.mode !== 'planned')
        return {
          kind: 'refused',
          refusal: {
            ok: false,
            code: 'not-planned',
            auditType: 'approval.refused',
            message:
              'A failback is always planned (a switchover without data loss, RPO 0); nothing was requested.',
          },
        };
      const inRecovery = kind === 'failover' ? await alreadyFailedOver(input.service) : undefined;
      if (inRecovery) {
        await audit.append({
          type: 'approval.refused',
          actor: input.requestedBy,
          service: input.service,
          details: {
            action: 'request',
            code: inRecovery.code,
            reason: inRecovery.message,
            source: input.source,
          },
        });
        return { kind: 'refused', refusal: inRecovery };
      }
      const now = clock.now();
      const id = newId();
      const claim = await requests.claim(
        { service: input.service, executionId: id, claimedAtMs: now },
        isStale,
      );
      if (!claim.claimed) {
        const execution = await stores.executions.get(claim.holder.executionId);
        return { kind: 'busy', holder: claim.holder, ...(execution ? { execution } : {}) };
      }
      const base = {
        id,
        service: input.service,
        ...(kind === 'failback' ? { kind } : {}),
        mode: input.mode,
        requestedBy: input.requestedBy,
        reason: input.reason,
        planHash: plan.hash,
        createdAtMs: now,
        deadlineMs: now + plan.defaults.requestTtl,
        approvalsRequired: approvalsNeeded(plan, input.service, input.requestedBy),
        source: input.source,
        ...(input.alarmName ? { alarmName: input.alarmName } : {}),
        ...(input.incidentId ? { incidentId: input.incidentId } : {}),
        channel: input.where.channel,
        ...(input.where.threadTs ? { threadTs: input.where.threadTs } : {}),
      };
      const request: FailoverRequest = { ...base, digest: requestDigest(base) };
      const service = plan.services[input.service];
      const accepted = service && kind === 'failover' ? [...acceptedStandalone(service).keys()] : [];
      await audit.append({
        type: 'request.created',
        actor: input.requestedBy,
        service: input.service,
        executionId: id,
        channel: input.where.channel,
        details: {
          requestId: id,
          kind,
          mode: input.mode,
          reason: input.reason,
          planHash: plan.hash,
          approvalsRequired: request.approvalsRequired,
          deadline: new Date(request.deadlineMs).toISOString(),
          source: input.source,
          alarmName: input.alarmName ?? null,
          // What the plan accepts that a failover would otherwise refuse (approvers see it on the card).
          ...(accepted.length > 0 ? { acceptStandalone: accepted } : {}),
        },
      });
      await requests.put(request);
      const execution = await stores.executions.create(id, {
        id,
        service: input.service,
        kind,
        mode: input.mode,
        state: 'pendingApproval',
        requestedBy: input.requestedBy,
        reason: input.reason,
        planHash: plan.hash,
        createdAtMs: now,
        updatedAtMs: now,
        steps: {},
      });
      return { kind: 'created', request, execution };
    },

    /**
     * One approval, audited before it counts: `decision.intent`, then the approval item, then `approval.granted`;
     * the last approval needed moves the execution to `approved` by a conditional write (src/approval/approve.ts).
     */
    approve,

    /** Before the decline modal opens: the same checks as `decline`, audited when refused. */
    async precheckDecline(
      id: string,
      userId: string,
    ): Promise<{ readonly refusal: Refusal; readonly expiredNow?: Execution } | undefined> {
      const { verdict, expiredNow } = await verifyDecline(id, userId);
      return verdict.ok ? undefined : { refusal: verdict, ...(expiredNow ? { expiredNow } : {}) };
    },

    async decline(id: string, userId: string, reason: string): Promise<DeclineOutcome> {
      const { execution, request, verdict, expiredNow } = await verifyDecline(id, userId);
      if (!verdict.ok)
        return {
          kind: 'refused',
          refusal: verdict,
          ...(await withCurrent(id)),
          ...(expiredNow ? { expiredNow } : {}),
        };
      const pending = execution as Execution;
      const req = request as FailoverRequest;
      const withdrawn = userId === req.requestedBy;
      await auditIntent(audit, {
        decision: 'decline',
        actor: userId,
        service: req.service,
        executionId: id,
        details: { reason, withdrawn },
      });
      await stores.approvals.record({
        executionId: id,
        userId,
        decision: 'decline',
        atMs: clock.now(),
        reason,
        planHash: req.planHash,
      });
      try {
        const written = await finish(pending, 'declined');
        const audited = await auditOutcome(audit, {
          type: 'request.declined',
          actor: userId,
          service: req.service,
          executionId: id,
          details: { requestId: id, reason, withdrawn },
        });
        return { kind: 'declined', execution: written, ...(audited ? {} : { unaudited: true }) };
      } catch (error) {
        if (error instanceof ConflictError) return { kind: 'lost', ...(await withCurrent(id)) };
        throw error;
      }
    },

    /** Expires every pending request past its deadline and frees slots of finished executions. */
    async expireDue(): Promise<Execution[]> {
      const expired: Execution[] = [];
      for (const slot of await requests.slots()) {
        const { execution, request } = await load(slot.executionId);
        if (!execution) {
          if (clock.now() - slot.claimedAtMs > ORPHAN_SLOT_MS)
            await requests.release(slot.service, slot.executionId);
        } else if (TERMINAL_STATES.has(execution.state)) {
          await requests.release(slot.service, slot.executionId);
        } else if (execution.state === 'pendingApproval' && request && isExpired(request, clock.now())) {
          const written = await expireOne(execution);
          if (written) expired.push(written);
        }
      }
      return expired;
    },

    incidentResolved,

    /** Requests still awaiting approval (one per service at most: the slot), not past their deadline. */
    async pending(): Promise<{ readonly execution: Execution; readonly request: FailoverRequest }[]> {
      const open: { readonly execution: Execution; readonly request: FailoverRequest }[] = [];
      for (const slot of await requests.slots()) {
        const { execution, request } = await load(slot.executionId);
        if (execution?.state === 'pendingApproval' && request && !isExpired(request, clock.now()))
          open.push({ execution, request });
      }
      return open;
    },

    /** Frees the service once its execution has finished (called on every change the runner reports). */
    async releaseIfFinished(execution: ExecutionRecord): Promise<void> {
      if (TERMINAL_STATES.has(execution.state)) await requests.release(execution.service, execution.id);
    },
  };

  async function withCurrent(id: string): Promise<{ execution?: Execution }> {
    const execution = await current(id);
    return execution ? { execution } : {};
  }
}

export type FailoverRequests = ReturnType<typeof createFailoverRequests>;
