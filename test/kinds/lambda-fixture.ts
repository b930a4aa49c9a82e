import type { AwsClients } from '../../src/adapters/aws/clients.js';
import type { StepRecord } from '../../src/domain/records.js';
import { parsePlan } from '../../src/plan/load.js';
import { stepContext } from '../../src/runbook/drive-step.js';
import { defaultExecutors, executorFor } from '../../src/runbook/executors/index.js';
import type { People } from '../../src/runbook/executors/types.js';
import { allSteps, routeFor } from '../../src/runbook/stages.js';

/** A service whose failover warms caches in us-west-2 and whose failback cleans up in us-east-1. */
export const LAMBDA_PLAN_TEXT = `
version: 1
account: "123456789012"
services:
  shop:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 1m
    rto: 15m
    channel: C0SHOP
    approvers: { users: [U0ALICE, U0BOB] }
    resources:
      - { id: caches, kind: lambda-function, recoveryFunction: shop-warm-caches, primaryFunction: shop-cleanup }
    runbook:
      failover:
        - { id: warm, kind: lambda-invoke, resource: caches, timeout: 2m, input: { tier: gold, keys: 500 } }
      failback:
        - { id: cleanup, kind: lambda-invoke, resource: caches }
`;

export const lambdaPlan = () => parsePlan(LAMBDA_PLAN_TEXT, 'lambda.yml');

/** The step, its executor and a context over the given clients (failover: warm; failback: cleanup). */
export function lambdaStep(
  aws: AwsClients,
  options: {
    kind?: 'failover' | 'failback';
    record?: () => StepRecord | undefined;
    people?: People;
    readOnly?: boolean;
    callTimeoutMs?: number;
  } = {},
) {
  const kind = options.kind ?? 'failover';
  const route = routeFor(lambdaPlan(), 'shop', kind);
  const [found] = allSteps(route);
  if (!found) throw new Error('no step');
  const people = options.people;
  const ctx = stepContext(
    {
      route,
      kind,
      mode: 'planned',
      aws,
      clock: { now: () => 1_000_000 },
      ...(people ? { people: async () => people } : {}),
    },
    found,
    'exec-1',
    options.record ?? (() => undefined),
    options.readOnly ?? false,
    options.callTimeoutMs ?? 5_000,
  );
  return { ctx, executor: executorFor(defaultExecutors, found) };
}
