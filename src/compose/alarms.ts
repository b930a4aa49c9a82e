import type { AwsClients } from '../adapters/aws/clients.js';
import { autoRequestFailover } from '../alarms/auto-request.js';
import { RECEIPT_RETENTION_MS } from '../alarms/receipts.js';
import { type AlarmSystem, type AlarmSystemDeps, createAlarmSystem } from '../alarms/system.js';
import { companionWriterId, createDynamoAuditLog } from '../audit/index.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { InFlight } from '../domain/inflight.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/registry.js';
import type { Plan } from '../plan/load.js';
import type { ReadinessService } from '../readiness/service.js';
import type { Operations } from './operations.js';
import { type SnsTrust, snsVerifier } from './sns-trust.js';
import type { State } from './state.js';

/**
 * Alarm ingress (receipts, incidents, the outbound Slack queue, SQS polling) on its own audit chain.
 * `operations` is read when an alarm needs it: the failover feature is built after the alarm system.
 */
export function wireAlarms(deps: {
  readonly config: Config;
  readonly state: State;
  readonly aws: AwsClients;
  readonly readiness: ReadinessService;
  readonly chat: AlarmSystemDeps['chat'];
  readonly metrics: Metrics;
  readonly trust: SnsTrust;
  readonly topics: () => readonly string[];
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly inflight: InFlight;
  readonly instanceId: string;
  /** The failover feature and recovery reports, built after the alarm system (undefined until then). */
  readonly operations: () => Pick<Operations, 'failover' | 'reports'> | undefined;
}): AlarmSystem {
  const { config, state, clock, logger, metrics, inflight } = deps;
  return createAlarmSystem({
    logger,
    clock,
    getPlan: deps.getPlan,
    documents: state.documents,
    tableName: state.tableName,
    incidents: state.stores.incidents,
    // Alarm entries go to their own chain and append queue: a command's entry then never waits
    // behind a storm's (docs/alarms.md, Benchmark).
    audit: createDynamoAuditLog(state.documents, state.tableName, {
      writerId: companionWriterId(deps.instanceId, 'alarms'),
      clock,
      onAppend: (o) => metrics.auditAppended('alarms', o),
    }),
    readiness: deps.readiness,
    chat: deps.chat,
    aws: deps.aws,
    ...(config.alarms.queueUrl ? { queueUrl: config.alarms.queueUrl } : {}),
    // SQS keeps messages for days, so an envelope there is only as fresh as the queue allows.
    verifyEnvelope: snsVerifier(deps.trust, clock, {
      maxAgeMs: RECEIPT_RETENTION_MS,
      allowedTopics: deps.topics,
      acceptSha1: config.alarms.acceptSha1,
    }),
    allowedTopics: deps.topics,
    rawDelivery: config.alarms.rawDelivery,
    instanceId: deps.instanceId,
    // An incident resolved: the failover request it raised itself goes stale (a person's is noted).
    onIncidentResolved: (incident) => {
      const ops = deps.operations();
      if (!ops) return;
      // Recovery reports waiting for the service's health alarms get their actual recovery time.
      void inflight.track(
        ops.reports
          .incidentResolved(incident)
          .catch((error: unknown) =>
            logger.warn({ err: error, service: incident.service }, 'could not complete the recovery report'),
          ),
      );
      const failover = ops.failover;
      void inflight.track(
        failover.slack
          .incidentResolved(incident.service, incident.id)
          .catch((error: unknown) =>
            logger.warn({ err: error, service: incident.service }, 'could not mark the request stale'),
          ),
      );
    },
    onIngested: (source, status) => metrics.alarmIngested(source, status),
    // Rules with autoRequestFailover: Lifeboat itself requests the failover.
    onAlarmRaised: autoRequestFailover({
      request: (input) => {
        const ops = deps.operations();
        if (!ops) throw new Error('failover requests are not wired yet');
        return ops.failover.slack.requestFromAlarm(input);
      },
      logger,
      track: (work) => void inflight.track(work),
    }),
  });
}
