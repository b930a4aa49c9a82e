import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportMessage } from '../../blocks/audit/report.js';
import { makeReportCommand } from '../../handlers/commands/report.js';
import { createAuditLog } from '../../src/audit/log.js';
import { createMemoryAuditStore } from '../../src/audit/memory-store.js';
import { createReportAccumulator } from '../../src/audit/report/compute.js';
import { reportMarkdown } from '../../src/audit/report/markdown.js';
import type { AuditEventInput, AuditLog } from '../../src/audit/types.js';
import { manualClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logger.js';
import { commandContext, type FakeSlack, startFakeSlack } from './fake-slack.js';
import { testPlan } from './plan.js';

const DAY = 86_400_000;
const FROM = Date.UTC(2026, 9, 1);
const TO = FROM + 10 * DAY;

async function logOf(events: [number, AuditEventInput][]) {
  const clock = manualClock(FROM);
  const log = createAuditLog(createMemoryAuditStore(), { writerId: 'w', clock });
  for (const [at, event] of events) {
    clock.set(at);
    await log.append(event);
  }
  return { log, clock };
}

async function compute(log: AuditLog) {
  const acc = createReportAccumulator(testPlan(), { from: FROM, to: TO });
  for await (const e of log.query({ since: FROM, until: TO })) acc.add(e);
  return acc.finish();
}

describe('compliance report', () => {
  it('computes drills, RTO/RPO against targets, readiness uptime, operations and open findings', async () => {
    // Prepare
    // Lifeboat ran the whole period: its log starts at the period's start.
    const { log } = await logOf([
      [FROM, { type: 'digest.posted', actor: 'lifeboat', details: {} }],
      [FROM + 1 * DAY, { type: 'readiness.regressed', actor: 'lifeboat', service: 'payments' }],
      [FROM + 2 * DAY, { type: 'readiness.recovered', actor: 'lifeboat', service: 'payments' }],
      [
        FROM + 3 * DAY,
        {
          type: 'drill.completed',
          actor: 'lifeboat',
          service: 'payments',
          details: { rtoMs: 600_000, rpoMs: 30_000 },
        },
      ],
      [
        FROM + 4 * DAY,
        {
          type: 'drill.completed',
          actor: 'lifeboat',
          service: 'payments',
          details: { rtoMs: 1_200_000, rpoMs: 90_000 },
        },
      ],
      [
        FROM + 4 * DAY + 1,
        {
          type: 'drill.finding',
          actor: 'lifeboat',
          service: 'payments',
          details: { findingId: 'f1', title: 'DNS TTL <too> long' },
        },
      ],
      [
        FROM + 4 * DAY + 2,
        {
          type: 'drill.finding',
          actor: 'lifeboat',
          service: 'payments',
          details: { findingId: 'f2', title: 'fixed one' },
        },
      ],
      [
        FROM + 5 * DAY,
        {
          type: 'drill.finding.resolved',
          actor: 'U0ALICE',
          service: 'payments',
          details: { findingId: 'f2' },
        },
      ],
      [
        FROM + 6 * DAY,
        {
          type: 'request.created',
          actor: 'U0ALICE',
          service: 'payments',
          details: { requestId: 'r1', kind: 'failover' },
        },
      ],
      [
        FROM + 6 * DAY + 1,
        { type: 'approval.granted', actor: 'U0BOB', service: 'payments', details: { requestId: 'r1' } },
      ],
      [
        FROM + 6 * DAY + 2,
        {
          type: 'execution.started',
          actor: 'lifeboat',
          service: 'payments',
          executionId: 'x1',
          details: { requestId: 'r1' },
        },
      ],
      [
        FROM + 6 * DAY + 3,
        { type: 'execution.completed', actor: 'lifeboat', service: 'payments', executionId: 'x1' },
      ],
      [
        FROM + 7 * DAY,
        {
          type: 'request.created',
          actor: 'U0BOB',
          service: 'payments',
          details: { requestId: 'r2', kind: 'failback' },
        },
      ],
      [
        FROM + 7 * DAY + 1,
        { type: 'request.expired', actor: 'lifeboat', service: 'payments', details: { requestId: 'r2' } },
      ],
    ]);

    // Act
    const report = await compute(log);

    // Assert
    const payments = report.services.find((s) => s.service === 'payments');
    expect(payments?.drills).toHaveLength(2);
    expect(payments?.rto).toEqual({
      worstMs: 1_200_000,
      latestMs: 1_200_000,
      samples: 2,
      withinTarget: false,
    });
    expect(payments?.rpo).toMatchObject({ worstMs: 90_000, withinTarget: false });
    expect(payments?.readiness).toMatchObject({ uptimePct: 90, regressions: 1 });
    expect(payments?.operations).toEqual([
      {
        kind: 'failover',
        requestId: 'r1',
        requestedAt: new Date(FROM + 6 * DAY).toISOString(),
        requester: 'U0ALICE',
        approvers: ['U0BOB'],
        outcome: 'completed',
        executionId: 'x1',
      },
      {
        kind: 'failback',
        requestId: 'r2',
        requestedAt: new Date(FROM + 7 * DAY).toISOString(),
        requester: 'U0BOB',
        approvers: [],
        outcome: 'expired',
      },
    ]);
    expect(payments?.openFindings.map((f) => f.id)).toEqual(['f1']);
  });

  it('counts ready time only after transitions to "ready", whatever the verdict changes in between', async () => {
    // Prepare: ready → degraded (day 1) → not_ready (day 2) → degraded (day 4, "recovered") → ready (day 6)
    const change = (type: 'readiness.regressed' | 'readiness.recovered', from: string, to: string) => ({
      type,
      actor: 'lifeboat',
      service: 'payments',
      details: { from, to, rpoMs: null, rtoMs: 600_000 },
    });
    const { log } = await logOf([
      [FROM, { type: 'digest.posted', actor: 'lifeboat', details: {} }],
      [FROM + 1 * DAY, change('readiness.regressed', 'ready', 'degraded')],
      [FROM + 2 * DAY, change('readiness.regressed', 'degraded', 'not_ready')],
      [FROM + 4 * DAY, change('readiness.recovered', 'not_ready', 'degraded')],
      [FROM + 6 * DAY, change('readiness.recovered', 'degraded', 'ready')],
    ]);

    // Act
    const report = await compute(log);

    // Assert: ready on days 0–1 and 6–10 = 5 of 10 days; one departure from ready
    const payments = report.services.find((s) => s.service === 'payments');
    expect(payments?.readiness).toMatchObject({ uptimePct: 50, regressions: 1 });
  });

  it('takes the state before the first transition from its "from" verdict', async () => {
    // Prepare: the period starts degraded; the first transition is degraded → not_ready, then back to ready
    const { log } = await logOf([
      [FROM, { type: 'digest.posted', actor: 'lifeboat', details: {} }],
      [
        FROM + 2 * DAY,
        {
          type: 'readiness.regressed',
          actor: 'lifeboat',
          service: 'payments',
          details: { from: 'degraded', to: 'not_ready' },
        },
      ],
      [
        FROM + 8 * DAY,
        {
          type: 'readiness.recovered',
          actor: 'lifeboat',
          service: 'payments',
          details: { from: 'not_ready', to: 'ready' },
        },
      ],
    ]);

    // Act
    const report = await compute(log);

    // Assert: not ready until day 8, ready for the last 2 days
    const payments = report.services.find((s) => s.service === 'payments');
    expect(payments?.readiness).toMatchObject({ uptimePct: 20, regressions: 0 });
  });

  it('says plainly when there is no data instead of inventing figures', async () => {
    // Prepare
    const { log } = await logOf([]);

    // Act
    const report = await compute(log);
    const markdown = reportMarkdown(report);
    const message = reportMessage(report, 'file attached');

    // Assert
    const search = report.services.find((s) => s.service === 'search');
    expect(search).toMatchObject({ drills: [], operations: [], openFindings: [] });
    expect(search?.rto).toBeUndefined();
    expect(search?.readiness).toBeUndefined();
    expect(markdown).toContain('Drills: none recorded in this period');
    expect(markdown).toContain('Measured RTO: not measured in this period (target 30m)');
    expect(markdown).toContain('no readiness changes recorded in this period, so no uptime figure');
    expect(markdown).not.toMatch(/\d+(\.\d+)?%/);
    expect(JSON.stringify(message.blocks)).toContain('not measured in this period');
  });

  it('labels drill figures reckoned in simulated time, in the Slack message and the Markdown', async () => {
    // Prepare: two sandbox drills, their figures in simulated AWS time.
    const drill = (rtoMs: number, rpoMs: number): AuditEventInput => ({
      type: 'drill.completed',
      actor: 'lifeboat',
      service: 'payments',
      details: { rtoMs, rpoMs, timeNote: 'simulated AWS at 60x' },
    });
    const { log } = await logOf([
      [FROM + DAY, drill(600_000, 30_000)],
      [FROM + 2 * DAY, drill(1_200_000, 90_000)],
    ]);

    // Act
    const report = await compute(log);
    const blocks = JSON.stringify(reportMessage(report, 'file attached').blocks);
    const markdown = reportMarkdown(report);

    // Assert
    const payments = report.services.find((s) => s.service === 'payments');
    expect(payments?.drills.map((d) => d.timeNote)).toEqual(['simulated AWS at 60x', 'simulated AWS at 60x']);
    expect(blocks).toContain(
      'RTO: worst 20m, latest 20m over 2 drills (simulated AWS at 60x) (target 15m) — MISSED target',
    );
    expect(blocks).toContain('RPO: worst 1m 30s, latest 1m 30s over 2 drills (simulated AWS at 60x)');
    expect(markdown).toContain('Measured RTO: worst 20m, latest 20m over 2 drills (simulated AWS at 60x)');
    expect(markdown).toContain('| 10m (simulated AWS at 60x) | 30s (simulated AWS at 60x) |');
  });

  it('labels only the figures that carry a time note when real and simulated drills mix', async () => {
    // Prepare: a drill against AWS, then one in the sandbox.
    const { log } = await logOf([
      [
        FROM + DAY,
        { type: 'drill.completed', actor: 'lifeboat', service: 'payments', details: { rtoMs: 1_200_000 } },
      ],
      [
        FROM + 2 * DAY,
        {
          type: 'drill.completed',
          actor: 'lifeboat',
          service: 'payments',
          details: { rtoMs: 600_000, timeNote: 'simulated AWS at 60x' },
        },
      ],
    ]);

    // Act
    const report = await compute(log);
    const markdown = reportMarkdown(report);

    // Assert
    const payments = report.services.find((s) => s.service === 'payments');
    expect(payments?.rto).toEqual({
      worstMs: 1_200_000,
      latestMs: 600_000,
      samples: 2,
      latestNote: 'simulated AWS at 60x',
      withinTarget: false,
    });
    expect(markdown).toContain('Measured RTO: worst 20m, latest 10m (simulated AWS at 60x) over 2 drills');
    expect(markdown).toContain('| 20m | not measured |');
  });

  it('escapes user text in the Slack blocks and the Markdown and stays within Block Kit limits', async () => {
    // Prepare
    const { log } = await logOf([
      [
        FROM + DAY,
        {
          type: 'drill.finding',
          actor: 'lifeboat',
          service: 'payments',
          details: { findingId: 'f1', title: '<!channel> *bold* | pipe' },
        },
      ],
    ]);
    const report = await compute(log);

    // Act
    const message = reportMessage(report, 'file attached');
    const markdown = reportMarkdown(report);

    // Assert
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).toContain('&lt;!channel&gt;');
    expect(blocks).not.toContain('<!channel>');
    expect(markdown).toContain('\\<\\!channel\\> \\*bold\\* \\| pipe');
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  });
});

describe('/dr report', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    await slack.close();
  });

  it('answers with the report blocks, uploads the Markdown file and records the report', async () => {
    // Prepare
    const { log, clock } = await logOf([
      [
        FROM + DAY,
        {
          type: 'drill.completed',
          actor: 'lifeboat',
          service: 'payments',
          details: { rtoMs: 60_000, rpoMs: 0 },
        },
      ],
    ]);
    clock.set(FROM + 2 * DAY);
    const command = makeReportCommand({
      audit: log,
      getPlan: testPlan,
      logger: createLogger({ level: 'silent' }),
      clock,
    });
    const { ctx, responses } = commandContext(slack.client, 'U0AUDITOR', ['--period', '7d']);

    // Act
    await command(ctx);

    // Assert
    const last = responses.at(-1);
    expect(last?.replace_original).toBe(true);
    expect(JSON.stringify(last)).toContain('RTO: worst 1m (target 15m) — within target');
    expect(slack.uploads[0]?.filename).toMatch(/^lifeboat-compliance-.*\.md$/);
    expect(slack.uploads[0]?.content).toContain('## payments');
    const generated = [];
    for await (const e of log.query()) if (e.type === 'report.generated') generated.push(e);
    expect(generated).toHaveLength(1);
  });

  it('rejects a bad flag with the usage', async () => {
    // Prepare
    const { log, clock } = await logOf([]);
    const command = makeReportCommand({
      audit: log,
      getPlan: testPlan,
      logger: createLogger({ level: 'silent' }),
      clock,
    });
    const { ctx, responses } = commandContext(slack.client, 'U0AUDITOR', ['--period', 'forever']);

    // Act
    await command(ctx);

    // Assert
    expect(responses[0]?.text).toContain('Usage: /dr report [--period 30d]');
  });

  it('refuses a non-auditor and records the refusal', async () => {
    // Prepare
    const { log, clock } = await logOf([]);
    const command = makeReportCommand({
      audit: log,
      getPlan: testPlan,
      logger: createLogger({ level: 'silent' }),
      clock,
    });
    const { ctx, responses } = commandContext(slack.client, 'U0MALLORY', []);

    // Act
    await command(ctx);

    // Assert
    expect(responses[0]?.text).toContain('can see the compliance report');
    const refused = [];
    for await (const e of log.query()) if (e.type === 'auth.refused') refused.push(e);
    expect(refused).toHaveLength(1);
  });
});
