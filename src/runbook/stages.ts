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

const CONTROL = new Set<Step['kind']>(['wait', 'verify', 'notify']);

/**
 * The failback a plan without `runbook.failback` gets: the failover's resource steps in reverse order (a
 * parallel group stays a group; EC2 steps start the primary instances again when the plan lists them), then
 * its health-check verifications pointed at the primary health checks (those that cannot be are dropped),
 * then one stakeholder notice if the failover had one. Step ids are the failover's.
 */
export function defaultFailback(service: NamedService): RunbookEntry[] {
  const resourceStep = (step: Step): Step | undefined => {
    if (CONTROL.has(step.kind)) return undefined;
    if (step.kind !== 'ec2') return step;
    const r = service.resources.find((x) => x.id === step.resource);
    return r?.kind === 'ec2' && r.primaryInstances.length > 0 ? { ...step, action: 'start-instances' } : step;
  };
  const reversed: RunbookEntry[] = [];
  for (const entry of [...service.runbook.failover].reverse()) {
    const steps = ('parallel' in entry ? entry.parallel : [entry]).flatMap((s) => resourceStep(s) ?? []);
    const [first] = steps;
    if (first) reversed.push(steps.length > 1 ? { parallel: steps } : first);
  }
  const all = service.runbook.failover.flatMap((e) => ('parallel' in e ? e.parallel : [e]));
  const primaryCheck = (id: string | undefined) => {
    for (const r of service.resources)
      if (r.kind === 'route53' && (r.recoveryHealthCheckId === id || r.primaryHealthCheckId === id))
        return r.primaryHealthCheckId;
    return undefined;
  };
  for (const step of all) {
    if (step.kind !== 'verify') continue;
    const healthCheckId = primaryCheck(step.healthCheckId);
    if (healthCheckId) reversed.push({ id: step.id, kind: 'verify', healthCheckId, estimate: step.estimate });
  }
  const notify = all.find((s) => s.kind === 'notify');
  if (notify)
    reversed.push({
      ...notify,
      message: `${service.name} serves from ${service.primaryRegion} again (failback from ${service.recoveryRegion} completed).`,
    });
  return reversed.map((e) => stripUndefined(e));
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

export const allSteps = (route: Route): Step[] => route.stages.flatMap((s) => [...s.steps]);
