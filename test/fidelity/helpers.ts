import type { StepRecord } from '../../src/domain/records.js';
import type { CheckContext, NamedService } from '../../src/readiness/types.js';
import { stepContext } from '../../src/runbook/drive-step.js';
import { defaultExecutors, executorFor } from '../../src/runbook/executors/index.js';
import { allSteps, routeFor } from '../../src/runbook/stages.js';
import type { RunbookKind, RunbookMode } from '../../src/runbook/types.js';
import { examplePlan, simulatedCloud } from '../sandbox/aws-fixture.js';

export type CloudEnv = Awaited<ReturnType<typeof simulatedCloud>>;

/** A service of the example plan (dr-plan.example.yml), with its name. */
export function exampleService(name: 'payments' | 'accounts'): NamedService {
  const service = examplePlan().services[name];
  if (!service) throw new Error(`no service ${name}`);
  return { ...service, name };
}

/** A readiness context on the simulated cloud's clock (calls run directly, no limiter, no timeout). */
export function cloudContext(env: CloudEnv): CheckContext {
  return {
    now: env.clock.now(),
    call: (fn) => fn(new AbortController().signal),
    defaults: { backupInterval: 24 * 3_600_000 },
  };
}

export { simulatedCloud };

/** A runbook step of the example plan, its executor and a context over the simulated cloud's clients. */
export function exampleStep(
  env: CloudEnv,
  service: 'payments' | 'accounts',
  id: string,
  options: { mode?: RunbookMode; kind?: RunbookKind; record?: () => StepRecord | undefined } = {},
) {
  const kind = options.kind ?? 'failover';
  const route = routeFor(examplePlan(), service, kind);
  const found = allSteps(route).find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id}`);
  const ctx = stepContext(
    { route, kind, mode: options.mode ?? 'planned', aws: env.aws, clock: env.clock },
    found,
    'exec-1',
    options.record ?? (() => undefined),
    false,
    5_000,
  );
  return { ctx, executor: executorFor(defaultExecutors, found) };
}
