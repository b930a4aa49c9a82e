import type { FinalizeRequestMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import type { Stores } from '../../src/adapters/store/index.js';
import type { AuditLog } from '../../src/audit/types.js';
import { createRunbookRunner, type RunbookDeps } from '../../src/runbook/index.js';
import type { World } from './world.js';

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
  return { runner, transitions: () => transitions, close: () => aws.destroy() };
}
