import type { WebClient } from '@slack/web-api';
import { escapeText } from '../../blocks/escape.js';
import type { FailbackHandlerDeps } from '../../handlers/commands/failback.js';
import type { FailoverHandlerDeps } from '../../handlers/commands/failover.js';
import type { AwsClients } from '../adapters/aws/clients.js';
import type { AlarmSystem } from '../alarms/system.js';
import { createFailoverFeature, type FailoverFeature } from '../approval/index.js';
import type { Clock } from '../domain/clock.js';
import type { InFlight } from '../domain/inflight.js';
import type { Timeline } from '../domain/timeline.js';
import { createDrillFeature, type DrillFeature } from '../drills/feature.js';
import type { createMeasuredDurations } from '../drills/measured.js';
import type { createDrillStores } from '../drills/store.js';
import { createFailbackFeature } from '../failback/feature.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { ReadinessService } from '../readiness/service.js';
import { createRecoveryReports, type RecoveryReports } from '../report/publish.js';
import { createReportStore } from '../report/store.js';
import { createDynamoActiveIndex, createRunbookRunner, type RunbookRunner } from '../runbook/index.js';
import type { StateRecorder } from '../state/recorder.js';
import type { Lifecycle } from './lifecycle.js';
import type { State } from './state.js';

export interface OperationsDeps {
  readonly state: State;
  readonly aws: AwsClients;
  readonly readiness: ReadinessService;
  /** The operating state of each service: the engine reports every execution change to it. */
  readonly serviceState: StateRecorder;
  readonly alarms: Pick<AlarmSystem, 'findIncidentThread' | 'listOpenIncidents'>;
  readonly client: WebClient;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  /** How drill and runbook durations are reckoned (default: the clock). */
  readonly timeline?: Timeline;
  readonly logger: Logger;
  readonly inflight: InFlight;
  readonly lifecycle: Lifecycle;
  readonly instanceId: string;
  readonly drillStores: ReturnType<typeof createDrillStores>;
  readonly drillDurations: ReturnType<typeof createMeasuredDurations>;
  /** Told the wall time of each runbook step (the metrics' step histogram). */
  readonly onStepFinished?: (kind: string, result: 'succeeded' | 'failed', ms: number) => void;
  readonly tuning: {
    readonly runbookPollMs?: number;
    readonly drillPollMs?: number;
    readonly drillCleanupAfterMs?: number;
  };
}

export interface Operations {
  readonly failover: FailoverFeature;
  readonly runner: RunbookRunner;
  readonly drills: DrillFeature;
  /** Recovery reports of finished executions (src/report/); `incidentResolved` completes those waiting for alarms. */
  readonly reports: RecoveryReports;
  readonly failoverHandlers: FailoverHandlerDeps;
  readonly failbackHandlers: FailbackHandlerDeps;
  readonly drillHandlers: { readonly drills: DrillFeature; readonly getPlan: () => Plan };
}

/**
 * The features that change AWS state: failover requests under the two-person rule, the runbook engine
 * that drives approved executions (reporting every persisted transition to the Slack side), failback
 * (its check gates failback approvals; its move store tells the engine which failover it returns
 * from) and drills.
 */
export function wireOperations(deps: OperationsDeps): Operations {
  const { state, aws, clock, logger, inflight, getPlan } = deps;
  const track = (work: Promise<unknown>) => void inflight.track(work);
  const common = {
    documents: state.documents,
    tableName: state.tableName,
    stores: state.stores,
    aws,
    getPlan,
    clock,
  };
  let runner: RunbookRunner | undefined;
  const failback = createFailbackFeature(common);
  const failover = createFailoverFeature({
    ...common,
    failbackPreconditions: failback.preconditions,
    operatingState: (service) => deps.serviceState.read(service),
    audit: state.audit,
    readiness: deps.readiness,
    client: deps.client,
    logger,
    inflight,
    ...(deps.timeline ? { timeline: deps.timeline } : {}),
    runner: () => {
      if (!runner) throw new Error('the runbook engine is not started');
      return runner;
    },
    // Requests are posted in the service's open incident thread, if any.
    findIncidentThread: (service) => deps.alarms.findIncidentThread(service),
  });
  const reports = createRecoveryReports({
    store: createReportStore(state.documents, state.tableName),
    approvals: state.stores.approvals,
    executions: state.stores.executions,
    thread: async (executionId) => {
      const { request } = await failover.requests.load(executionId);
      if (!request) return undefined;
      const threadTs = request.threadTs ?? request.messageTs;
      return { channel: request.channel, ...(threadTs ? { threadTs } : {}) };
    },
    openIncident: async (service) =>
      (await deps.alarms.listOpenIncidents()).find((incident) => incident.service === service),
    post: async (where, file) => {
      const common = {
        content: file.content,
        filename: file.filename,
        title: file.title,
        initial_comment: file.comment,
      };
      await deps.client.files.uploadV2(
        where.threadTs
          ? { ...common, channel_id: where.channel, thread_ts: where.threadTs }
          : { ...common, channel_id: where.channel },
      );
    },
    audit: state.audit,
    getPlan,
    clock,
    ...(deps.timeline ? { timeline: deps.timeline } : {}),
    logger,
    escape: escapeText,
  });
  const engine = createRunbookRunner({
    stores: state.stores,
    aws,
    getPlan,
    clock,
    audit: state.audit,
    logger,
    instanceId: deps.instanceId,
    onChange: async (execution) => {
      await failback.moves
        .remember(execution)
        .catch((error: unknown) => logger.warn({ err: error }, 'could not record the completed move'));
      // Steps completed, a failover landed, a failback home: the operating state follows (drills never).
      await deps.serviceState
        .onExecution(execution)
        .catch((error: unknown) =>
          logger.warn({ err: error, service: execution.service }, 'could not record the operating state'),
        );
      await failover.slack.onChange(execution);
      // A finished failover or failback: its recovery report, without holding the runbook up.
      track(
        reports
          .onExecution(execution)
          .catch((error: unknown) =>
            logger.warn({ err: error, executionId: execution.id }, 'recovery report failed'),
          ),
      );
    },
    origin: failback.origin,
    ...(deps.timeline ? { timeline: deps.timeline } : {}),
    activeIndex: createDynamoActiveIndex(state.documents, state.tableName),
    track,
    ...(deps.tuning.runbookPollMs ? { pollIntervalMs: deps.tuning.runbookPollMs } : {}),
    ...(deps.onStepFinished ? { onStepFinished: deps.onStepFinished } : {}),
  });
  runner = engine;
  deps.lifecycle.onClose(() => engine.stop());

  const drills = createDrillFeature({
    ...common,
    approvers: failover.approvers,
    audit: state.audit,
    client: deps.client,
    logger,
    instanceId: deps.instanceId,
    track,
    drillStores: deps.drillStores,
    durations: deps.drillDurations,
    ...(deps.timeline ? { timeline: deps.timeline } : {}),
    ...(deps.tuning.drillPollMs ? { pollIntervalMs: deps.tuning.drillPollMs } : {}),
    ...(deps.tuning.drillCleanupAfterMs ? { cleanupAfterMs: deps.tuning.drillCleanupAfterMs } : {}),
  });
  deps.lifecycle.onClose(() => drills.engine.stop());

  const slackSide = { slack: failover.slack, approvers: failover.approvers, runner: failover.runner };
  return {
    failover,
    runner: engine,
    drills,
    reports,
    failoverHandlers: {
      ...slackSide,
      readiness: deps.readiness,
      operatingState: (service: string) => deps.serviceState.read(service),
      audit: state.audit,
      getPlan,
      logger,
      inflight,
    },
    failbackHandlers: failback.handlers({
      client: deps.client,
      ...slackSide,
      audit: state.audit,
      logger,
      inflight,
    }),
    drillHandlers: { drills, getPlan },
  };
}
