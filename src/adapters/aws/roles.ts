import type { Service } from '../../plan/schema.js';
import { type AccountRole, accountOfRole, roleOf } from '../../plan/schema-role.js';
import { type AssumedRole, sessionName } from './assume-role.js';
import type { AwsClients } from './clients.js';

type RoleService = Pick<Service, 'role' | 'primaryRegion' | 'recoveryRegion'>;

/** The role a call for this service (or this resource of it) assumes, if the plan names one: the resource's own first. */
export function planRole(service: RoleService, resource?: object): AccountRole | undefined {
  return (resource ? roleOf(resource) : undefined) ?? service.role;
}

/**
 * The role of one Region: the primary role for the primary Region, the recovery role for the recovery Region and
 * any other Region (an IAM role is global to its account; the recovery role is the one expected to work in an event).
 */
export function roleForRegion(
  service: RoleService,
  role: AccountRole,
  region: string,
  session: string,
): AssumedRole {
  return {
    roleArn: region === service.primaryRegion ? role.primary : role.recovery,
    ...(role.externalId ? { externalId: role.externalId } : {}),
    sessionName: session,
  };
}

/**
 * The clients every call for a service (or one of its resources) goes through: Lifeboat's own, or, when the plan
 * names a role, clients acting as that role in the workload's account. `session` names what the calls are for
 * (an execution id, a drill id, `readiness`) and appears in the role's CloudTrail records as the session name.
 */
export function clientsFor(
  aws: AwsClients,
  service: RoleService,
  resource: object | undefined,
  session: string,
): AwsClients {
  const role = planRole(service, resource);
  if (!role) return aws;
  const name = sessionName(session);
  return aws
    .own()
    .assuming(accountOfRole(role.recovery), (region) => roleForRegion(service, role, region, name));
}
