import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../adapters/aws/clients.js';
import { clientsFor } from '../adapters/aws/roles.js';
import { ROUTE53_METRICS_REGION } from '../adapters/aws/route53-health.js';
import type { SlackOutbox } from '../adapters/slack/outbox.js';
import type { Stores } from '../adapters/store/index.js';
import type { AuditLog } from '../audit/types.js';
import { backupRegressions } from '../backup/digest.js';
import type { Clock } from '../domain/clock.js';
import type { IncidentRecord } from '../domain/records.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import { type ProbeSignalSink, probeIncidentsFromAlarms } from '../probes/alarm-incidents.js';
import { fetchGet } from '../probes/checks.js';
import type { HttpGet } from '../probes/types.js';
import type { ReadinessService } from '../readiness/service.js';
import { createDynamoActiveIndex } from '../runbook/active-index.js';
import type { DigestSources } from './digest-model.js';
import { storeDigestSources } from './digest-sources.js';
import { createLifeboatScheduler, type LifeboatSchedulerDeps } from './index.js';
import type { Scheduler } from './scheduler.js';
import { dynamoSchedulerStorage } from './storage.js';

export interface SchedulerWiring {
  readonly plan: Plan;
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly stores: Stores;
  readonly audit: AuditLog;
  readonly readiness: ReadinessService;
  readonly aws: AwsClients;
  /** The alarm module: probes open incidents through it; the digest lists its open incidents. */
  readonly alarms: ProbeSignalSink & { listOpenIncidents(): Promise<readonly IncidentRecord[]> };
  /**
   * The outbound Slack queue shared with the alarm module (`AlarmSystem.outbox`), so per-channel pacing
   * covers both; its owner drains it on shutdown.
   */
  readonly outbox: Pick<SlackOutbox, 'post'>;
  readonly instanceId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** HTTP for probes (default fetch; the sandbox answers its own probe URLs). */
  readonly probeHttp?: HttpGet;
  /** Drill resources still running (the drills feature's `listDrillResources`), for the digest. */
  readonly drillResources?: DigestSources['drillResources'];
  /** The S3 audit archive: daily archive of sealed days and hourly anchors of the chain heads. */
  readonly auditArchive?: LifeboatSchedulerDeps['auditArchive'];
}

/**
 * The scheduler as the composition root builds it: state in Lifeboat's table, posts through an
 * outbound Slack queue, probes into the alarm pipeline, the digest reading executions and incidents.
 * `close()` stops the jobs; the shared queue is drained by its owner (the alarm module, stopped later).
 */
export function wireScheduler(w: SchedulerWiring): Scheduler & { close(graceMs: number): Promise<void> } {
  const scheduler = createLifeboatScheduler({
    plan: w.plan,
    readiness: w.readiness,
    audit: w.audit,
    post: async (m) => {
      await w.outbox.post(m.channel, { text: m.text, blocks: m.blocks });
    },
    storage: dynamoSchedulerStorage(w.documents, w.tableName, w.stores.leases, w.clock),
    instanceId: w.instanceId,
    clock: w.clock,
    logger: w.logger,
    probes: {
      http: w.probeHttp ?? fetchGet,
      cloudwatch: (service, resource) =>
        (service ? clientsFor(w.aws, service, resource, 'probe') : w.aws).forRegion(ROUTE53_METRICS_REGION)
          .cloudwatch,
      incidents: probeIncidentsFromAlarms(w.alarms),
    },
    ...(w.auditArchive ? { auditArchive: w.auditArchive } : {}),
    digestSources: {
      ...(w.drillResources ? { drillResources: w.drillResources } : {}),
      // Only plans with a backups section read AWS Backup (and get the section in the digest).
      ...(Object.values(w.plan.services).some((s) => s.backups)
        ? { backupRegressions: () => backupRegressions(w.aws, w.plan, w.clock.now()) }
        : {}),
      ...storeDigestSources({
        executions: w.stores.executions,
        activeExecutionIds: () => createDynamoActiveIndex(w.documents, w.tableName).list(),
        openIncidents: () => w.alarms.listOpenIncidents(),
      }),
    },
  });
  return {
    ...scheduler,
    async close(graceMs) {
      await scheduler.stop(graceMs);
    },
  };
}
