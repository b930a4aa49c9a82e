import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../adapters/aws/clients.js';
import {
  type ChatApi,
  createSlackOutbox,
  type OutboxLimits,
  type OutboxStats,
  type SlackOutbox,
} from '../adapters/slack/outbox.js';
import type { Timer } from '../adapters/slack/timer.js';
import { createVersionedStore, type VersionedStore } from '../adapters/store/versioned.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { IncidentRecord } from '../domain/records.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { ReadinessService } from '../readiness/service.js';
import { createAlarmAudit } from './audit-writer.js';
import { AlarmParseError } from './cloudwatch.js';
import { incidentAcknowledgedEvent } from './incident-audit.js';
import { createIncidentSlack } from './incident-slack.js';
import { createOpenIncidents, type IncidentThread } from './open-incidents.js';
import {
  type AckResult,
  createPipeline,
  type IngestInput,
  type IngestResult,
  type OpenPointer,
} from './pipeline.js';
import { type ProbeSignal, probeIngestInput } from './probe-signal.js';
import type { AlarmRaised } from './raised.js';
import { createReceiptStore, type ReceiptStore } from './receipts.js';
import type { Route } from './routing.js';
import { type SnsMessage, SnsVerificationError } from './sns-verify.js';
import { decodeSqsBody } from './sqs-body.js';
import { createSqsPoller, type SqsOutcome, type SqsPoller } from './sqs-poller.js';

export type SnsNotification = Extract<SnsMessage, { Type: 'Notification' }>;
export type { IncidentThread } from './open-incidents.js';
export type { ProbeSignal } from './probe-signal.js';
export type { AlarmRaised } from './raised.js';

export interface AlarmSystemOptions {
  readonly outboxLimits?: Partial<OutboxLimits>;
  readonly timer?: Timer;
  readonly batchSize?: number;
  /** Least time between two batches of one service (default 1 s; 0 = apply as soon as received). */
  readonly batchGapMs?: number;
  /** Notifications a second from which a storm is on, and a storm's gap between batches (pipeline.ts; 50/s, 3 s). */
  readonly stormRatePerSecond?: number;
  readonly stormGapMs?: number;
  /** Pending receipts older than this are applied by any replica's sweep (default 30 s). */
  readonly takeoverMs?: number;
  /** How often to sweep for pending receipts (default 60 s; 0 = only at start). */
  readonly sweepIntervalMs?: number;
  readonly parentClaimMs?: number;
  /** Least time between the starts of two readiness measurements of one service for its incident card (default 5 s). */
  readonly remeasureGapMs?: number;
  /** How long `findIncidentThread` waits for the parent message of an incident just opened (default 10 s). */
  readonly threadWaitMs?: number;
  readonly sqs?: {
    readonly waitSeconds?: number;
    readonly visibilitySeconds?: number;
    readonly maxReceives?: number;
  };
}

export interface AlarmSystemDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly getPlan: () => Plan;
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly incidents: VersionedStore<IncidentRecord>;
  readonly audit: AuditLog;
  readonly readiness?: ReadinessService;
  /** chat.postMessage and chat.update, e.g. a WebClient's `chat` built with rejectRateLimitedCalls: true. */
  readonly chat: ChatApi;
  /** SQS ingress: the queue subscribed to the alarm topics, and the clients to reach it. */
  readonly queueUrl?: string;
  readonly aws?: AwsClients;
  /** Verifies SNS envelopes found in SQS bodies (the same trust as POST /sns, a retention-long max age). */
  readonly verifyEnvelope: (body: unknown) => Promise<SnsMessage>;
  /** Topics alarms may come from (the plan's alarmTopics and the deployed intake topic). */
  readonly allowedTopics: () => readonly string[];
  /** The queue's subscriptions use raw message delivery (config, not the body, decides; sqs-body.ts). */
  readonly rawDelivery?: boolean;
  readonly instanceId: string;
  readonly onIncidentOpened?: (incident: IncidentRecord, route: Route) => void;
  /** An alarm entered ALARM (opening or joining an incident), after the write; must not block. */
  readonly onAlarmRaised?: (raised: AlarmRaised) => void;
  /** An incident resolved, after the write; must not block. */
  readonly onIncidentResolved?: (incident: IncidentRecord) => void;
  /** Told each notification the pipeline took in: recorded, or a duplicate (metrics). */
  readonly onIngested?: (source: IngestInput['source'], status: IngestResult['status']) => void;
  readonly options?: AlarmSystemOptions;
}

export interface AlarmStats {
  readonly applyQueue: number;
  readonly outbox: OutboxStats;
  readonly sqs?: ReturnType<SqsPoller['stats']>;
}

export interface AlarmSystem {
  /** For createSnsEndpoint's onNotification: resolves once recorded; throws AlarmParseError (→ 400) on a non-alarm. */
  onNotification(message: SnsNotification): Promise<void>;
  ingest(input: IngestInput): Promise<IngestResult>;
  /** One SQS body, as the poller hands it over. */
  handleSqsBody(body: string): Promise<SqsOutcome>;
  /** Probes (scheduler): labelled "detected by a probe", routed to `service` directly. */
  openIncidentFromProbe(signal: ProbeSignal): Promise<IngestResult>;
  acknowledge(incidentId: string, userId: string): Promise<AckResult>;
  /** The parent message of the service's open incident (failover requests post in its thread), if any. */
  findIncidentThread(service: string): Promise<IncidentThread | undefined>;
  /** The service's operating state or readiness changed: its open incident's card measures again and is edited. */
  refreshService(service: string): Promise<void>;
  /** Open incidents, oldest first (the daily digest). */
  listOpenIncidents(): Promise<IncidentRecord[]>;
  /** The outbound Slack queue: other features post through it so per-channel pacing is shared. */
  readonly outbox: SlackOutbox;
  /** Applies receipts left pending by a previous run, then polls SQS (if configured) and sweeps periodically. */
  start(): Promise<void>;
  /** Stops polling, applies what is queued, drains the Slack queue (up to graceMs). */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when everything received so far is applied and shown (tests, benchmarks). */
  idle(): Promise<void>;
  stats(): AlarmStats;
  readonly receipts: ReceiptStore;
}

const queueRegion = (url: string) => /sqs[.-]([a-z]{2}(-gov)?-[a-z]+-\d)\./.exec(url)?.[1];

export function createAlarmSystem(deps: AlarmSystemDeps): AlarmSystem {
  const log = deps.logger.child({ component: 'alarms' });
  const options = deps.options ?? {};
  const receipts = createReceiptStore(deps.documents, deps.tableName, deps.clock);
  const pointers = createVersionedStore<OpenPointer>(
    deps.documents,
    deps.tableName,
    { pk: (service) => `ALARMOPEN#${service}`, sk: 'OPEN' },
    deps.clock,
  );
  const outbox = createSlackOutbox({
    chat: deps.chat,
    logger: deps.logger,
    ...(options.outboxLimits ? { limits: options.outboxLimits } : {}),
    ...(options.timer ? { timer: options.timer } : {}),
  });
  const audit = createAlarmAudit(deps.audit, deps.logger);
  const slack = createIncidentSlack({
    outbox,
    incidents: deps.incidents,
    getPlan: deps.getPlan,
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    clock: deps.clock,
    logger: deps.logger,
    instanceId: deps.instanceId,
    ...(options.parentClaimMs !== undefined ? { parentClaimMs: options.parentClaimMs } : {}),
    ...(options.remeasureGapMs !== undefined ? { remeasureGapMs: options.remeasureGapMs } : {}),
    ...(options.timer ? { timer: options.timer } : {}),
  });
  const pipeline = createPipeline({
    getPlan: deps.getPlan,
    receipts,
    incidents: deps.incidents,
    pointers,
    slack,
    audit,
    clock: deps.clock,
    logger: deps.logger,
    instanceId: deps.instanceId,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.batchGapMs !== undefined ? { batchGapMs: options.batchGapMs } : {}),
    ...(options.stormRatePerSecond !== undefined ? { stormRatePerSecond: options.stormRatePerSecond } : {}),
    ...(options.stormGapMs !== undefined ? { stormGapMs: options.stormGapMs } : {}),
    ...(options.timer ? { timer: options.timer } : {}),
    ...(deps.onIncidentOpened ? { onIncidentOpened: deps.onIncidentOpened } : {}),
    ...(deps.onAlarmRaised ? { onAlarmRaised: deps.onAlarmRaised } : {}),
    ...(deps.onIncidentResolved ? { onIncidentResolved: deps.onIncidentResolved } : {}),
  });
  // Every way in (SNS over HTTPS, SQS, probes) goes through here, so each is counted once.
  const ingest = async (input: IngestInput): Promise<IngestResult> => {
    const result = await pipeline.ingest(input);
    deps.onIngested?.(input.source, result.status);
    return result;
  };
  const open = createOpenIncidents({
    pointers,
    incidents: deps.incidents,
    getPlan: deps.getPlan,
    ...(options.threadWaitMs !== undefined ? { threadWaitMs: options.threadWaitMs } : {}),
  });
  const takeoverMs = options.takeoverMs ?? 30_000;
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> | undefined;
  let poller: SqsPoller | undefined;

  const rejected = (
    reason: string,
    detail: string,
    extra: Record<string, string | number | boolean | null> = {},
  ) => audit.event({ type: 'alarm.rejected', actor: 'aws', details: { reason, detail, ...extra } });

  async function handleSqsBody(body: string): Promise<SqsOutcome> {
    let decoded: Awaited<ReturnType<typeof decodeSqsBody>>;
    try {
      decoded = await decodeSqsBody(body, deps.verifyEnvelope, deps.rawDelivery ?? false);
    } catch (error) {
      if (error instanceof SnsVerificationError) {
        log.warn({ reason: error.reason, detail: error.message }, 'SQS alarm message refused');
        return 'rejected';
      }
      throw error;
    }
    if (decoded.kind === 'other') {
      log.info(
        { type: decoded.type, topicArn: decoded.topicArn },
        'SNS control message in the alarm queue ignored',
      );
      return 'ignored';
    }
    if (decoded.kind === 'notification' && !deps.allowedTopics().includes(decoded.topicArn)) {
      log.warn({ topicArn: decoded.topicArn }, 'SQS alarm message from a topic that is not allowed');
      return 'rejected';
    }
    try {
      const result = await ingest({
        id: decoded.id,
        source: 'sqs',
        message: decoded.message,
        ...(decoded.kind === 'notification'
          ? { topicArn: decoded.topicArn, ...(decoded.subject ? { subject: decoded.subject } : {}) }
          : {}),
      });
      return result.status;
    } catch (error) {
      if (error instanceof AlarmParseError) {
        log.warn(
          { reason: error.reason, detail: error.message },
          'SQS alarm message is not a CloudWatch alarm',
        );
        return 'rejected';
      }
      throw error;
    }
  }

  const sweep = () => {
    sweeping ??= pipeline
      .recover(deps.clock.now() - takeoverMs)
      .catch((error: unknown) => log.warn({ err: error }, 'sweep for pending alarm receipts failed'))
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping;
  };

  return {
    async onNotification(message) {
      await ingest({
        id: message.MessageId,
        source: 'sns-http',
        topicArn: message.TopicArn,
        ...(message.Subject ? { subject: message.Subject } : {}),
        message: message.Message,
      });
    },
    ingest,
    handleSqsBody,
    openIncidentFromProbe(signal) {
      try {
        return ingest(probeIngestInput(deps.getPlan(), signal, deps.clock.now()));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    acknowledge: async (incidentId, userId) => {
      const result = await pipeline.acknowledge(incidentId, userId);
      if (result.status === 'acknowledged' && result.incident)
        audit.event(incidentAcknowledgedEvent(result.incident, userId));
      return result;
    },
    async start() {
      await sweep();
      if (sweepIntervalMs > 0) {
        sweepTimer = setInterval(() => void sweep(), sweepIntervalMs);
        sweepTimer.unref?.();
      }
      if (deps.queueUrl) {
        const region = queueRegion(deps.queueUrl);
        if (!deps.aws || !region)
          throw new Error(`cannot poll ${deps.queueUrl}: no AWS clients or Region in the URL`);
        poller = createSqsPoller({
          sqs: deps.aws.forRegion(region).sqs,
          queueUrl: deps.queueUrl,
          logger: deps.logger,
          handle: (body) => handleSqsBody(body),
          onPoison: (p) =>
            rejected('sqs_poison', p.reason, {
              messageId: p.messageId,
              receiveCount: p.receiveCount,
              final: p.final,
            }),
          ...options.sqs,
        });
        poller.start();
        log.info({ queueUrl: deps.queueUrl }, 'polling the alarm queue');
      }
    },
    async stop(graceMs = 10_000) {
      if (sweepTimer) clearInterval(sweepTimer);
      const deadline = Date.now() + graceMs;
      await poller?.stop();
      await sweeping;
      const within = <T>(p: Promise<T>) =>
        Promise.race([
          p,
          new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref?.()),
        ]);
      await within(pipeline.idle());
      // What is not applied by now stays pending in the store; the next sweep (any replica) applies it.
      pipeline.halt();
      await pipeline.idle();
      await within(slack.idle());
      await outbox.close(Math.max(0, deadline - Date.now()));
      await within(audit.idle());
    },
    async idle() {
      for (let i = 0; i < 5; i++) {
        await sweeping;
        await pipeline.idle();
        await slack.idle();
        await outbox.idle();
        await audit.idle();
        if (pipeline.depth === 0 && outbox.stats().depth === 0 && outbox.stats().inFlight === 0) return;
      }
    },
    findIncidentThread: (service) => open.thread(service),
    async refreshService(service) {
      const incident = await open.get(service);
      if (incident) slack.refresh(incident);
    },
    listOpenIncidents: () => open.list(),
    outbox,
    stats: () => ({
      applyQueue: pipeline.depth,
      outbox: outbox.stats(),
      ...(poller ? { sqs: poller.stats() } : {}),
    }),
    receipts,
  };
}
