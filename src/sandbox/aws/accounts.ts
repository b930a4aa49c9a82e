import type { ParsedPlan, Resource, Service } from '../../plan/schema.js';
import { accountOfRole, roleOf } from '../../plan/schema-role.js';
import { createAutoscalingState } from './autoscaling-state.js';
import { createEcsState } from './ecs-state.js';
import { createElasticacheState } from './elasticache-state.js';
import { createLambdaState } from './lambda-state.js';
import type { World } from './world.js';

/**
 * Accounts in the simulated cloud (FIDELITY.md, "Accounts and STS"). Each account is its own `World`: its resources
 * are invisible to another account's credentials, as in AWS, where an account is the boundary of every resource
 * namespace Lifeboat reads. What AWS shares across accounts is shared here: the time, the scheduler, the events
 * and the faults (a Regional event impairs every account in the Region).
 */

/** The parts of a world every account shares. */
type Shared = Pick<
  World,
  'primaryRegion' | 'recoveryRegion' | 'time' | 'scheduler' | 'events' | 'faults' | 'random'
>;

/** An empty world of `account`, sharing time, scheduler, events, faults and randomness with `shared`. */
export function accountWorld(shared: Shared, account: string): World {
  return {
    account,
    primaryRegion: shared.primaryRegion,
    recoveryRegion: shared.recoveryRegion,
    time: shared.time,
    scheduler: shared.scheduler,
    events: shared.events,
    faults: shared.faults,
    random: shared.random,
    rds: {
      globals: new Map(),
      clusters: new Map(),
      instances: new Map(),
      snapshots: [],
      automatedBackups: [],
    },
    ec2: {
      instances: new Map(),
      images: [],
      snapshots: [],
      launchTemplates: [],
      noDefaultVpc: new Set(),
      deniedVolumeKeys: new Set(),
      capacityReservations: [],
      vcpuQuota: new Map(),
      subnetAz: new Map(),
      noCapacity: new Set(),
    },
    s3: { buckets: new Map() },
    dynamodb: { replicas: new Map(), pending: [] },
    route53: { healthChecks: new Map(), zones: new Map(), changes: new Map() },
    arc: { controls: new Map(), rules: [] },
    autoscaling: createAutoscalingState(),
    ecs: createEcsState(),
    lambda: createLambdaState(),
    elasticache: createElasticacheState(),
    counters: new Map(),
    aliases: new Map(),
  };
}

/** The account a resource lives in: its own role's, else its service's role's, else the home account. */
export function accountOfResource(home: string, service: Service, resource: Resource): string {
  const role = roleOf(resource) ?? service.role;
  return role ? accountOfRole(role.recovery) : home;
}

/**
 * The plan cut by account: each account's part holds the services with the resources living there (a service's
 * own alarm rules only in its service-level account). The home account's part keeps every service that has a
 * resource there, so a plan without roles is the whole plan, unchanged.
 */
export function planByAccount(plan: ParsedPlan, home: string): Map<string, ParsedPlan> {
  const parts = new Map<string, Record<string, Service>>();
  for (const [name, service] of Object.entries(plan.services)) {
    const serviceAccount = service.role ? accountOfRole(service.role.recovery) : home;
    const byAccount = new Map<string, Resource[]>();
    for (const r of service.resources) {
      const account = accountOfResource(home, service, r);
      byAccount.set(account, [...(byAccount.get(account) ?? []), r]);
    }
    for (const [account, resources] of byAccount) {
      const services = parts.get(account) ?? {};
      services[name] = { ...service, resources, alarms: account === serviceAccount ? service.alarms : [] };
      parts.set(account, services);
    }
  }
  if (!parts.has(home)) parts.set(home, {});
  return new Map([...parts].map(([account, services]) => [account, { ...plan, services }]));
}

/** The role ARNs the plan names, each with the external id its trust policy requires. */
export function planRoles(plan: ParsedPlan): { roleArn: string; externalId?: string }[] {
  const roles = Object.values(plan.services).flatMap((s) => [s.role, ...s.resources.map((r) => roleOf(r))]);
  return roles.flatMap((role) =>
    role
      ? [role.primary, role.recovery].map((roleArn) => ({
          roleArn,
          ...(role.externalId ? { externalId: role.externalId } : {}),
        }))
      : [],
  );
}
