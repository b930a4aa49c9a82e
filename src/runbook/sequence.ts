import { ConflictError } from '../adapters/store/versioned.js';
import type { ExecutionRecord } from '../domain/records.js';
import type { ActiveIndex } from './active-index.js';
import type { Execution, RunbookDeps } from './types.js';
import { dataOf } from './writer.js';

/**
 * One request for several services runs as one execution per service (src/approval/group.ts): member `i` runs only
 * once member `i - 1` completed. The engine moves the next member from pendingApproval to approved (under the one
 * approval the request received) before it marks the current one completed, so a crash in between leaves the next
 * member listed as active: the takeover sweep drives it once the current one is completed (`waiting` holds it
 * until then). A member that pauses holds the rest; one that is aborted aborts the rest, which never started.
 */

type Group = NonNullable<ExecutionRecord['group']>;

/** The id of member `index` of a group (the request's own execution is member 0). */
export const sequenceId = (group: Pick<Group, 'id'>, index: number): string =>
  index === 0 ? group.id : `${group.id}.${index}`;

/** The service this member waits for, while the member before it has not completed; undefined when it may run. */
export async function waitingFor(
  deps: Pick<RunbookDeps, 'stores'>,
  e: ExecutionRecord,
): Promise<string | undefined> {
  if (!e.group || e.group.index === 0) return undefined;
  const before = await deps.stores.executions.get(sequenceId(e.group, e.group.index - 1));
  return before?.state === 'completed' ? undefined : (e.group.services[e.group.index - 1] ?? '?');
}

/** The next member's id, approved and listed as active, if the current one has a next. Idempotent. */
export async function approveNext(
  deps: Pick<RunbookDeps, 'stores' | 'clock' | 'onChange'>,
  index: ActiveIndex,
  e: ExecutionRecord,
): Promise<string | undefined> {
  if (!e.group || e.group.index + 1 >= e.group.services.length) return undefined;
  const id = sequenceId(e.group, e.group.index + 1);
  const next = await deps.stores.executions.get(id);
  if (!next) return undefined;
  await index.add(id);
  if (next.state === 'pendingApproval') {
    try {
      const approved = await deps.stores.executions.transition(id, next.version, {
        ...dataOf(next),
        state: 'approved',
        updatedAtMs: deps.clock.now(),
      });
      await deps.onChange(approved).catch(() => undefined);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return id;
}

/** After an abort: every later member that never started is aborted too, saying why; returns them. */
export async function abortRest(
  deps: Pick<RunbookDeps, 'stores' | 'clock' | 'audit' | 'onChange'>,
  index: ActiveIndex,
  aborted: Execution,
  userId: string,
): Promise<Execution[]> {
  const group = aborted.group;
  if (!group) return [];
  const done: Execution[] = [];
  for (let i = group.index + 1; i < group.services.length; i++) {
    const id = sequenceId(group, i);
    const member = await deps.stores.executions.get(id);
    if (!member || (member.state !== 'pendingApproval' && member.state !== 'approved')) continue;
    const text = `${member.service}: not started, still in its primary Region's hands (${aborted.service}, which it recovers after, was aborted)`;
    try {
      const written = await deps.stores.executions.transition(id, member.version, {
        ...dataOf(member),
        state: 'aborted',
        abortedBy: userId,
        finishedAtMs: deps.clock.now(),
        updatedAtMs: deps.clock.now(),
        abortSummary: { text, resources: [] },
      });
      await index.remove(id);
      await deps.audit.append({
        type: 'execution.aborted',
        actor: userId,
        service: member.service,
        executionId: id,
        details: { requestId: group.id, reason: text, after: aborted.id },
      });
      await deps.onChange(written).catch(() => undefined);
      done.push(written);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return done;
}
