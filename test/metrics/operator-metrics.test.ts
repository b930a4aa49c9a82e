import { afterEach, describe, expect, it } from 'vitest';
import { wireMetrics } from '../../src/compose/metrics.js';
import { parseConfig } from '../../src/config.js';
import { manualClock } from '../../src/domain/clock.js';
import { createEmfEmitter, dimensionValue } from '../../src/metrics/emf.js';
import type { ReadinessSample } from '../../src/metrics/readiness.js';
import { createMetrics } from '../../src/metrics/registry.js';
import type { Check } from '../../src/readiness/types.js';
import { metricAlarm } from '../alarms/fixtures.js';
import { startWorld, type World } from '../approval/harness.js';
import { examplePlan } from '../runbook/plan.js';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const check = (resourceId: string, verdict: Check['verdict'], name = 'replication lag'): Check => ({
  resourceId,
  kind: 'aurora-global-cluster',
  name,
  verdict,
  reason: `${resourceId}: ${name}`,
});

const payments = (over: Partial<ReadinessSample> = {}): ReadinessSample => ({
  service: 'payments',
  verdict: 'degraded',
  checks: [check('orders-db', 'ready'), check('orders-db', 'degraded', 'backup age'), check('web', 'ready')],
  rpo: { targetMs: 60_000, estimate: { ms: 2_500, complete: true }, verdict: 'ready' },
  rto: { targetMs: 900_000, estimate: { ms: 420_000, path: [], measuredSteps: 0 }, verdict: 'ready' },
  ...over,
});

describe('operator metrics: readiness per resource, RPO and RTO estimates', () => {
  it('exposes each resource verdict and the estimates, keeps the last measured when the cache lets go, and drops a service the plan no longer names', async () => {
    // Prepare
    let samples: ReadinessSample[] = [payments()];
    const metrics = createMetrics({ readiness: () => samples });

    // Act
    const measured = await metrics.registry.metrics();
    samples = [{ service: 'payments', verdict: undefined }];
    const cacheExpired = await metrics.registry.metrics();
    samples = [];
    const removed = await metrics.registry.metrics();

    // Assert
    const r = 'lifeboat_readiness_resource_verdict';
    expect(
      sample(
        measured,
        `${r}{service="payments",resource="orders-db",kind="aurora-global-cluster",verdict="degraded"}`,
      ),
    ).toBe(1);
    expect(
      sample(
        measured,
        `${r}{service="payments",resource="orders-db",kind="aurora-global-cluster",verdict="ready"}`,
      ),
    ).toBe(0);
    expect(
      sample(
        measured,
        `${r}{service="payments",resource="web",kind="aurora-global-cluster",verdict="ready"}`,
      ),
    ).toBe(1);
    expect(sample(measured, 'lifeboat_rpo_estimate_seconds{service="payments"}')).toBe(2.5);
    expect(sample(measured, 'lifeboat_rpo_target_seconds{service="payments"}')).toBe(60);
    expect(sample(measured, 'lifeboat_rto_estimate_seconds{service="payments"}')).toBe(420);
    expect(sample(measured, 'lifeboat_rto_target_seconds{service="payments"}')).toBe(900);
    expect(sample(cacheExpired, 'lifeboat_rto_estimate_seconds{service="payments"}')).toBe(420);
    expect(sample(cacheExpired, 'lifeboat_readiness_verdict{service="payments",verdict="degraded"}')).toBe(1);
    expect(removed).not.toContain('service="payments"');
  });

  it('has no RPO estimate series when no freshness check could measure', async () => {
    const metrics = createMetrics({
      readiness: () => [
        payments({
          rpo: { targetMs: 60_000, estimate: { ms: undefined, complete: false }, verdict: 'unknown' },
        }),
      ],
    });

    const text = await metrics.registry.metrics();

    expect(text).not.toMatch(/^lifeboat_rpo_estimate_seconds\{/m);
    expect(sample(text, 'lifeboat_rpo_target_seconds{service="payments"}')).toBe(60);
  });
});

describe('operator metrics: alarms and audit appends', () => {
  it('counts alarms received, deduplicated and refused (the SQS poller mirrored), and audit appends and failures per writer', async () => {
    let sqs = { rejected: 0 };
    const metrics = createMetrics({ sqs: () => sqs });

    metrics.alarmIngested('sns-http', 'recorded');
    metrics.alarmIngested('sns-http', 'duplicate');
    metrics.alarmIngested('sqs', 'recorded');
    metrics.alarmRefused('sns-http', 'bad_signature');
    metrics.alarmRefused('sns-http', 'bad_signature');
    sqs = { rejected: 3 };
    metrics.auditAppended('main', 'ok');
    metrics.auditAppended('alarms', 'ok');
    metrics.auditAppended('alarms', 'failed');
    const text = await metrics.registry.metrics();

    expect(sample(text, 'lifeboat_alarms_received_total{source="sns-http"}')).toBe(2);
    expect(sample(text, 'lifeboat_alarms_received_total{source="sqs"}')).toBe(1);
    expect(sample(text, 'lifeboat_alarms_deduplicated_total{source="sns-http"}')).toBe(1);
    expect(sample(text, 'lifeboat_alarms_refused_total{source="sns-http",reason="bad_signature"}')).toBe(2);
    expect(sample(text, 'lifeboat_alarms_refused_total{source="sqs",reason="refused"}')).toBe(3);
    expect(sample(text, 'lifeboat_audit_appends_total{writer="main"}')).toBe(1);
    expect(sample(text, 'lifeboat_audit_append_failures_total{writer="alarms"}')).toBe(1);
  });
});

interface EmfDoc {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [member: string]: unknown;
}

describe('operator metrics: CloudWatch Embedded Metric Format', () => {
  it('writes documents CloudWatch can extract: every named metric and dimension a root member, counters as increases, step durations as values', async () => {
    // Prepare
    let depth = 4;
    const metrics = createMetrics({
      outbox: () => ({
        depth,
        inFlight: 0,
        byChannel: {},
        posted: 10,
        updated: 0,
        coalesced: 0,
        summarised: 0,
        rateLimited: 2,
        failed: 0,
      }),
      readiness: () => [payments()],
    });
    const lines: string[] = [];
    const emf = createEmfEmitter(metrics, {
      bot: 'lifeboat',
      now: () => 1_800_000_000_000,
      write: (l) => lines.push(l),
    });
    metrics.auditAppended('main', 'failed');
    metrics.stepFinished('aurora-global', 'succeeded', 42);
    metrics.stepFinished('aurora-global', 'succeeded', 40);

    // Act
    await emf.flush();
    const first = lines.splice(0).map((l) => JSON.parse(l) as EmfDoc);
    depth = 0;
    metrics.auditAppended('main', 'failed');
    await emf.flush();
    const second = lines.splice(0).map((l) => JSON.parse(l) as EmfDoc);

    // Assert: the specification's structure, on every document.
    for (const doc of [...first, ...second]) {
      expect(doc._aws.Timestamp).toBe(1_800_000_000_000);
      for (const directive of doc._aws.CloudWatchMetrics) {
        expect(directive.Namespace).toBe('Lifeboat');
        expect(directive.Metrics.length).toBeLessThanOrEqual(100);
        for (const set of directive.Dimensions) {
          expect(set.length).toBeLessThanOrEqual(30);
          for (const key of set) expect(typeof doc[key]).toBe('string');
        }
        for (const m of directive.Metrics) {
          const value = doc[m.Name];
          expect(typeof value === 'number' || Array.isArray(value), m.Name).toBe(true);
        }
      }
    }
    const find = (docs: EmfDoc[], name: string, dims: Record<string, string> = {}) =>
      docs.find(
        (d) => name in d && Object.entries({ Bot: 'lifeboat', ...dims }).every(([k, v]) => d[k] === v),
      )?.[name];
    expect(find(first, 'lifeboat_slack_queue_depth')).toBe(4);
    expect(find(second, 'lifeboat_slack_queue_depth')).toBe(0);
    expect(find(first, 'lifeboat_slack_rate_limited_total')).toBe(2);
    expect(find(second, 'lifeboat_slack_rate_limited_total')).toBe(0);
    expect(find(first, 'lifeboat_audit_append_failures_total', { writer: 'main' })).toBe(1);
    expect(find(second, 'lifeboat_audit_append_failures_total', { writer: 'main' })).toBe(1);
    expect(
      find(first, 'lifeboat_step_duration_seconds', { kind: 'aurora-global', result: 'succeeded' }),
    ).toEqual([42, 40]);
    expect(
      find(second, 'lifeboat_step_duration_seconds', { kind: 'aurora-global', result: 'succeeded' }),
    ).toBeUndefined();
    expect(find(first, 'lifeboat_rto_estimate_seconds', { service: 'payments' })).toBe(420);
    const unit = first.flatMap((d) => d._aws.CloudWatchMetrics[0]?.Metrics ?? []);
    expect(unit.find((m) => m.Name === 'lifeboat_rto_estimate_seconds')?.Unit).toBe('Seconds');
    expect(unit.find((m) => m.Name === 'lifeboat_slack_queue_depth')?.Unit).toBe('Count');
  });

  it('is written every minute when METRICS_EMF=on (as infra/ sets it), and not at all by default', async () => {
    // Prepare
    const env = { SLACK_BOT_TOKEN: 'xoxb-t', SLACK_SIGNING_SECRET: 's' };
    const wire = (extra: Record<string, string>) => {
      const every: { ms: number; task: () => Promise<unknown> }[] = [];
      const lines: string[] = [];
      const wired = wireMetrics({
        config: parseConfig({ ...env, ...extra }),
        clock: manualClock(1_800_000_000_000),
        lifecycle: {
          onClose: () => undefined,
          background: () => undefined,
          every: (ms, _what, task) => void every.push({ ms, task }),
          close: async () => undefined,
        },
        sources: { leasesHeld: () => 1 },
        write: (line) => lines.push(line),
      });
      return { wired, every, lines };
    };

    // Act
    const on = wire({ METRICS_EMF: 'on' });
    for (const { task } of on.every) await task();
    const off = wire({});

    // Assert
    expect(on.every.map((e) => e.ms)).toEqual([60_000]);
    expect(on.wired.emf).toBeDefined();
    expect(on.lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({ Bot: 'lifeboat', lifeboat_leases_held: 1 }),
    );
    expect(off.every).toEqual([]);
    expect(off.wired.emf).toBeUndefined();
  });

  it('replaces what CloudWatch refuses in a dimension value (non-ASCII, control characters, empty)', () => {
    expect(dimensionValue('paiements-été')).toBe('paiements-_t_');
    expect(dimensionValue('')).toBe('_');
    expect(dimensionValue('a\nb')).toBe('a_b');
    expect(dimensionValue('x'.repeat(2_000))).toHaveLength(1_024);
  });
});

describe('operator metrics through the whole bot', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('counts an alarm received twice as one deduplicated, a refused SNS request, and the audit appends the alarm made', async () => {
    // Prepare
    const plan = examplePlan();
    world = await startWorld(plan);
    const bot = await world.start(plan);
    const topicArn = plan.alarmTopics[0] ?? '';
    const message = metricAlarm('payments-aurora-lag', 'ALARM', world.clock.now());

    // Act
    await bot.alarms.ingest({ id: 'metrics-1', source: 'sns-http', topicArn, message });
    await bot.alarms.ingest({ id: 'metrics-1', source: 'sns-http', topicArn, message });
    const refused = await fetch(`${bot.url}/sns`, { method: 'POST', body: 'not json' });
    await refused.text();
    await bot.alarms.idle();
    const text = await (await fetch(`${bot.url}/metrics`)).text();

    // Assert
    expect(refused.status).toBe(400);
    expect(sample(text, 'lifeboat_alarms_received_total{source="sns-http"}')).toBe(2);
    expect(sample(text, 'lifeboat_alarms_deduplicated_total{source="sns-http"}')).toBe(1);
    expect(sample(text, 'lifeboat_alarms_refused_total{source="sns-http",reason="invalid_json"}')).toBe(1);
    expect(sample(text, 'lifeboat_audit_appends_total{writer="alarms"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toMatch(/^lifeboat_audit_append_failures_total\{/m);
  }, 60_000);
});
