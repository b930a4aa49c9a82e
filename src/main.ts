import { randomUUID } from 'node:crypto';
import { SocketModeReceiver } from '@slack/bolt';
import { createAwsClients } from './adapters/aws/clients.js';
import type { AlarmSystem } from './alarms/system.js';
import { companionWriterId, createDynamoAuditLog } from './audit/index.js';
import { wireAlarms } from './compose/alarms.js';
import { wireAuditGuard } from './compose/audit-guard.js';
import { wireCommands } from './compose/commands.js';
import { wireHttp } from './compose/http.js';
import { createLifecycle } from './compose/lifecycle.js';
import { wireMetrics } from './compose/metrics.js';
import { type Operations, wireOperations } from './compose/operations.js';
import { DEFAULT_TAKEOVER_SWEEP_MS, type Lifeboat, type LifeboatOptions } from './compose/options.js';
import { wireReadiness } from './compose/readiness.js';
import { createSlackParts, resolveInstallation } from './compose/slack.js';
import { AWS_SNS_TRUST, alarmTopicsOf } from './compose/sns-trust.js';
import { openState } from './compose/state.js';
import { systemClock } from './domain/clock.js';
import { createInFlight } from './domain/inflight.js';
import { createMeasuredDurations } from './drills/measured.js';
import { createDrillStores } from './drills/store.js';
import { type Installation, installationMiddleware } from './http/installation.js';
import { createRefusalAudit } from './http/refusals.js';
import { createLogger } from './logger.js';
import { loadPlanFile } from './plan/load.js';
import { createReportStore } from './report/store.js';
import { wireScheduler } from './scheduler/wire.js';

export type { Lifeboat, LifeboatOptions } from './compose/options.js';
export { DEFAULT_TAKEOVER_SWEEP_MS } from './compose/options.js';
export type { SnsTrust } from './compose/sns-trust.js';

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
    const aws = createAwsClients({
      now: () => clock.now(),
      ...(options.onAwsClient ? { onClient: options.onAwsClient } : {}),
    });
    lifecycle.onClose(() => aws.destroy());

    // Drill results feed readiness estimates (measured step durations), so they exist first.
    const drillStores = createDrillStores(state.documents, state.tableName, clock);
    const drillDurations = createMeasuredDurations(drillStores, getPlan);
    await drillDurations
      .refresh()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not load drill results'));
    let alarmsReady: AlarmSystem | undefined;
    const { readiness, serviceState } = await wireReadiness({
      state,
      aws,
      getPlan,
      clock,
      logger,
      stepDurations: drillDurations,
      // The open incident's card shows the outcome and measures again (once the alarm system exists).
      onServiceChanged: (service) => {
        if (alarmsReady) void alarmsReady.refreshService(service).catch(() => undefined);
      },
    });

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
    let operations: Operations | undefined;
    const alarms = wireAlarms({
      config,
      state,
      aws,
      readiness,
      chat: slack.outbound.chat,
      metrics,
      trust,
      topics,
      getPlan,
      clock,
      logger,
      inflight,
      instanceId,
      operations: () => operations,
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

    wireCommands(slack.app, {
      audit,
      auditGuard,
      readiness,
      scheduler,
      alarms,
      ops,
      getPlan,
      clock,
      logger,
      inflight,
      recoveryReports: createReportStore(state.documents, state.tableName),
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

    const http = wireHttp({
      config,
      plan,
      state,
      slack,
      installation,
      alarms,
      audit,
      refusals,
      metrics,
      trust,
      topics,
      clock,
      logger,
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
    // Ready: from now on a storm's DynamoDB calls start their thread (the start's never do).
    state.releaseThread();
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
