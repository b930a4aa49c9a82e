import type { Plan } from '../plan/load.js';
import type { EmulatorChannel, EmulatorOptions, EmulatorUser } from './slack/index.js';

/** The sandbox's bot user and a person who approves nothing, to show the two-person rule. */
export const SANDBOX_BOT = { id: 'U0LIFEBOAT', name: 'lifeboat' } as const;
export const BYSTANDER: EmulatorUser = {
  id: 'U0DAVE',
  name: 'dave',
  realName: 'Dave (not an approver)',
  role: 'engineer',
};

const nameOf = (id: string) => id.replace(/^[UWS]0?/, '').toLowerCase();
const realNameOf = (id: string) => {
  const n = nameOf(id);
  return n.charAt(0).toUpperCase() + n.slice(1);
};

/**
 * An emulated workspace that fits a plan: every approver, user-group member and auditor as a person,
 * a bystander who approves nothing, a channel per service and the plan's shared channels.
 */
export function workspaceForPlan(plan: Plan): Pick<EmulatorOptions, 'users' | 'channels' | 'usergroups'> {
  const roles = new Map<string, Set<string>>();
  const addRole = (id: string, role: string) => roles.set(id, (roles.get(id) ?? new Set()).add(role));
  const usergroups = new Map<string, string[]>();
  const channels = new Map<string, EmulatorChannel>();

  for (const [name, service] of Object.entries(plan.services)) {
    channels.set(service.channel, { id: service.channel, name });
    for (const user of service.approvers.users) addRole(user, `approver: ${name}`);
    for (const group of service.approvers.usergroups) {
      // A sandbox group holds the first two approvers of the service, so it resolves to real people.
      usergroups.set(group, [
        ...new Set([...(usergroups.get(group) ?? []), ...service.approvers.users.slice(0, 2)]),
      ]);
    }
  }
  for (const auditor of plan.slack.auditors) addRole(auditor, 'auditor');
  for (const id of [plan.slack.unroutedChannel, plan.slack.digestChannel]) {
    if (id && !channels.has(id)) channels.set(id, { id, name: 'dr-ops' });
  }

  const users: EmulatorUser[] = [...roles.entries()].map(([id, r]) => ({
    id,
    name: nameOf(id),
    realName: realNameOf(id),
    role: [...r].join(', '),
  }));
  users.push(BYSTANDER);
  return {
    users,
    channels: [...channels.values()],
    usergroups: [...usergroups.entries()].map(([id, members]) => ({
      id,
      handle: nameOf(id),
      users: members,
    })),
  };
}
