import { randomUUID } from 'node:crypto';
import type { App } from '@slack/bolt';
import { HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { makeAuditCommand } from '../handlers/commands/audit.js';
import { makeDrillCommand } from '../handlers/commands/drill.js';
import { makeFailbackCommand } from '../handlers/commands/failback.js';
import { makeFailoverCommand } from '../handlers/commands/failover.js';
import { makeReportCommand } from '../handlers/commands/report.js';
import { makeStatusCommand } from '../handlers/commands/status.js';
import { register } from '../handlers/index.js';
import { type AwsClientOptions, type AwsClients, createAwsClients } from './adapters/aws/clients.js';
import type { Stores } from './adapters/store/index.js';
import { autoRequestFailover } from './alarms/auto-request.js';
import { RECEIPT_RETENTION_MS } from './alarms/receipts.js';
import { createSnsEndpoint } from './alarms/sns-endpoint.js';
import { type AlarmSystem, createAlarmSystem } from './alarms/system.js';
import { awaitingApprovalOf } from './approval/awaiting.js';
import type { FailoverFeature } from './approval/index.js';
import { companionWriterId, createDynamoAuditLog } from './audit/index.js';
import type { TamperWatch } from './audit/tamper-watch.js';
import type { AuditLog } from './audit/types.js';
import { wireAuditGuard } from './compose/audit-guard.js';
import { createLifecycle } from './compose/lifecycle.js';
import { wireMetrics } from './compose/metrics.js';
import { wireOperations } from './compose/operations.js';
import { wireServiceState } from './compose/service-state.js';
import { createSlackParts, resolveInstallation } from './compose/slack.js';
import { AWS_SNS_TRUST, alarmTopicsOf, type SnsTrust, snsVerifier } from './compose/sns-trust.js';
import { openState } from './compose/state.js';
import type { Config } from './config.js';
import { type Clock, systemClock } from './domain/clock.js';
import { createInFlight } from './domain/inflight.js';
import type { Timeline } from './domain/timeline.js';
import type { DrillFeature } from './drills/feature.js';
import { createMeasuredDurations } from './drills/measured.js';
import { createDrillStores } from './drills/store.js';
import { makeFailbackCheck } from './failback/feature.js';
import { createMoveStore } from './failback/moves.js';
import { type Installation, installationMiddleware } from './http/installation.js';
import { createRefusalAudit, type RefusalAudit } from './http/refusals.js';
import { createHttpServer } from './http/server.js';
import { createLogger, type Logger } from './logger.js';
import { loadPlanFile, type Plan } from './plan/load.js';
import type { HttpGet } from './probes/types.js';
import { createAwsCheckers } from './readiness/aws/index.js';
import { createReadinessEngine } from './readiness/engine.js';
import { createReadinessService, type ReadinessService } from './readiness/service.js';
import { createReportStore } from './report/store.js';
import type { RunbookRunner } from './runbook/index.js';
import type { Scheduler } from './scheduler/scheduler.js';
import { wireScheduler } from './scheduler/wire.js';
import { createDirectedReadiness } from './state/directed.js';
import { makeObserver } from './state/observe.js';
import type { OperatingState } from './state/types.js';

export type { SnsTrust } from './compose/sns-trust.js';

/** How often a replica looks for executions no replica drives (their lease expired). */
export const DEFAULT_TAKEOVER_SWEEP_MS = 15_000;

export interface LifeboatOptions {
  readonly config: Config;
  /** An already loaded plan; otherwise the file at config.planPath is loaded. */
  readonly plan?: Plan;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** How drill and runbook durations are reckoned (default: the clock; the sandbox: its simulated AWS time, labelled). */
  readonly timeline?: Timeline;
  /** Lets the sandbox put its simulated cloud behind the real SDK clients. */
  readonly onAwsClient?: AwsClientOptions['onClient'];
  /** Which certificates sign SNS messages Lifeboat accepts (default: SNS's own; the sandbox's its own). */
  readonly snsTrust?: SnsTrust;
  /** Use this DynamoDB endpoint (e.g. one dynalite shared by several replicas in a test) instead of config.state. */
  readonly dynamoEndpoint?: string;
  /** Drill tuning (the sandbox polls faster because its cloud runs faster). */
  readonly drills?: {
    readonly pollIntervalMs?: number;
    readonly cleanupAfterMs?: number;
    readonly sweepIntervalMs?: number;
  };
  /** Runbook engine tuning (the sandbox polls faster because its cloud runs faster). */
  readonly runbook?: {
    readonly pollIntervalMs?: number;
    /** How often executions whose lease expired are taken over (default 15 s). */
    readonly sweepIntervalMs?: number;
  };
  /** HTTP for outside-in probes (the sandbox answers its probe URLs from the simulated cloud). */
  readonly probeHttp?: HttpGet;
}

export interface Lifeboat {
  /** Base URL of the HTTP server (POST /slack/events, POST /sns, GET /healthz, GET /readyz). */
  readonly url: string;
  readonly app: App;
  readonly plan: Plan;
  readonly stores: Stores;
  readonly aws: AwsClients;
  readonly audit: AuditLog;
  readonly readiness: ReadinessService;
  /** Where each service runs now (src/state/), or why that is unknown. */
  operatingState(service: string): Promise<OperatingState>;
  /** Alarm ingress: receipts, incidents, the outbound Slack queue, SQS polling. */
  readonly alarms: AlarmSystem;
  /** Failover requests: `slack.requestFromAlarm`, `slack.expireDue`, the request state machine. */
  readonly failover: FailoverFeature;
  readonly runner: RunbookRunner;
  /** Drills: requests, engine, results, `listDrillResources()` for the daily digest. */
  readonly drills: DrillFeature;
  /** Scheduled jobs: readiness check, daily digest, audit seal, probes (`status()` for `/dr status`). */
  readonly scheduler: Scheduler;
  /** The audit tamper watch on the state table's stream (off on embedded dynalite). */
  readonly tamperWatch: TamperWatch;
  readonly logger: Logger;
  /** Refused anonymous requests, audited as per-minute aggregates (`flush()` writes the window now). */
  readonly refusals: RefusalAudit;
  /** Stops accepting requests, waits for in-flight work (up to `graceMs`), then releases everything. */
  close(graceMs?: number): Promise<void>;
}

/**
 * The composition root: the only place that builds config-dependent objects and wires them
 * (src/compose/ holds its parts). Nothing here runs at import time.
 */
export async function startLifeboat(options: LifeboatOptions): Promise<Lifeboat> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const plan = options.plan ?? (await loadPlanFile(config.planPath));
  const getPlan = () => plan;
  const instanceId = randomUUID();
  const inflight = createInFlight();
  const lifecycle = createLifecycle(logger, inflight);
  const trust = options.snsTrust ?? AWS_SNS_TRUST;
  // The plan's alarm topics and the deployed intake topic (infra/ passes DR_ALARM_INTAKE_TOPIC_ARN).
  const allowedTopics = alarmTopicsOf(plan, config.alarms.intakeTopicArn);
  const topics = () => allowedTopics;

  try {
    // Read on scrape (or EMF flush) only: the sources exist by then. Events are counted from the start.
    const { metrics, emf } = wireMetrics({
      config,
      clock,
      lifecycle,
      sources: {
        outbox: () => alarms.stats().outbox,
        sqs: () => alarms.stats().sqs,
        readiness: () =>
          Object.keys(plan.services).map(
            (service) => readiness.peek(service) ?? { service, verdict: undefined },
          ),
        activeExecutions: () => ops.runner.activeExecutions(),
        leasesHeld: () => ops.runner.leasesHeld(),
      },
    });
    const state = await openState(
      config,
      { logger, clock, lifecycle, instanceId, onAuditAppend: (o) => metrics.auditAppended('main', o) },
      options.dynamoEndpoint,
    );
    const { audit } = state;
    const aws = createAwsClients(options.onAwsClient ? { onClient: options.onAwsClient } : {});
    lifecycle.onClose(() => aws.destroy());

    // Drill results feed readiness estimates (measured step durations), so they exist first.
    const drillStores = createDrillStores(state.documents, state.tableName, clock);
    const drillDurations = createMeasuredDurations(drillStores, getPlan);
    await drillDurations
      .refresh()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not load drill results'));
    let alarmsReady: AlarmSystem | undefined;
    const forwardReadiness = createReadinessService({
      engine: createReadinessEngine({
        checkers: createAwsCheckers(aws, { canary: { clock }, plan: getPlan }),
        clock,
        stepDurations: drillDurations,
      }),
      getPlan,
      clock,
    });
    // Where each service runs now (src/state/): a change drops that service's cached readiness.
    const serviceState = wireServiceState({
      state,
      getPlan,
      clock,
      onChanged: (service) => {
        readiness.invalidate(service);
        // The open incident's card shows the outcome and measures again (once the alarm system exists).
        if (alarmsReady) void alarmsReady.refreshService(service).catch(() => undefined);
      },
    });
    // Readiness in the direction that applies now: to fail over, or (running in the recovery Region) to fail back.
    const readiness: ReadinessService = createDirectedReadiness({
      forward: forwardReadiness,
      failback: makeFailbackCheck({
        aws,
        getPlan,
        clock,
        lastMove: createMoveStore(state.documents, state.tableName).last,
      }),
      observe: makeObserver({ aws, getPlan, now: () => clock.now() }),
      state: serviceState,
      getPlan,
      clock,
      stepDurations: drillDurations,
    });
    await serviceState
      .initialise()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not initialise the operating state'));

    // Refused anonymous requests: counted per reason per minute on their own audit chain and
    // append queue, so a flood never delays an approval's, a command's or an alarm's entry.
    const refusals = createRefusalAudit({
      audit: createDynamoAuditLog(state.documents, state.tableName, {
        writerId: companionWriterId(instanceId, 'refusals'),
        clock,
        onAppend: (o) => metrics.auditAppended('refusals', o),
      }),
      logger,
      now: () => clock.now(),
    });
    lifecycle.onClose(() => refusals.close());
    const slack = createSlackParts(config, logger);
    let operations: ReturnType<typeof wireOperations> | undefined;
    const alarms = createAlarmSystem({
      logger,
      clock,
      getPlan,
      documents: state.documents,
      tableName: state.tableName,
      incidents: state.stores.incidents,
      // Alarm entries go to their own chain and append queue: a command's entry then never waits
      // behind a storm's (docs/alarms.md, Benchmark).
      audit: createDynamoAuditLog(state.documents, state.tableName, {
        writerId: companionWriterId(instanceId, 'alarms'),
        clock,
        onAppend: (o) => metrics.auditAppended('alarms', o),
      }),
      readiness,
      chat: slack.outbound.chat,
      aws,
      ...(config.alarms.queueUrl ? { queueUrl: config.alarms.queueUrl } : {}),
      // SQS keeps messages for days, so an envelope there is only as fresh as the queue allows.
      verifyEnvelope: snsVerifier(trust, clock, {
        maxAgeMs: RECEIPT_RETENTION_MS,
        allowedTopics: topics,
        acceptSha1: config.alarms.acceptSha1,
      }),
      allowedTopics: topics,
      rawDelivery: config.alarms.rawDelivery,
      instanceId,
      // Rules with autoRequestFailover: Lifeboat itself requests the failover.
      // An incident resolved: the failover request it raised itself goes stale (a person's is noted).
      onIncidentResolved: (incident) => {
        if (!operations) return;
        // Recovery reports waiting for the service's health alarms get their actual recovery time.
        void inflight.track(
          operations.reports
            .incidentResolved(incident)
            .catch((error: unknown) =>
              logger.warn(
                { err: error, service: incident.service },
                'could not complete the recovery report',
              ),
            ),
        );
        void inflight.track(
          operations.failover.slack
            .incidentResolved(incident.service, incident.id)
            .catch((error: unknown) =>
              logger.warn({ err: error, service: incident.service }, 'could not mark the request stale'),
            ),
        );
      },
      onIngested: (source, status) => metrics.alarmIngested(source, status),
      onAlarmRaised: autoRequestFailover({
        request: (input) => {
          if (!operations) throw new Error('failover requests are not wired yet');
          return operations.failover.slack.requestFromAlarm(input);
        },
        logger,
        track: (work) => void inflight.track(work),
      }),
    });
    const ops = wireOperations({
      onStepFinished: (kind, result, ms) => metrics.stepFinished(kind, result, ms / 1000),
      state,
      aws,
      readiness,
      serviceState,
      alarms,
      client: slack.app.client,
      getPlan,
      clock,
      logger,
      inflight,
      lifecycle,
      instanceId,
      drillStores,
      drillDurations,
      ...(options.timeline ? { timeline: options.timeline } : {}),
      tuning: {
        ...(options.runbook?.pollIntervalMs ? { runbookPollMs: options.runbook.pollIntervalMs } : {}),
        ...(options.drills?.pollIntervalMs ? { drillPollMs: options.drills.pollIntervalMs } : {}),
        ...(options.drills?.cleanupAfterMs ? { drillCleanupAfterMs: options.drills.cleanupAfterMs } : {}),
      },
    });
    operations = ops;
    alarmsReady = alarms;
    // Alarms are applied from here on (pending receipts first): the auto-request hook needs the failover feature.
    await alarms.start();
    lifecycle.onClose(() => alarms.stop(5_000));

    const scheduler = wireScheduler({
      plan,
      documents: state.documents,
      tableName: state.tableName,
      stores: state.stores,
      audit,
      readiness,
      aws,
      alarms,
      // One outbound queue: the scheduler's posts share the alarm module's per-channel pacing.
      outbox: alarms.outbox,
      instanceId,
      clock,
      logger,
      drillResources: () => ops.drills.listDrillResources(),
      ...(config.auditArchive
        ? { auditArchive: { ...config.auditArchive, s3: aws.forRegion(config.region ?? 'us-east-1').s3 } }
        : {}),
      ...(options.probeHttp ? { probeHttp: options.probeHttp } : {}),
    });

    // Outside the hash chains: the S3 archive verify compares with, and the tamper watch on the stream.
    const auditGuard = wireAuditGuard({
      config,
      documents: state.documents,
      tableName: state.tableName,
      stream: state.stream,
      audit,
      getPlan,
      post: (channel, message) => alarms.outbox.post(channel, message),
      sns: (region) => aws.forRegion(region).sns,
      s3: () => aws.forRegion(config.region ?? 'us-east-1').s3,
      logger,
      clock,
      lifecycle,
    });

    register(slack.app, {
      logger,
      getPlan,
      inflight,
      readiness,
      subcommands: {
        status: makeStatusCommand({
          readiness,
          getPlan,
          logger,
          schedule: () => scheduler.status(),
          drills: (service) => ops.drills.standing(service),
        }),
        audit: makeAuditCommand({
          audit,
          getPlan,
          logger,
          clock,
          ...(auditGuard.archive ? { archive: auditGuard.archive } : {}),
          tamperWatch: () => auditGuard.watch.status(),
        }),
        report: makeReportCommand({
          audit,
          getPlan,
          logger,
          clock,
          recoveryReports: createReportStore(state.documents, state.tableName),
        }),
        failover: makeFailoverCommand(ops.failoverHandlers),
        drill: makeDrillCommand(ops.drillHandlers),
        failback: makeFailbackCommand(ops.failbackHandlers),
      },
      failover: ops.failoverHandlers,
      drills: ops.drillHandlers,
      failback: ops.failbackHandlers,
      recordCommand: async ({ userId, channelId, text }) => {
        await audit.append({
          type: 'command',
          actor: userId,
          channel: channelId,
          details: { text: `/dr ${text}`.trim() },
        });
      },
      incidents: { acknowledge: (incidentId, userId) => alarms.acknowledge(incidentId, userId) },
      home: {
        openIncidents: () => alarms.listOpenIncidents(),
        awaitingApproval: (userId) => awaitingApprovalOf(ops.failover, getPlan(), userId),
        drills: (service) => ops.drills.standing(service),
      },
    });
    // Socket Mode has no HTTP request to refuse: the installation check runs as global middleware.
    let installation: Installation | undefined;
    if (slack.receiver instanceof SocketModeReceiver)
      slack.app.use(
        installationMiddleware(
          () => installation,
          (reason) => refusals.record({ type: 'http.rejected', reason, status: 403, path: 'socket-mode' }),
        ),
      );
    await slack.app.init();
    installation = await resolveInstallation(config.slack.installation, slack.app.client, logger);

    const http = createHttpServer({
      logger,
      metrics: (req, res) => metrics.handle(req, res),
      ...(slack.receiver instanceof HTTPReceiver
        ? {
            slack: {
              listener: slack.receiver.requestListener,
              signingSecret: config.slack.signingSecret ?? '',
              installation,
            },
          }
        : {}),
      sns: createSnsEndpoint({
        logger,
        verify: snsVerifier(trust, clock, {
          maxAgeMs: config.alarms.snsMaxAgeMs,
          allowedTopics: topics,
          acceptSha1: config.alarms.acceptSha1,
        }),
        allowedTopics: topics,
        confirm: trust.confirm,
        // Resolves once the notification's receipt is durably written (SNS then gets its 200); a
        // message that is not a CloudWatch alarm answers 400 and is audited as alarm.rejected.
        onNotification: (message) => alarms.onNotification(message),
        // Signed by SNS and from an allowed topic: audited (before confirming) on the main chain.
        onSubscription: async (event) => {
          await audit.append({
            type: 'alarm.subscription',
            actor: 'aws',
            details: {
              action: event.type === 'SubscriptionConfirmation' ? 'confirm' : 'unsubscribed',
              topicArn: event.topicArn,
              messageId: event.messageId,
            },
          });
        },
        onRejected: (r) => {
          metrics.alarmRefused('sns-http', r.reason);
          refusals.record({
            type: 'alarm.rejected',
            reason: r.reason,
            status: r.status,
            detail: r.detail,
            topicArn: r.topicArn,
          });
        },
      }),
      readiness: [
        { name: 'plan', check: async () => void plan.hash },
        { name: 'dynamodb', check: () => state.checkTable() },
      ],
      now: () => clock.now(),
      onRejected: (r) =>
        refusals.record({
          type: 'http.rejected',
          reason: r.reason,
          status: r.status,
          path: r.path,
          remoteAddress: r.remoteAddress,
        }),
    });
    const url = await http.listen(config.http.port, config.http.host);
    const { receiver } = slack;
    if (receiver instanceof SocketModeReceiver) {
      await receiver.start();
      lifecycle.onClose(() => receiver.stop());
    }
    // Executions a previous run left approved or running are driven again; requests past their
    // deadline expire (also checked on every click); drills left running resume and due cleanups run.
    // The takeover sweep runs now and then periodically: an execution whose replica died (kill -9)
    // resumes here within its lease TTL plus one interval, not only when some replica restarts.
    lifecycle.every(
      options.runbook?.sweepIntervalMs ?? DEFAULT_TAKEOVER_SWEEP_MS,
      'execution takeover sweep',
      () => ops.runner.sweep(),
      { now: true },
    );
    lifecycle.every(60_000, 'request expiry sweep', () => ops.failover.slack.expireDue());
    lifecycle.every(options.drills?.sweepIntervalMs ?? 60_000, 'drill sweep', () => ops.drills.sweep(), {
      now: true,
    });
    // Scheduled jobs start once Slack works; a missed daily slot runs late in the background.
    lifecycle.background('scheduler start', scheduler.start());
    lifecycle.onClose(() => scheduler.close(5_000));
    // Registered last, so it runs first on close: the final metrics line while the state still answers.
    if (emf) lifecycle.onClose(() => emf.flush());
    logger.info(
      { url, instanceId, plan: plan.source, planHash: plan.hash, services: Object.keys(plan.services) },
      'Lifeboat is up',
    );

    let closing: Promise<void> | undefined;
    return {
      url,
      app: slack.app,
      plan,
      stores: state.stores,
      aws,
      audit,
      readiness,
      operatingState: (service) => serviceState.read(service),
      alarms,
      failover: ops.failover,
      drills: ops.drills,
      scheduler,
      tamperWatch: auditGuard.watch,
      runner: ops.runner,
      logger,
      refusals,
      close(graceMs = 10_000) {
        closing ??= (async () => {
          const stopped = http.close();
          const left = await inflight.drain(graceMs);
          if (left > 0) logger.warn({ left }, 'shutting down with work still in flight');
          await stopped;
          await lifecycle.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await lifecycle.close();
    throw error;
  }
}
