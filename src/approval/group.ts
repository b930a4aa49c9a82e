import type { ExecutionRecord } from '../domain/records.js';
import type { Plan } from '../plan/load.js';
import { sequenceId } from '../runbook/sequence.js';
import { type ApproverDirectory, type Authority, authorityOf } from './approvers.js';
import type { FailoverRequest } from './types.js';

/**
 * One request for several services: one request record and one approval, one execution per service. The request's
 * own execution (its id) runs the first service; member `i` (`<id>.<i>`) runs the i-th, and the runbook engine
 * approves it only once member `i - 1` completed (src/runbook/runner.ts), so the services run in `after:` order.
 */

/** The id of the execution that runs the request's `index`-th service. */
export const memberId = (groupId: string, index: number): string => sequenceId({ id: groupId }, index);

/** The services a request moves: several for a group request, else its one service. */
export const servicesOf = (request: Pick<FailoverRequest, 'service' | 'services'>): readonly string[] =>
  request.services ?? [request.service];

/** The execution ids of a request, in order. */
export const memberIds = (request: Pick<FailoverRequest, 'id' | 'service' | 'services'>): string[] =>
  servicesOf(request).map((_, i) => memberId(request.id, i));

/**
 * Whether the person may approve for EVERY service of the request: the first service they are not an approver of
 * (or whose user group could not be read) decides, and is named.
 */
export async function authorityForAll(
  directory: ApproverDirectory,
  plan: Plan,
  services: readonly string[],
  userId: string,
): Promise<{ readonly authority: Authority; readonly service: string }> {
  for (const service of services) {
    const authority = await authorityOf(directory, plan, service, userId);
    if (authority.kind !== 'approver') return { authority, service };
  }
  return { authority: { kind: 'approver' }, service: services[0] ?? '' };
}

/** A member execution (not the request's own) of a request for several services. */
export const isMember = (e: Pick<ExecutionRecord, 'group'>): boolean => (e.group?.index ?? 0) > 0;
