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
 * The step list as a function of plan + service + kind: failover runs `runbook.failover` from the
 * primary to the recovery Region; failback runs `runbook.failback` the other way (its executors act
 * in the reverse direction). Drills will add their own kind here.
 */
export function routeFor(plan: Plan, serviceName: string, kind: RunbookKind): Route {
  const service = serviceOf(plan, serviceName);
  const entries: readonly RunbookEntry[] | undefined =
    kind === 'failover' ? service.runbook.failover : service.runbook.failback;
  if (!entries)
    throw new RunbookError('no_runbook', `service ${serviceName} has no ${kind} runbook in the plan`);
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
