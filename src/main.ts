import { randomUUID } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { makeAuditCommand } from '../handlers/commands/audit.js';
import { makeDrillCommand } from '../handlers/commands/drill.js';
import { type FailbackHandlerDeps, makeFailbackCommand } from '../handlers/commands/failback.js';
import { makeFailoverCommand } from '../handlers/commands/failover.js';
import { makeReportCommand } from '../handlers/commands/report.js';
import { makeStatusCommand } from '../handlers/commands/status.js';
import { register } from '../handlers/index.js';
import { type AwsClientOptions, type AwsClients, createAwsClients } from './adapters/aws/clients.js';
import {
  createDocumentClient,
  type EmbeddedDynamo,
  ensureTable,
  startEmbeddedDynamo,
} from './adapters/store/dynamo.js';
import { createStores, type Stores } from './adapters/store/index.js';
import { autoRequestFailover } from './alarms/auto-request.js';
import { RECEIPT_RETENTION_MS } from './alarms/receipts.js';
import { createSnsEndpoint } from './alarms/sns-endpoint.js';
import {
  type CertificateSource,
  createSnsVerifier,
  fetchCertificate,
  SNS_CERT_HOST,
} from './alarms/sns-verify.js';
import { type AlarmSystem, createAlarmSystem } from './alarms/system.js';
import { createFailoverFeature, type FailoverFeature } from './approval/index.js';
import { companionWriterId, createDynamoAuditLog } from './audit/index.js';
import type { AuditEventInput, AuditLog } from './audit/types.js';
import type { Config } from './config.js';
import { type Clock, systemClock } from './domain/clock.js';
import { createInFlight } from './domain/inflight.js';
import { createDrillFeature, type DrillFeature } from './drills/feature.js';
import { createMeasuredDurations } from './drills/measured.js';
import { createDrillStores } from './drills/store.js';
import { createFailbackFeature } from './failback/feature.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { createLogger, type Logger, toBoltLogger } from './logger.js';
import { loadPlanFile, type Plan } from './plan/load.js';
import type { HttpGet } from './probes/types.js';
import { createAwsCheckers } from './readiness/aws/index.js';
import { createReadinessEngine } from './readiness/engine.js';
import { createReadinessService, type ReadinessService } from './readiness/service.js';
import { createDynamoActiveIndex, createRunbookRunner, type RunbookRunner } from './runbook/index.js';
import type { Scheduler } from './scheduler/scheduler.js';
import { wireScheduler } from './scheduler/wire.js';

export interface LifeboatOptions {
  readonly config: Config;
  /** An already loaded plan; otherwise the file at config.planPath is loaded. */
  readonly plan?: Plan;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Lets the sandbox put its simulated cloud behind the real SDK clients. */
  readonly onAwsClient?: AwsClientOptions['onClient'];
  /**
   * Which certificates sign SNS messages Lifeboat accepts. Default: SNS's own, fetched over HTTPS
   * from the SNS host pattern. The sandbox supplies its own certificate (and only there).
   */
  readonly snsTrust?: {
    readonly certificates: CertificateSource;
    readonly certHost: RegExp;
    readonly confirm: (subscribeUrl: string) => Promise<void>;
  };
  /** Use this DynamoDB endpoint (e.g. one dynalite shared by several replicas in a test) instead of config.state. */
  readonly dynamoEndpoint?: string;
  /** Drill tuning (the sandbox polls faster because its cloud runs faster). */
  readonly drills?: {
    readonly pollIntervalMs?: number;
    readonly cleanupAfterMs?: number;
    readonly sweepIntervalMs?: number;
  };
  /** Runbook engine tuning (the sandbox polls faster because its cloud runs faster). */
  readonly runbook?: { readonly pollIntervalMs?: number };
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
  /** Alarm ingress: receipts, incidents, the outbound Slack queue, SQS polling. */
  readonly alarms: AlarmSystem;
  /** Failover requests: `slack.requestFromAlarm`, `slack.expireDue`, the request state machine. */
  readonly failover: FailoverFeature;
  readonly runner: RunbookRunner;
  /** Drills: requests, engine, results, `listDrillResources()` for the daily digest. */
  readonly drills: DrillFeature;
  /** Scheduled jobs: readiness check, daily digest, audit seal, probes (`status()` for `/dr status`). */
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** Stops accepting requests, waits for in-flight work (up to `graceMs`), then releases everything. */
  close(graceMs?: number): Promise<void>;
}

/**
 * The composition root: the only place that builds config-dependent objects and wires them.
 * Nothing here runs at import time.
 */
export async function startLifeboat(options: LifeboatOptions): Promise<Lifeboat> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const plan = options.plan ?? (await loadPlanFile(config.planPath));
  const instanceId = randomUUID();
  const cleanups: (() => Promise<void> | void)[] = [];

  try {
    let embedded: EmbeddedDynamo | undefined;
    if (config.state.kind === 'embedded' && !options.dynamoEndpoint) {
      embedded = await startEmbeddedDynamo(config.state.dataDir ? { dataDir: config.state.dataDir } : {});
      const running = embedded;
      cleanups.push(() => running.close());
      logger.info(
        { endpoint: embedded.endpoint, dataDir: config.state.dataDir ?? '(memory)' },
        'embedded DynamoDB (dynalite) started',
      );
    }
    const documents = createDocumentClient({
      endpoint: options.dynamoEndpoint ?? embedded?.endpoint,
      region: config.region ?? 'us-east-1',
    });
    cleanups.push(() => documents.destroy());
    await ensureTable(documents, config.tableName);
    const stores = createStores(documents, config.tableName, clock);
    const audit = createDynamoAuditLog(documents, config.tableName, {
      writerId: instanceId,
      clock,
    });
    /** For events whose effect is not held back by the audit write (refusals of anonymous requests). */
    const auditInBackground = (event: AuditEventInput) =>
      void audit
        .append(event)
        .catch((error: unknown) => logger.error({ err: error, event: event.type }, 'audit append failed'));

    const aws = createAwsClients(options.onAwsClient ? { onClient: options.onAwsClient } : {});
    cleanups.push(() => aws.destroy());

    // Drill results feed readiness estimates (measured step durations), so they exist first.
    const drillStores = createDrillStores(documents, config.tableName, clock);
    const drillDurations = createMeasuredDurations(drillStores, () => plan);
    await drillDurations
      .refresh()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not load drill results'));
    const readiness = createReadinessService({
      engine: createReadinessEngine({
        checkers: createAwsCheckers(aws, { canary: { clock } }),
        clock,
        stepDurations: drillDurations,
      }),
      getPlan: () => plan,
      clock,
    });

    const inflight = createInFlight();
    const boltLogger = toBoltLogger(logger);

    // Alarm ingress. Its outbound Slack queue paces itself and handles 429s, so its client rejects
    // rate-limited calls instead of waiting inside the WebClient.
    const outboundSlack = new WebClient(config.slack.botToken, {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      logger: boltLogger,
      rejectRateLimitedCalls: true,
      // The WebClient's fiveRetriesInFiveMinutes (not a named ESM export of the CommonJS package).
      retryConfig: { retries: 5, factor: 3.86 },
    });
    const alarms = createAlarmSystem({
      logger,
      clock,
      getPlan: () => plan,
      documents,
      tableName: config.tableName,
      incidents: stores.incidents,
      // Alarm entries go to their own chain and append queue: a command's entry, written before the
      // command is answered, then never waits behind a storm's (docs/alarms.md, Benchmark).
      audit: createDynamoAuditLog(documents, config.tableName, {
        writerId: companionWriterId(instanceId, 'alarms'),
        clock,
      }),
      readiness,
      chat: outboundSlack.chat,
      aws,
      ...(config.alarms.queueUrl ? { queueUrl: config.alarms.queueUrl } : {}),
      // SQS keeps messages for days, so an envelope there is only as fresh as the queue allows.
      verifyEnvelope: createSnsVerifier({
        certificates: options.snsTrust?.certificates ?? fetchCertificate,
        certHost: options.snsTrust?.certHost ?? SNS_CERT_HOST,
        now: () => clock.now(),
        maxAgeMs: RECEIPT_RETENTION_MS,
      }),
      instanceId,
      // Rules with autoRequestFailover: Lifeboat requests the failover (started below, once `failover` exists).
      onAlarmRaised: autoRequestFailover({
        request: (input) => failover.slack.requestFromAlarm(input),
        logger,
        track: (work) => void inflight.track(work),
      }),
    });
    const receiver = config.slack.appToken
      ? new SocketModeReceiver({ appToken: config.slack.appToken, logger: boltLogger })
      : new HTTPReceiver({
          signingSecret: config.slack.signingSecret ?? '',
          endpoints: '/slack/events',
          logger: boltLogger,
          processBeforeResponse: false,
        });
    const app = new App({
      token: config.slack.botToken,
      receiver,
      logger: boltLogger,
      deferInitialization: true,
      clientOptions: {
        ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
        rejectRateLimitedCalls: false,
      },
    });
    app.error(async (error) => {
      logger.error({ err: error }, 'unhandled error in a Slack listener');
    });

    // Failover requests (two-person rule) and the runbook engine that drives approved ones; the engine
    // reports every persisted transition to the Slack side's onChange (progress card, notices, DMs).
    let runner: RunbookRunner | undefined;
    // Failback: its check gates failback approvals; its move store tells the engine which failover a failback returns from.
    const failback = createFailbackFeature({
      documents,
      tableName: config.tableName,
      stores,
      aws,
      getPlan: () => plan,
      clock,
    });
    const failover = createFailoverFeature({
      failbackPreconditions: failback.preconditions,
      documents,
      tableName: config.tableName,
      stores,
      audit,
      aws,
      readiness,
      client: app.client,
      getPlan: () => plan,
      clock,
      logger,
      inflight,
      runner: () => {
        if (!runner) throw new Error('the runbook engine is not started');
        return runner;
      },
      // Requests are posted in the service's open incident thread, if any.
      findIncidentThread: (service) => alarms.findIncidentThread(service),
    });
    // Alarms are applied from here on (pending receipts first): the auto-request hook needs `failover`.
    await alarms.start();
    cleanups.push(() => alarms.stop(5_000));
    const engine = createRunbookRunner({
      stores,
      aws,
      getPlan: () => plan,
      clock,
      audit,
      logger,
      instanceId,
      onChange: async (execution) => {
        await failback.moves
          .remember(execution)
          .catch((error: unknown) => logger.warn({ err: error }, 'could not record the completed move'));
        await failover.slack.onChange(execution);
      },
      origin: failback.origin,
      activeIndex: createDynamoActiveIndex(documents, config.tableName),
      track: (work) => void inflight.track(work),
      ...(options.runbook?.pollIntervalMs ? { pollIntervalMs: options.runbook.pollIntervalMs } : {}),
    });
    runner = engine;
    cleanups.push(() => engine.stop());
    const failoverHandlers = {
      slack: failover.slack,
      approvers: failover.approvers,
      runner: failover.runner,
      readiness,
      audit,
      getPlan: () => plan,
      logger,
      inflight,
    };
    const drills = createDrillFeature({
      documents,
      tableName: config.tableName,
      stores,
      approvers: failover.approvers,
      aws,
      audit,
      client: app.client,
      getPlan: () => plan,
      clock,
      logger,
      instanceId,
      track: (work) => void inflight.track(work),
      drillStores,
      durations: drillDurations,
      ...(options.drills?.pollIntervalMs ? { pollIntervalMs: options.drills.pollIntervalMs } : {}),
      ...(options.drills?.cleanupAfterMs ? { cleanupAfterMs: options.drills.cleanupAfterMs } : {}),
    });
    cleanups.push(() => drills.engine.stop());
    const failbackHandlers: FailbackHandlerDeps = failback.handlers({
      client: app.client,
      slack: failover.slack,
      approvers: failover.approvers,
      runner: failover.runner,
      audit,
      logger,
      inflight,
    });
    const drillHandlers = { drills, getPlan: () => plan };
    const scheduler = wireScheduler({
      plan,
      documents,
      tableName: config.tableName,
      stores,
      audit,
      readiness,
      aws,
      alarms,
      // One outbound queue: the scheduler's posts share the alarm module's per-channel pacing.
      outbox: alarms.outbox,
      instanceId,
      clock,
      logger,
      drillResources: () => drills.listDrillResources(),
      ...(config.auditArchive
        ? { auditArchive: { ...config.auditArchive, s3: aws.forRegion(config.region ?? 'us-east-1').s3 } }
        : {}),
      ...(options.probeHttp ? { probeHttp: options.probeHttp } : {}),
    });

    register(app, {
      logger,
      getPlan: () => plan,
      inflight,
      readiness,
      subcommands: {
        status: makeStatusCommand({
          readiness,
          getPlan: () => plan,
          logger,
          schedule: () => scheduler.status(),
          drills: (service) => drills.standing(service),
        }),
        audit: makeAuditCommand({ audit, getPlan: () => plan, logger, clock }),
        report: makeReportCommand({ audit, getPlan: () => plan, logger, clock }),
        failover: makeFailoverCommand(failoverHandlers),
        drill: makeDrillCommand(drillHandlers),
        failback: makeFailbackCommand(failbackHandlers),
      },
      failover: failoverHandlers,
      drills: drillHandlers,
      failback: failbackHandlers,
      recordCommand: async ({ userId, channelId, text }) => {
        await audit.append({
          type: 'command',
          actor: userId,
          channel: channelId,
          details: { text: `/dr ${text}`.trim() },
        });
      },
      incidents: { acknowledge: (incidentId, userId) => alarms.acknowledge(incidentId, userId) },
    });
    await app.init();

    const sns = createSnsEndpoint({
      logger,
      verify: createSnsVerifier({
        certificates: options.snsTrust?.certificates ?? fetchCertificate,
        certHost: options.snsTrust?.certHost ?? SNS_CERT_HOST,
        now: () => clock.now(),
        maxAgeMs: config.alarms.snsMaxAgeMs,
      }),
      allowedTopics: () => plan.alarmTopics,
      confirm: options.snsTrust?.confirm ?? confirmSubscription,
      // Resolves once the notification's receipt is durably written (SNS then gets its 200); a
      // message that is not a CloudWatch alarm answers 400 and is audited as alarm.rejected.
      onNotification: (message) => alarms.onNotification(message),
      onRejected: (r) =>
        auditInBackground({
          type: 'alarm.rejected',
          actor: 'unknown',
          details: { status: r.status, reason: r.reason, detail: r.detail, topicArn: r.topicArn ?? null },
        }),
    });

    const http: HttpServer = createHttpServer({
      logger,
      ...(receiver instanceof HTTPReceiver
        ? { slack: { listener: receiver.requestListener, signingSecret: config.slack.signingSecret ?? '' } }
        : {}),
      sns,
      readiness: [
        { name: 'plan', check: async () => void plan.hash },
        { name: 'dynamodb', check: () => checkTable(documents, config.tableName) },
      ],
      now: () => clock.now(),
      onRejected: (r) =>
        auditInBackground({
          type: 'http.rejected',
          actor: 'unknown',
          details: {
            path: r.path,
            status: r.status,
            reason: r.reason,
            remoteAddress: r.remoteAddress ?? null,
          },
        }),
    });
    const url = await http.listen(config.http.port, config.http.host);
    if (receiver instanceof SocketModeReceiver) {
      await receiver.start();
      cleanups.push(() => receiver.stop());
    }
    // Executions a previous run left approved or running are driven again; requests past their
    // deadline expire (also checked on every click).
    inflight.track(
      engine
        .resumeAll()
        .catch((error: unknown) => logger.error({ err: error }, 'could not resume executions')),
    );
    const expirySweep = setInterval(() => {
      inflight.track(
        failover.slack
          .expireDue()
          .catch((error: unknown) => logger.warn({ err: error }, 'request expiry sweep failed')),
      );
    }, 60_000);
    expirySweep.unref();
    cleanups.push(() => clearInterval(expirySweep));
    // Drills a previous run left running are resumed and due cleanups run, now and every minute.
    const drillSweep = () =>
      inflight.track(
        drills.sweep().catch((error: unknown) => logger.warn({ err: error }, 'drill sweep failed')),
      );
    drillSweep();
    const drillTimer = setInterval(drillSweep, options.drills?.sweepIntervalMs ?? 60_000);
    drillTimer.unref();
    cleanups.push(() => clearInterval(drillTimer));
    // Scheduled jobs start once Slack works; a missed daily slot runs late in the background.
    inflight.track(
      scheduler.start().catch((error: unknown) => logger.error({ err: error }, 'scheduler did not start')),
    );
    cleanups.push(() => scheduler.close(5_000));
    logger.info(
      { url, instanceId, plan: plan.source, planHash: plan.hash, services: Object.keys(plan.services) },
      'Lifeboat is up',
    );

    let closing: Promise<void> | undefined;
    return {
      url,
      app,
      plan,
      stores,
      aws,
      audit,
      readiness,
      alarms,
      failover,
      drills,
      scheduler,
      runner: engine,
      logger,
      close(graceMs = 10_000) {
        closing ??= (async () => {
          const stopped = http.close();
          const left = await inflight.drain(graceMs);
          if (left > 0) logger.warn({ left }, 'shutting down with work still in flight');
          await stopped;
          await runCleanups(cleanups, logger);
        })();
        return closing;
      },
    };
  } catch (error) {
    await runCleanups(cleanups, logger);
    throw error;
  }
}

async function checkTable(documents: DynamoDBDocumentClient, tableName: string): Promise<void> {
  const { Table } = await documents.send(new DescribeTableCommand({ TableName: tableName }), {
    abortSignal: AbortSignal.timeout(2_000),
  });
  if (Table?.TableStatus !== 'ACTIVE')
    throw new Error(`table ${tableName} is ${Table?.TableStatus ?? 'missing'}`);
}

/** Confirms an SNS subscription by visiting its SubscribeURL, which must be https on SNS's host. */
async function confirmSubscription(subscribeUrl: string): Promise<void> {
  const url = new URL(subscribeUrl);
  if (url.protocol !== 'https:' || !SNS_CERT_HOST.test(url.host))
    throw new Error(`refusing to visit ${url.href}`);
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`subscription confirmation failed: HTTP ${res.status}`);
}

async function runCleanups(cleanups: (() => Promise<void> | void)[], logger: Logger): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      logger.warn({ err: error }, 'cleanup failed');
    }
  }
}
