import type { AwaitingApproval } from '../../blocks/readiness/home.js';
import type { Plan } from '../plan/load.js';
import type { ApproverDirectory } from './approvers.js';
import type { FailoverRequests } from './requests.js';
import { kindOf } from './types.js';

/**
 * The requests awaiting approval that `userId` may approve (App Home): not their own, and they are an
 * approver of the service as the plan says now. The decision itself is checked again when they click.
 */
export async function awaitingApprovalOf(
  deps: { readonly requests: Pick<FailoverRequests, 'pending'>; readonly approvers: ApproverDirectory },
  plan: Plan,
  userId: string,
): Promise<AwaitingApproval[]> {
  const out: AwaitingApproval[] = [];
  for (const { request } of await deps.requests.pending()) {
    if (request.requestedBy === userId) continue;
    const may = await deps.approvers.isApprover(plan, request.service, userId).catch(() => false);
    if (!may) continue;
    out.push({
      id: request.id,
      service: request.service,
      kind: kindOf(request),
      mode: request.mode,
      requestedBy: request.requestedBy,
      reason: request.reason,
      createdAtMs: request.createdAtMs,
      deadlineMs: request.deadlineMs,
      channel: request.channel,
    });
  }
  return out.sort((a, b) => a.createdAtMs - b.createdAtMs);
}
