import type { Plan } from '../plan/load.js';

/** Lists the members of a Slack user group (usergroups.users.list); may throw. */
export type UsergroupMembers = (usergroupId: string) => Promise<readonly string[]>;

/**
 * Who may read the audit log: the plan's `slack.auditors` and the approvers of any service, listed
 * directly or through a user group. A user group that cannot be read grants nothing (fail closed).
 */
export async function canReadAudit(
  plan: Plan,
  userId: string,
  members: UsergroupMembers,
  onLookupError: (usergroupId: string, error: unknown) => void = () => undefined,
): Promise<boolean> {
  if (plan.slack.auditors.includes(userId)) return true;
  const services = Object.values(plan.services);
  if (services.some((s) => s.approvers.users.includes(userId))) return true;
  const groups = [...new Set(services.flatMap((s) => s.approvers.usergroups))];
  for (const group of groups) {
    try {
      if ((await members(group)).includes(userId)) return true;
    } catch (error) {
      onLookupError(group, error);
    }
  }
  return false;
}
