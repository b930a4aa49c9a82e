import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OutboxStats } from '../adapters/slack/outbox.js';
import type { ExecutionRecord } from '../domain/records.js';
import type { Verdict } from '../readiness/types.js';

const VERDICTS: readonly Verdict[] = ['ready', 'degraded', 'unknown', 'not_ready'];

/** Where the scrape reads what Lifeboat already knows; each source is optional and read only on scrape. */
export interface MetricSources {
  /** The outbound Slack queue (the alarm module's outbox). */
  readonly outbox?: () => OutboxStats;
  /** The last measured verdict per service (the readiness cache; nothing is measured for a scrape). */
  readonly readiness?: () => ReadonlyArray<{
    readonly service: string;
    readonly verdict: Verdict | undefined;
  }>;
  /** Executions listed as active (the runbook's active index), by state. */
  readonly activeExecutions?: () => Promise<ReadonlyArray<Pick<ExecutionRecord, 'state'>>>;
  /** Execution leases this replica holds now (it drives those executions). */
  readonly leasesHeld?: () => number;
}

export interface Metrics {
  readonly registry: Registry;
  /** A runbook step finished (succeeded or failed) after `seconds` of wall time. */
  stepFinished(kind: string, result: 'succeeded' | 'failed', seconds: number): void;
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

  new Gauge({
    name: 'lifeboat_readiness_verdict',
    help: 'The last measured readiness verdict per service: 1 for the current verdict, 0 for the others.',
    labelNames: ['service', 'verdict'] as const,
    registers,
    collect() {
      this.reset();
      for (const { service, verdict } of sources.readiness?.() ?? []) {
        if (!verdict) continue;
        for (const v of VERDICTS) this.set({ service, verdict: v }, v === verdict ? 1 : 0);
      }
    },
  });

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

  return {
    registry,
    stepFinished(kind, result, seconds) {
      steps.observe({ kind, result }, seconds);
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
