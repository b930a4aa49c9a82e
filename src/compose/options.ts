import type { App } from '@slack/bolt';
import type { AwsClientOptions, AwsClients } from '../adapters/aws/clients.js';
import type { Stores } from '../adapters/store/index.js';
import type { AlarmSystem } from '../alarms/system.js';
import type { FailoverFeature } from '../approval/index.js';
import type { TamperWatch } from '../audit/tamper-watch.js';
import type { AuditLog } from '../audit/types.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { Timeline } from '../domain/timeline.js';
import type { DrillFeature } from '../drills/feature.js';
import type { RefusalAudit } from '../http/refusals.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { HttpGet } from '../probes/types.js';
import type { ReadinessService } from '../readiness/service.js';
import type { RunbookRunner } from '../runbook/index.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { OperatingState } from '../state/types.js';
import type { SnsTrust } from './sns-trust.js';

/** What the composition root (src/main.ts) takes and what it returns. */
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
