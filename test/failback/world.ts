import { randomUUID } from 'node:crypto';
import type { FinalizeRequestMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import type { Stores } from '../../src/adapters/store/index.js';
import type { AuditLog } from '../../src/audit/types.js';
import type { ExecutionRecord } from '../../src/domain/records.js';
import { checkFailbackReadiness } from '../../src/failback/reverse.js';
import type { FailbackReadiness } from '../../src/failback/types.js';
import { createRunbookRunner, type Execution, type RunbookDeps } from '../../src/runbook/index.js';
import type { World } from '../runbook/world.js';

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

export class Crash extends Error {
  constructor() {
    super('crashed');
    this.name = 'Crash';
  }
}

/**
 * A runner whose process "dies" right after its N-th persisted transition: every later store call, audit
 * append, AWS call and sleep fails at once. AWS calls already sent still take effect in the simulated cloud.
 */
export function crashingRunner(world: World, crashAfter: number, overrides: Partial<RunbookDeps> = {}) {
  let transitions = 0;
  let dead = false;
  const check = () => {
    if (dead) throw new Crash();
  };
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, key) {
        const value = Reflect.get(obj, key) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          check();
          const out = await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
          check();
          return out;
        };
      },
    });
  const executions = wrap(world.stores.executions);
  const stores: Stores = {
    ...world.stores,
    leases: wrap(world.stores.leases),
    executions: {
      ...executions,
      async transition(id, expected, next, options) {
        const saved = await executions.transition(id, expected, next, options);
        transitions += 1;
        if (transitions >= crashAfter) dead = true;
        check();
        return saved;
      },
    },
  };
  const aws = createAwsClients({
    maxAttempts: 1,
    onClient: (client, region) => {
      world.cloud.attach(client, region);
      const stack = client.middlewareStack as unknown as MiddlewareStack<object, MetadataBearer>;
      const gate: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => async (args) => {
        check();
        return next(args);
      };
      stack.add(gate, { step: 'finalizeRequest', priority: 'high', name: 'crashGate' });
    },
  });
  const audit: AuditLog = wrap(world.audit);
  const runner = createRunbookRunner(
    world.deps({
      ...overrides,
      stores,
      aws,
      audit,
      sleep: async (ms) => {
        check();
        await new Promise((resolve) => setTimeout(resolve, ms));
        check();
      },
    }),
  );
  return { runner, close: () => aws.destroy() };
}
