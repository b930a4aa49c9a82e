import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WebClient } from '@slack/web-api';
import type { AwsClients } from '../adapters/aws/clients.js';
import type { Stores } from '../adapters/store/index.js';
import type { ApproverDirectory } from '../approval/approvers.js';
import type { Preconditions } from '../approval/preconditions.js';
import type { FailoverSlack } from '../approval/slack.js';
import type { RunnerPort } from '../approval/types.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { InFlight } from '../domain/inflight.js';
import type { ExecutionRecord } from '../domain/records.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import { createSetupStore } from './index.js';
import { createMoveStore, type MoveStore } from './moves.js';
import { failbackPreconditions } from './preconditions.js';
import { createFailbackRequester } from './request.js';
import { checkFailbackReadiness } from './reverse.js';
import { createFailbackSetup, type FailbackSetup } from './setup.js';
import type { FailbackReadiness, LastMove } from './types.js';

export interface FailbackFeatureDeps {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly stores: Pick<Stores, 'executions'>;
  readonly aws: AwsClients;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
}

/** What the failback listeners need from the failover request flow, once it is built. */
export interface FailbackSlackDeps {
  readonly client: WebClient;
  readonly slack: Pick<FailoverSlack, 'submitRequest'>;
  readonly approvers: ApproverDirectory;
  readonly runner: Pick<RunnerPort, 'dryRun'>;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly inflight: InFlight;
}

/** The failback check of a service by name, as the plan in force defines it (read-only AWS calls). */
export function makeFailbackCheck(deps: {
  readonly aws: AwsClients;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  readonly lastMove: LastMove;
}): (name: string) => Promise<FailbackReadiness> {
  return async (name) => {
    const plan = deps.getPlan();
    const service = Object.hasOwn(plan.services, name) ? plan.services[name] : undefined;
    if (!service) throw new Error(`unknown service ${name}`);
    return checkFailbackReadiness({
      aws: deps.aws,
      service: { ...service, name },
      now: deps.clock.now(),
      lastMove: deps.lastMove,
    });
  };
}

/**
 * Failback for the composition root, in two halves because it sits on both sides of the failover request
 * flow: `preconditions` (approval of a failback request) and `origin`/`moves` (the runbook engine) are needed
 * to build it; `handlers(...)` (the card's buttons, the request modal and its submission) needs it built.
 */
export function createFailbackFeature(deps: FailbackFeatureDeps) {
  const moves: MoveStore = createMoveStore(deps.documents, deps.tableName);
  const check = makeFailbackCheck({ ...deps, lastMove: moves.last });
  return {
    moves,
    check,
    /** A failback request's approval-time preconditions: the failback check, measured now. */
    preconditions: async (service: string): Promise<Preconditions> =>
      failbackPreconditions(await check(service)),
    /** The runbook engine's `origin`: the completed failover a failback of the service returns from. */
    origin: async (service: string): Promise<ExecutionRecord | undefined> => {
      const last = await moves.last(service);
      if (last?.kind !== 'failover' || !last.executionId) return undefined;
      return (await deps.stores.executions.get(last.executionId)) ?? undefined;
    },
    /** The failback listeners' dependencies (`FailbackHandlerDeps`). */
    handlers(slack: FailbackSlackDeps) {
      const setup: FailbackSetup = createFailbackSetup({
        aws: deps.aws,
        setups: createSetupStore(deps.documents, deps.tableName, deps.clock),
        approvers: slack.approvers,
        audit: slack.audit,
        getPlan: deps.getPlan,
        clock: deps.clock,
      });
      return {
        aws: deps.aws,
        getPlan: deps.getPlan,
        clock: deps.clock,
        logger: slack.logger,
        setup,
        lastMove: moves.last,
        inflight: slack.inflight,
        requestFailback: createFailbackRequester({
          client: slack.client,
          runner: slack.runner,
          approvers: slack.approvers,
          audit: slack.audit,
          getPlan: deps.getPlan,
          logger: slack.logger,
        }),
        submitFailback: (input: {
          readonly service: string;
          readonly reason: string;
          readonly userId: string;
        }) => slack.slack.submitRequest({ ...input, kind: 'failback', mode: 'planned' }),
      };
    },
  };
}

export type FailbackFeature = ReturnType<typeof createFailbackFeature>;
