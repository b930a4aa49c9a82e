import { randomUUID } from 'node:crypto';
import type { ExecutionRecord } from '../../src/domain/records.js';
import { checkFailbackReadiness } from '../../src/failback/reverse.js';
import type { FailbackReadiness } from '../../src/failback/types.js';
import type { Execution } from '../../src/runbook/index.js';
import type { World } from '../runbook/world.js';

export { Crash, crashingRunner } from '../runbook/crash-runner.js';

/** An approved planned failback, as the request flow leaves it once the two-person rule is met. */
export async function approvedFailback(world: World, service: string): Promise<Execution> {
  const id = randomUUID();
  const now = Date.now();
  const record: ExecutionRecord = {
    id,
    service,
    kind: 'failback',
    mode: 'planned',
    state: 'approved',
    requestedBy: 'U0ALICE',
    reason: 'home again',
    planHash: world.plan.hash,
    createdAtMs: now,
    updatedAtMs: now,
    steps: {},
  };
  return world.stores.executions.create(id, record);
}

export const readinessOf = (world: World, name: string): Promise<FailbackReadiness> => {
  const service = world.plan.services[name];
  if (!service) throw new Error(`no service ${name}`);
  return checkFailbackReadiness({ aws: world.aws, service: { ...service, name }, now: Date.now() });
};

/** Polls the failback check (the simulated cloud runs fast) until it says ready, or gives up. */
export async function untilReady(world: World, name: string, tries = 200): Promise<FailbackReadiness> {
  let last = await readinessOf(world, name);
  for (let i = 0; i < tries && !last.ready; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    last = await readinessOf(world, name);
  }
  return last;
}
