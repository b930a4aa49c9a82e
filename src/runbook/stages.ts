import type { Plan } from '../plan/load.js';
import type { Resource, RunbookEntry, Step } from '../plan/schema.js';
import type { NamedService } from './executors/types.js';
import { RunbookError, type RunbookKind } from './types.js';

/** One entry of a runbook: a single step, or a parallel group whose steps run concurrently. */
export interface Stage {
  readonly index: number;
  readonly parallel: boolean;
  readonly steps: readonly Step[];
}

export interface Route {
  readonly service: NamedService;
  readonly sourceRegion: string;
  readonly targetRegion: string;
  readonly stages: readonly Stage[];
}

export function serviceOf(plan: Plan, name: string): NamedService {
  const service = plan.services[name];
  if (!service)
    throw new RunbookError(
      'unknown_service',
      `unknown service "${name}"; the plan defines: ${Object.keys(plan.services).join(', ')}`,
    );
  return { ...service, name };
}

/**
 * Dependency tiers of resource steps: data first (the writer back in the primary Region, replicas checked),
 * then compute, then traffic. Control steps (wait, verify, notify) have no tier.
 */
const TIER: Readonly<Record<Step['kind'], number | undefined>> = {
  'aurora-global': 0,
  'rds-promote-replica': 0,
  'dynamodb-global-table': 0,
  s3: 0,
  'elasticache-global-datastore': 0,
  'docdb-global-cluster': 0,
  ec2: 1,
  'autoscaling-group': 1,
  'ecs-service': 1,
  route53: 2,
  'arc-routing-control': 2,
  // A custom action: a derived failback leaves it out (declare runbook.failback to run a clean-up function).
  'lambda-invoke': undefined,
  wait: undefined,
  verify: undefined,
  notify: undefined,
};
const TIERS = [0, 1, 2] as const;
/** What each tier moves, in the order a derived failback runs them (for the words people read). */
const TIER_NAME: Readonly<Record<(typeof TIERS)[number], string>> = {
  0: 'data',
  1: 'compute',
  2: 'traffic (DNS)',
};

/** "data, then compute, then traffic (DNS)": the order `defaultFailback` runs resource steps in, from its tiers. */
export const failbackOrderText = (): string => TIERS.map((t) => TIER_NAME[t]).join(', then ');

/**
 * The failback a plan without `runbook.failback` gets: the failover's resource steps in dependency order
 * towards the primary Region — data (Aurora switchover, RDS promotion, DynamoDB and S3 checks), then compute
 * (EC2 steps start the plan's `primaryInstances`, else launch from its `primaryLaunchTemplate`; with neither the
 * step is kept and refuses to run, and the failback check blocks the request), then traffic (Route 53) last, so
 * DNS never points at the primary Region before its database writes there. Within a tier the failover's
 * order and parallel groups are kept (a group mixing tiers is split by tier). Then its health-check
 * verifications pointed at the primary health checks (those that cannot be are dropped), then one
 * stakeholder notice if the failover had one. Step ids are the failover's.
 */
export function defaultFailback(service: NamedService): RunbookEntry[] {
  const resourceStep = (step: Step): Step => {
    if (step.kind !== 'ec2') return step;
    const r = service.resources.find((x) => x.id === step.resource);
    if (r?.kind !== 'ec2') return step;
    if (r.primaryInstances.length > 0) return { ...step, action: 'start-instances' };
    return r.primaryLaunchTemplate ? { ...step, action: 'launch-from-ami' } : step;
  };
  const failover = service.runbook.failover.map((entry) => ('parallel' in entry ? entry.parallel : [entry]));
  const ordered: RunbookEntry[] = [];
  for (const tier of TIERS)
    for (const stage of failover) {
      const steps = stage.filter((s) => TIER[s.kind] === tier).map(resourceStep);
      const [first] = steps;
      if (first) ordered.push(steps.length > 1 ? { parallel: steps } : first);
    }
  const all = failover.flat();
  const primaryCheck = (id: string | undefined) => {
    for (const r of service.resources)
      if (r.kind === 'route53' && (r.recoveryHealthCheckId === id || r.primaryHealthCheckId === id))
        return r.primaryHealthCheckId;
    return undefined;
  };
  for (const step of all) {
    if (step.kind !== 'verify') continue;
    const healthCheckId = primaryCheck(step.healthCheckId);
    if (healthCheckId) ordered.push({ id: step.id, kind: 'verify', healthCheckId, estimate: step.estimate });
  }
  const notify = all.find((s) => s.kind === 'notify');
  if (notify)
    ordered.push({
      ...notify,
      message: `${service.name} serves from ${service.primaryRegion} again (failback from ${service.recoveryRegion} completed).`,
    });
  return ordered.map((e) => stripUndefined(e));
}

const stripUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The plan's runbook of a kind: `runbook.failover`, or `runbook.failback` falling back to `defaultFailback`. */
export function runbookEntries(service: NamedService, kind: RunbookKind): readonly RunbookEntry[] {
  if (kind === 'failover') return service.runbook.failover;
  return service.runbook.failback ?? defaultFailback(service);
}

/**
 * The step list as a function of plan + service + kind: failover runs `runbook.failover` from the
 * primary to the recovery Region; failback runs `runbook.failback` (or `defaultFailback`) the other way
 * (its executors act in the reverse direction).
 */
export function routeFor(plan: Plan, serviceName: string, kind: RunbookKind): Route {
  const service = serviceOf(plan, serviceName);
  const entries = runbookEntries(service, kind);
  if (entries.length === 0)
    throw new RunbookError('no_runbook', `service ${serviceName} has no ${kind} steps`);
  const failover = kind === 'failover';
  return {
    service,
    sourceRegion: failover ? service.primaryRegion : service.recoveryRegion,
    targetRegion: failover ? service.recoveryRegion : service.primaryRegion,
    stages: entries.map((entry, index) =>
      'parallel' in entry
        ? { index, parallel: true, steps: entry.parallel }
        : { index, parallel: false, steps: [entry] },
    ),
  };
}

export function resourceOf(service: NamedService, step: Step): Resource | undefined {
  if (!('resource' in step)) return undefined;
  const found = service.resources.find((r) => r.id === step.resource);
  if (!found)
    throw new RunbookError(
      'unsupported',
      `step ${step.id} names resource ${step.resource}, which the plan does not define`,
    );
  return found;
}

/** The steps of runbook entries, parallel groups flattened, in order. */
export const entrySteps = (entries: readonly RunbookEntry[]): Step[] =>
  entries.flatMap((e) => ('parallel' in e ? e.parallel : [e]));

export const allSteps = (route: Route): Step[] => route.stages.flatMap((s) => [...s.steps]);
