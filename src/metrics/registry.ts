import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OutboxStats } from '../adapters/slack/outbox.js';
import type { ReceiptSource } from '../alarms/receipts.js';
import type { ExecutionRecord } from '../domain/records.js';
import { type ReadinessSample, registerReadinessSeries } from './readiness.js';

/** Where an alarm notification came in: SNS over HTTPS, the SQS queue, or a probe of Lifeboat's own. */
export type AlarmSource = ReceiptSource;

/** The audit log's writers, each its own chain and append queue (src/main.ts): main, alarms', refusals'. */
export const AUDIT_WRITERS = ['main', 'alarms', 'refusals'] as const;
export type AuditWriter = (typeof AUDIT_WRITERS)[number];

/** One step duration observed since the last drain (the Embedded Metric Format emitter reads them). */
export interface StepObservation {
  readonly kind: string;
  readonly result: 'succeeded' | 'failed';
  readonly seconds: number;
}

/** Where the scrape reads what Lifeboat already knows; each source is optional and read only on scrape. */
export interface MetricSources {
  /** The outbound Slack queue (the alarm module's outbox). */
  readonly outbox?: () => OutboxStats;
  /**
   * The last measured readiness per service (the readiness cache; nothing is measured for a scrape):
   * its verdict, and when measured its checks (verdicts per resource) and RPO/RTO estimates.
   */
  readonly readiness?: () => readonly ReadinessSample[];
  /** Running totals of the SQS alarm poller, when it runs (its refused messages are mirrored). */
  readonly sqs?: () => { readonly rejected: number } | undefined;
  /** Executions listed as active (the runbook's active index), by state. */
  readonly activeExecutions?: () => Promise<ReadonlyArray<Pick<ExecutionRecord, 'state'>>>;
  /** Execution leases this replica holds now (it drives those executions). */
  readonly leasesHeld?: () => number;
}

export interface Metrics {
  readonly registry: Registry;
  /** A runbook step finished (succeeded or failed) after `seconds` of wall time. */
  stepFinished(kind: string, result: 'succeeded' | 'failed', seconds: number): void;
  /** An alarm notification reached the pipeline: recorded, or a duplicate of one already received. */
  alarmIngested(source: AlarmSource, status: 'recorded' | 'duplicate'): void;
  /** An alarm notification was refused before the pipeline (bad signature, topic not allowed, not an alarm…). */
  alarmRefused(source: AlarmSource, reason: string): void;
  /** An audit append (on the chain of `writer`: main, alarms, refusals) was written, or failed. */
  auditAppended(writer: AuditWriter, outcome: 'ok' | 'failed'): void;
  /** Step durations observed since the last call (for the Embedded Metric Format emitter). */
  drainSteps(): StepObservation[];
  /** `GET /metrics`: Prometheus text exposition. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/**
 * Prometheus metrics on a registry of their own (nothing on prom-client's global one, nothing at
 * import time). Gauges are read from their sources when scraped; the Slack outbox's running totals
 * are mirrored as counters. docs/metrics.md lists every series.
 */
export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  const registers = [registry];

  // Running totals kept by the outbox, mirrored on scrape (they only grow, so they are counters).
  const mirrored = (name: string, help: string, pick: (s: OutboxStats) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        const stats = sources.outbox?.();
        if (!stats) return;
        this.reset();
        this.inc(pick(stats));
      },
    });
  mirrored('lifeboat_slack_posted_total', 'Slack messages posted by the outbound queue.', (s) => s.posted);
  mirrored(
    'lifeboat_slack_rate_limited_total',
    'Slack 429 answers met by the outbound queue.',
    (s) => s.rateLimited,
  );
  mirrored('lifeboat_slack_failed_total', 'Slack calls of the outbound queue that failed.', (s) => s.failed);
  new Gauge({
    name: 'lifeboat_slack_queue_depth',
    help: 'Messages and card updates waiting in the outbound Slack queue.',
    registers,
    collect() {
      const stats = sources.outbox?.();
      if (stats) this.set(stats.depth);
    },
  });

  registerReadinessSeries(registry, sources.readiness);

  new Gauge({
    name: 'lifeboat_executions',
    help: 'Failovers and failbacks listed as active, by state.',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      if (!sources.activeExecutions) return;
      this.reset();
      const counts = new Map<string, number>();
      for (const e of await sources.activeExecutions()) counts.set(e.state, (counts.get(e.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });

  new Gauge({
    name: 'lifeboat_leases_held',
    help: 'Execution leases this replica holds (executions it drives now).',
    registers,
    collect() {
      if (sources.leasesHeld) this.set(sources.leasesHeld());
    },
  });

  const steps = new Histogram({
    name: 'lifeboat_step_duration_seconds',
    help: 'Wall time of runbook steps, from the first call to the recorded outcome.',
    labelNames: ['kind', 'result'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1_200, 1_800, 3_600],
    registers,
  });

  const received = new Counter({
    name: 'lifeboat_alarms_received_total',
    help: 'Alarm notifications that reached the pipeline (recorded or duplicate), by source.',
    labelNames: ['source'] as const,
    registers,
  });
  const deduplicated = new Counter({
    name: 'lifeboat_alarms_deduplicated_total',
    help: 'Alarm notifications already received (same SNS MessageId), recorded once, by source.',
    labelNames: ['source'] as const,
    registers,
  });
  // Refusals counted here (SNS over HTTPS, probes) plus the SQS poller's own running total, mirrored.
  const refusedHere = new Map<string, { source: AlarmSource; reason: string; n: number }>();
  new Counter({
    name: 'lifeboat_alarms_refused_total',
    help: 'Alarm notifications refused (bad or stale signature, topic not allowed, not a CloudWatch alarm), by source and reason.',
    labelNames: ['source', 'reason'] as const,
    registers,
    collect() {
      this.reset();
      for (const { source, reason, n } of refusedHere.values()) this.inc({ source, reason }, n);
      const sqs = sources.sqs?.();
      if (sqs && sqs.rejected > 0) this.inc({ source: 'sqs', reason: 'refused' }, sqs.rejected);
    },
  });
  const appends = new Counter({
    name: 'lifeboat_audit_appends_total',
    help: 'Audit entries appended, by writer (main, alarms, refusals).',
    labelNames: ['writer'] as const,
    registers,
  });
  const appendFailures = new Counter({
    name: 'lifeboat_audit_append_failures_total',
    help: 'Audit appends that failed (the action they record did not go ahead, or was reported), by writer.',
    labelNames: ['writer'] as const,
    registers,
  });
  const observed: StepObservation[] = [];

  return {
    registry,
    stepFinished(kind, result, seconds) {
      steps.observe({ kind, result }, seconds);
      // Bounded: without an emitter draining them, only the latest are kept.
      if (observed.length >= 1_000) observed.shift();
      observed.push({ kind, result, seconds });
    },
    alarmIngested(source, status) {
      received.inc({ source });
      if (status === 'duplicate') deduplicated.inc({ source });
    },
    alarmRefused(source, reason) {
      const key = `${source}\u0000${reason}`;
      const entry = refusedHere.get(key) ?? { source, reason, n: 0 };
      entry.n += 1;
      refusedHere.set(key, entry);
    },
    auditAppended(writer, outcome) {
      (outcome === 'ok' ? appends : appendFailures).inc({ writer });
    },
    drainSteps() {
      return observed.splice(0, observed.length);
    },
    async handle(_req, res) {
      try {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
      } catch (error) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    },
  };
}
