/** The scheduler's public surface: what the composition root calls. */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { S3Client } from '@aws-sdk/client-s3';
import { probeIncidentMessage, probeResolvedMessage } from '../../blocks/scheduler/probe.js';
import type { ArchiveOptions } from '../audit/index.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { Resource, Service } from '../plan/schema.js';
import { probeJobs } from '../probes/jobs.js';
import type { HttpGet, ProbeIncidents, ProbeState } from '../probes/types.js';
import type { ReadinessService } from '../readiness/service.js';
import type { DigestSources } from './digest-model.js';
import {
  auditAnchorJob,
  auditSealJob,
  type DigestSnapshot,
  digestJob,
  readinessCheckJob,
  type SealState,
} from './jobs.js';
import type { WatchState } from './readiness-watch.js';
import { createScheduler, type Scheduler } from './scheduler.js';
import type { SchedulerStorage } from './storage.js';
import type { JobDefinition, Poster } from './types.js';

export type { DigestSources } from './digest-model.js';
export { createScheduler, type Scheduler, type SchedulerDeps } from './scheduler.js';
export { dynamoSchedulerStorage, memorySchedulerStorage, type SchedulerStorage } from './storage.js';
export type { JobDefinition, JobStatus, Poster } from './types.js';

export interface LifeboatSchedulerDeps {
  readonly plan: Plan;
  readonly readiness: Pick<ReadinessService, 'check'>;
  readonly audit: AuditLog;
  /** Posts to a channel (regressions, recoveries, the digest, the probe fallback). */
  readonly post: Poster;
  readonly storage: SchedulerStorage;
  readonly instanceId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly probes: {
    readonly http: HttpGet;
    /** CloudWatch in us-east-1, where Route 53 publishes its health checks' HealthCheckStatus. */
    readonly cloudwatch: (service?: Service, resource?: Resource) => CloudWatchClient;
    /** The alarm module's incident threads; without them, probe incidents are posted as plain messages. */
    readonly incidents?: ProbeIncidents;
  };
  readonly digestSources?: DigestSources;
  /** Archive sealed audit days to S3 and anchor the chain heads there hourly (otherwise days are only checkpointed). */
  readonly auditArchive?: Omit<ArchiveOptions, 'audit'> & { readonly s3: S3Client };
  /** Which jobs to run (default all): tests pick one. */
  readonly only?: (job: JobDefinition) => boolean;
}

/** Fallback until the alarm module's incident threads are wired: a labelled message in the service's channel. */
export function postingProbeIncidents(plan: () => Plan, post: Poster): ProbeIncidents {
  const channel = (service: string) => plan().services[service]?.channel;
  return {
    async openProbeIncident(input) {
      const to = channel(input.service);
      if (to) await post({ channel: to, ...probeIncidentMessage(input, input) });
      return undefined;
    },
    async resolveProbeIncident(input) {
      const to = channel(input.service);
      if (to) await post({ channel: to, ...probeResolvedMessage(input, input.detail) });
    },
  };
}

/** Every scheduled job Lifeboat runs for a plan: readiness check, digest (if a channel is set), audit seal, probes. */
export function lifeboatJobs(deps: LifeboatSchedulerDeps): JobDefinition[] {
  const { plan, storage, audit, post, logger } = deps;
  const getPlan = () => plan;
  const jobs: JobDefinition[] = [
    readinessCheckJob({
      plan,
      readiness: deps.readiness,
      state: storage.state<WatchState>('SCHED#READINESS'),
      post,
      audit,
      logger,
    }),
  ];
  const channel = plan.slack.digestChannel;
  if (channel) {
    jobs.push(
      digestJob({
        plan,
        channel,
        readiness: deps.readiness,
        audit,
        sources: deps.digestSources ?? {},
        snapshots: storage.state<DigestSnapshot>('SCHED#DIGEST'),
        post,
        now: () => deps.clock.now(),
      }),
    );
  }
  jobs.push(
    auditSealJob({
      audit,
      state: storage.state<SealState>('SCHED#SEAL'),
      ...(deps.auditArchive ? { archive: deps.auditArchive } : {}),
    }),
  );
  if (deps.auditArchive) {
    jobs.push(
      auditAnchorJob({
        audit,
        archive: deps.auditArchive,
        writer: deps.instanceId,
        now: () => deps.clock.now(),
      }),
    );
  }
  jobs.push(
    ...probeJobs({
      getPlan,
      http: deps.probes.http,
      cloudwatch: deps.probes.cloudwatch,
      state: storage.state<ProbeState>('PROBE'),
      incidents: deps.probes.incidents ?? postingProbeIncidents(getPlan, post),
      audit,
      logger,
      now: () => deps.clock.now(),
    }),
  );
  return deps.only ? jobs.filter(deps.only) : jobs;
}

/** The scheduler with Lifeboat's jobs. Call `start()` once the Slack client works; `stop()` on shutdown. */
export function createLifeboatScheduler(deps: LifeboatSchedulerDeps): Scheduler {
  return createScheduler({
    jobs: lifeboatJobs(deps),
    slots: deps.storage.slots,
    leases: deps.storage.leases,
    instanceId: deps.instanceId,
    clock: deps.clock,
    logger: deps.logger,
    audit: deps.audit,
  });
}
