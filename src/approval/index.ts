/** Failover requests with a two-person rule, in Slack: the public surface for the composition root and handlers. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WebClient } from '@slack/web-api';
import type { AwsClients } from '../adapters/aws/clients.js';
import type { Stores } from '../adapters/store/index.js';
import { usergroupMembers } from '../audit/slack.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { InFlight } from '../domain/inflight.js';
import type { Timeline } from '../domain/timeline.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { ReadinessService } from '../readiness/service.js';
import type { OperatingState } from '../state/types.js';
import { createApproverDirectory } from './approvers.js';
import { createCards } from './cards.js';
import { createStakeholderNotifier } from './notify.js';
import type { Preconditions } from './preconditions.js';
import { createFailoverRequests } from './requests.js';
import { createFailoverSlack } from './slack.js';
import { createRequestStore } from './store.js';
import type { FindIncidentThread, RunnerPort } from './types.js';

export { type ApproverDirectory, createApproverDirectory } from './approvers.js';
export { bothDryRuns, dryRunAnswer, openRequestModal } from './modal.js';
export { createStakeholderNotifier, type NotifyStakeholders } from './notify.js';
export * from './policy.js';
export { evaluatePreconditions, type Preconditions } from './preconditions.js';
export { createFailoverRequests, type FailoverRequests } from './requests.js';
export { createFailoverSlack, type FailoverSlack } from './slack.js';
export { createRequestStore, type RequestStore } from './store.js';
export * from './types.js';

export interface FailoverFeatureDeps {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly stores: Pick<Stores, 'executions' | 'approvals' | 'once' | 'incidents'>;
  readonly audit: AuditLog;
  readonly aws: AwsClients;
  readonly readiness: ReadinessService;
  readonly client: WebClient;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  /** How the progress card reckons step durations (default: the clock; the sandbox: simulated AWS time, labelled). */
  readonly timeline?: Timeline;
  readonly logger: Logger;
  readonly inflight: InFlight;
  /** The runbook engine; a getter because the engine needs this feature's onChange to be built. */
  readonly runner: () => RunnerPort;
  readonly findIncidentThread?: FindIncidentThread;
  /** A failback's approval-time preconditions (the failback check); without it failbacks cannot be approved. */
  readonly failbackPreconditions?: (service: string) => Promise<Preconditions>;
  /** Where each service runs now (src/state/): failovers of a service in its recovery Region are refused. */
  readonly operatingState?: (service: string) => Promise<OperatingState>;
}

/**
 * Builds the whole feature from the composition root's objects. `slack.onChange` is the runbook engine's
 * onChange; `slack.expireDue` is the periodic sweep; `slack.requestFromAlarm` is for the alarm pipeline.
 */
export function createFailoverFeature(deps: FailoverFeatureDeps) {
  const approvers = createApproverDirectory({
    members: usergroupMembers(deps.client),
    clock: deps.clock,
    onLookupError: (usergroup, error) =>
      deps.logger.warn(
        { usergroup, err: error },
        'cannot list user group members; the person is told the lookup failed',
      ),
  });
  const requestStore = createRequestStore(deps.documents, deps.tableName);
  const requests = createFailoverRequests({
    stores: deps.stores,
    requests: requestStore,
    audit: deps.audit,
    approvers,
    readiness: deps.readiness,
    ...(deps.failbackPreconditions ? { failbackPreconditions: deps.failbackPreconditions } : {}),
    getPlan: deps.getPlan,
    clock: deps.clock,
    ...(deps.operatingState ? { operatingState: deps.operatingState } : {}),
    incidentOpen: async (incidentId) => (await deps.stores.incidents.get(incidentId))?.state === 'open',
  });
  const cards = createCards({
    client: deps.client,
    stores: deps.stores,
    requests: requestStore,
    getPlan: deps.getPlan,
    clock: deps.clock,
    ...(deps.timeline ? { timeline: deps.timeline } : {}),
    logger: deps.logger,
  });
  const runner: RunnerPort = {
    track: (id) => deps.runner().track(id),
    run: (id) => deps.runner().run(id),
    decide: (id, decision, userId, bound) => deps.runner().decide(id, decision, userId, bound),
    dryRun: (service, mode, kind) => deps.runner().dryRun(service, mode, kind),
  };
  const slack = createFailoverSlack({
    client: deps.client,
    requests,
    cards,
    runner,
    approvers,
    audit: deps.audit,
    notify: createStakeholderNotifier({ aws: deps.aws, getPlan: deps.getPlan, logger: deps.logger }),
    getPlan: deps.getPlan,
    logger: deps.logger,
    inflight: deps.inflight,
    once: deps.stores.once,
    skipVotes: deps.stores.approvals,
    clock: deps.clock,
    ...(deps.findIncidentThread ? { findIncidentThread: deps.findIncidentThread } : {}),
  });
  return { slack, requests, approvers, runner };
}

export type FailoverFeature = ReturnType<typeof createFailoverFeature>;
