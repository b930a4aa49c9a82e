import { describe, expect, it } from 'vitest';
import type { OutboxStats } from '../../src/adapters/slack/outbox.js';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics/registry.js';

const outbox = (over: Partial<OutboxStats> = {}): OutboxStats => ({
  depth: 7,
  inFlight: 1,
  byChannel: { C0PAYMENTS: 7 },
  posted: 120,
  updated: 30,
  coalesced: 4,
  summarised: 2,
  rateLimited: 3,
  failed: 1,
  ...over,
});

/** One sample's value from Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus metrics', () => {
  it('reads the Slack queue, readiness verdicts, active executions and leases when scraped', async () => {
    // Prepare
    let stats = outbox();
    const metrics = createMetrics({
      outbox: () => stats,
      readiness: () => [
        { service: 'payments', verdict: 'degraded' },
        { service: 'accounts', verdict: undefined },
      ],
      activeExecutions: async () => [
        { state: 'running' },
        { state: 'running' },
        { state: 'pausedByFailedStep' },
      ],
      leasesHeld: () => 2,
    });
    metrics.stepFinished('aurora-global', 'succeeded', 42);
    metrics.stepFinished('notify', 'failed', 0.5);

    // Act
    const first = await metrics.registry.metrics();
    stats = outbox({ depth: 0, rateLimited: 5 });
    const second = await metrics.registry.metrics();

    // Assert
    expect(sample(first, 'lifeboat_slack_queue_depth')).toBe(7);
    expect(sample(first, 'lifeboat_slack_rate_limited_total')).toBe(3);
    expect(sample(second, 'lifeboat_slack_rate_limited_total')).toBe(5);
    expect(sample(second, 'lifeboat_slack_queue_depth')).toBe(0);
    expect(sample(first, 'lifeboat_slack_posted_total')).toBe(120);
    expect(sample(first, 'lifeboat_readiness_verdict{service="payments",verdict="degraded"}')).toBe(1);
    expect(sample(first, 'lifeboat_readiness_verdict{service="payments",verdict="ready"}')).toBe(0);
    expect(first).not.toContain('service="accounts"');
    expect(sample(first, 'lifeboat_executions{state="running"}')).toBe(2);
    expect(sample(first, 'lifeboat_executions{state="pausedByFailedStep"}')).toBe(1);
    expect(sample(first, 'lifeboat_leases_held')).toBe(2);
    expect(
      sample(first, 'lifeboat_step_duration_seconds_count{kind="aurora-global",result="succeeded"}'),
    ).toBe(1);
    expect(
      sample(first, 'lifeboat_step_duration_seconds_bucket{le="60",kind="aurora-global",result="succeeded"}'),
    ).toBe(1);
    expect(
      sample(first, 'lifeboat_step_duration_seconds_bucket{le="30",kind="aurora-global",result="succeeded"}'),
    ).toBe(0);
    expect(sample(first, 'lifeboat_step_duration_seconds_sum{kind="notify",result="failed"}')).toBe(0.5);
  });

  it('serves the text at GET /metrics on the bot HTTP server, and only when metrics are wired', async () => {
    // Prepare
    const metrics = createMetrics({ leasesHeld: () => 1 });
    const logger = createLogger({ level: 'silent' });
    const withMetrics = createHttpServer({
      logger,
      readiness: [],
      metrics: (req, res) => metrics.handle(req, res),
    });
    const without = createHttpServer({ logger, readiness: [] });
    const a = await withMetrics.listen(0, '127.0.0.1');
    const b = await without.listen(0, '127.0.0.1');
    try {
      // Act
      const res = await fetch(`${a}/metrics`);
      const text = await res.text();
      const missing = await fetch(`${b}/metrics`);
      await missing.text();

      // Assert
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      expect(sample(text, 'lifeboat_leases_held')).toBe(1);
      expect(text).toContain('# TYPE lifeboat_step_duration_seconds histogram');
      expect(missing.status).toBe(404);
    } finally {
      await withMetrics.close();
      await without.close();
    }
  });
});
