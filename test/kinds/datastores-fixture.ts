import { readFileSync } from 'node:fs';
import { type Plan, parsePlan } from '../../src/plan/load.js';
import type { CheckContext, NamedService } from '../../src/readiness/types.js';

export const DATASTORES_PLAN = 'examples/dr-plan.datastores.yml';

/** The second example plan: ElastiCache global datastore and DocumentDB global cluster (storefront). */
export const datastoresPlan = (): Plan => parsePlan(readFileSync(DATASTORES_PLAN, 'utf8'), DATASTORES_PLAN);

export function storefront(plan: Plan = datastoresPlan()): NamedService {
  const service = plan.services.storefront;
  if (!service) throw new Error('no service storefront');
  return { ...service, name: 'storefront' };
}

/** A readiness context on the system clock (the runbook world's simulated cloud runs on it). */
export const checkContext = (now = Date.now()): CheckContext => ({
  now,
  call: (fn) => fn(new AbortController().signal),
  defaults: { backupInterval: 24 * 3_600_000 },
});
