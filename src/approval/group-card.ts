import type { GroupLine } from '../../blocks/failover/card.js';
import type { Stores } from '../adapters/store/index.js';
import { memberId } from './group.js';
import type { Execution } from './types.js';

/** The executions of a request for several services, in order (just the execution itself otherwise). */
export async function groupMembers(
  stores: Pick<Stores, 'executions'>,
  lead: Execution,
): Promise<Execution[]> {
  if (!lead.group) return [lead];
  const found = await Promise.all(
    lead.group.services.map((_, i) =>
      i === 0 ? lead : stores.executions.get(memberId(lead.group?.id ?? '', i)),
    ),
  );
  return found.filter((e): e is Execution => e !== undefined);
}

/**
 * The execution the card follows: the first one not completed (running, paused, waiting, or ended otherwise); when
 * all completed, the last. Before approval, the request's own.
 */
export function focusOf(lead: Execution, members: readonly Execution[]): Execution {
  if (lead.state === 'pendingApproval' || lead.state === 'declined' || lead.state === 'expired') return lead;
  return members.find((m) => m.state !== 'completed') ?? members.at(-1) ?? lead;
}

/** One line per service of the request, for the card. */
export function groupLines(members: readonly Execution[], focus: Execution): GroupLine[] {
  return members.map((m, i) => ({
    service: m.service,
    state: m.state,
    current: m.id === focus.id,
    ...(i > 0 && m.state === 'pendingApproval' && members[0]?.state !== 'pendingApproval'
      ? { waitingFor: members[i - 1]?.service ?? '?' }
      : {}),
  }));
}
