import type { CheckContext, NamedService } from '../../src/readiness/types.js';
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
