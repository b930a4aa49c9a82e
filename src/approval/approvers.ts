import type { UsergroupMembers } from '../audit/access.js';
import type { Clock } from '../domain/clock.js';
import type { Plan } from '../plan/load.js';

/** Whether a Slack user is an approver of a service: listed, or a member of a listed user group. */
export interface ApproverDirectory {
  isApprover(plan: Plan, service: string, userId: string): Promise<boolean>;
}

export interface ApproverDirectoryDeps {
  /** usergroups.users.list; may throw. */
  readonly members: UsergroupMembers;
  readonly clock: Clock;
  /** How long a group's members are reused, ms (default 60 s: a removed approver loses authority quickly). */
  readonly ttlMs?: number;
  readonly onLookupError?: (usergroup: string, error: unknown) => void;
}

/** User groups are resolved with usergroups.users.list and cached briefly; a group that cannot be read grants nothing. */
export function createApproverDirectory(deps: ApproverDirectoryDeps): ApproverDirectory {
  const ttlMs = deps.ttlMs ?? 60_000;
  const cache = new Map<string, { readonly at: number; readonly users: ReadonlySet<string> }>();
  const membersOf = async (group: string): Promise<ReadonlySet<string>> => {
    const cached = cache.get(group);
    if (cached && deps.clock.now() - cached.at < ttlMs) return cached.users;
    const users = new Set(await deps.members(group));
    cache.set(group, { at: deps.clock.now(), users });
    return users;
  };
  return {
    async isApprover(plan, service, userId) {
      const approvers = Object.hasOwn(plan.services, service) ? plan.services[service]?.approvers : undefined;
      if (!approvers) return false;
      if (approvers.users.includes(userId)) return true;
      for (const group of approvers.usergroups) {
        try {
          if ((await membersOf(group)).has(userId)) return true;
        } catch (error) {
          deps.onLookupError?.(group, error);
        }
      }
      return false;
    },
  };
}
