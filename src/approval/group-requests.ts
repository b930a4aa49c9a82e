import type { ExecutionRecord } from '../domain/records.js';
import { recoveryOrder } from '../plan/order.js';
import { memberId } from './group.js';
import { approvalsNeeded, type Refusal } from './policy.js';
import {
  type CreateOutcome,
  type FailoverRequestsDeps,
  type NewRequest,
  requestDigest,
} from './request-model.js';
import type { ServiceSlot } from './store.js';
import type { Execution, FailoverRequest } from './types.js';

/** What `create` lends the group path: its stale-slot rule, ids and the "already failed over" refusal. */
export interface GroupCreateHelpers {
  readonly newId: () => string;
  readonly isStale: (holder: ServiceSlot) => Promise<boolean>;
  readonly alreadyFailedOver: (service: string) => Promise<Refusal | undefined>;
}

const refusal = (code: Refusal['code'], message: string): CreateOutcome => ({
  kind: 'refused',
  refusal: { ok: false, code, auditType: 'approval.refused', message },
});

/**
 * One failover request for several services: every service's slot is taken (all or none), `request.created` is
 * audited with the services in the order they will run, then one request record and one pending execution per
 * service are written. The approvals needed are the most any of the services asks for.
 */
export async function createGroupRequest(
  deps: FailoverRequestsDeps,
  helpers: GroupCreateHelpers,
  input: NewRequest & { readonly services: readonly string[] },
): Promise<CreateOutcome> {
  const { stores, requests, audit, clock } = deps;
  const plan = deps.getPlan();
  if ((input.kind ?? 'failover') !== 'failover')
    return refusal(
      'not-planned',
      'A failback of several services in one request is not available yet; request each failback on its own.',
    );
  const unknown = input.services.find((s) => !Object.hasOwn(plan.services, s));
  if (unknown) return refusal('unknown-request', `There is no service ${unknown} in the DR plan.`);
  const order = recoveryOrder(plan, input.services);
  for (const service of order) {
    const inRecovery = await helpers.alreadyFailedOver(service);
    if (!inRecovery) continue;
    await audit.append({
      type: 'approval.refused',
      actor: input.requestedBy,
      service,
      details: { action: 'request', code: inRecovery.code, reason: inRecovery.message, services: order },
    });
    return { kind: 'refused', refusal: inRecovery };
  }
  const now = clock.now();
  const id = helpers.newId();
  const claimed: { service: string; executionId: string }[] = [];
  for (const [index, service] of order.entries()) {
    const executionId = memberId(id, index);
    const claim = await requests.claim({ service, executionId, claimedAtMs: now }, helpers.isStale);
    if (claim.claimed) {
      claimed.push({ service, executionId });
      continue;
    }
    for (const c of claimed) await requests.release(c.service, c.executionId).catch(() => false);
    const execution = await stores.executions.get(claim.holder.executionId);
    return { kind: 'busy', holder: claim.holder, ...(execution ? { execution } : {}) };
  }
  const base = {
    id,
    service: order[0] as string,
    services: order,
    mode: input.mode,
    requestedBy: input.requestedBy,
    reason: input.reason,
    planHash: plan.hash,
    createdAtMs: now,
    deadlineMs: now + plan.defaults.requestTtl,
    approvalsRequired: Math.max(...order.map((s) => approvalsNeeded(plan, s, input.requestedBy))),
    source: input.source,
    ...(input.alarmName ? { alarmName: input.alarmName } : {}),
    ...(input.incidentId ? { incidentId: input.incidentId } : {}),
    channel: input.where.channel,
    ...(input.where.threadTs ? { threadTs: input.where.threadTs } : {}),
  };
  const request: FailoverRequest = { ...base, digest: requestDigest(base) };
  await audit.append({
    type: 'request.created',
    actor: input.requestedBy,
    service: request.service,
    executionId: id,
    channel: input.where.channel,
    details: {
      requestId: id,
      kind: 'failover',
      mode: input.mode,
      reason: input.reason,
      planHash: plan.hash,
      approvalsRequired: request.approvalsRequired,
      deadline: new Date(request.deadlineMs).toISOString(),
      source: input.source,
      alarmName: input.alarmName ?? null,
      services: [...order],
      executions: order.map((_, i) => memberId(id, i)),
    },
  });
  await requests.put(request);
  let lead: Execution | undefined;
  for (const [index, service] of order.entries()) {
    const record: ExecutionRecord = {
      id: memberId(id, index),
      service,
      kind: 'failover',
      mode: input.mode,
      state: 'pendingApproval',
      requestedBy: input.requestedBy,
      reason: input.reason,
      planHash: plan.hash,
      createdAtMs: now,
      updatedAtMs: now,
      steps: {},
      group: { id, services: order, index },
    };
    const written = await stores.executions.create(record.id, record);
    if (index === 0) lead = written;
  }
  return { kind: 'created', request, execution: lead as Execution };
}
