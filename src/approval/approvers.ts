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

/**
 * Thrown by `isApprover` when the user is not listed, no readable group has them, and a listed group could not
 * be read: the answer is unknown, not "no". Failed lookups are not cached, so the next click asks Slack again.
 */
export class ApproverLookupError extends Error {
  constructor(
    readonly usergroup: string,
    override readonly cause: unknown,
  ) {
    super(
      `could not read the Slack user group ${usergroup} (${cause instanceof Error ? cause.message : String(cause)})`,
    );
    this.name = 'ApproverLookupError';
  }
}

/** Whether the person is an approver, is not, or could not be told (a user group lookup failed). */
export type Authority =
  | { readonly kind: 'approver' }
  | { readonly kind: 'not-approver' }
  | { readonly kind: 'lookup-failed'; readonly usergroup: string; readonly error: string };

/** `isApprover` with a failed user group lookup as its own answer instead of an exception. */
export async function authorityOf(
  directory: ApproverDirectory,
  plan: Plan,
  service: string,
  userId: string,
): Promise<Authority> {
  try {
    return { kind: (await directory.isApprover(plan, service, userId)) ? 'approver' : 'not-approver' };
  } catch (error) {
    if (error instanceof ApproverLookupError)
      return {
        kind: 'lookup-failed',
        usergroup: error.usergroup,
        error: error.cause instanceof Error ? error.cause.message : String(error.cause),
      };
    throw error;
  }
}

/**
 * User groups are resolved with usergroups.users.list and cached briefly. A group that cannot be read grants
 * nothing; when it could have been the only way in, `isApprover` throws `ApproverLookupError` instead of "no".
 */
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
      let failed: ApproverLookupError | undefined;
      for (const group of approvers.usergroups) {
        try {
          if ((await membersOf(group)).has(userId)) return true;
        } catch (error) {
          deps.onLookupError?.(group, error);
          failed ??= new ApproverLookupError(group, error);
        }
      }
      if (failed) throw failed;
      return false;
    },
  };
}
