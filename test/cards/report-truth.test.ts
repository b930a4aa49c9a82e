import { describe, expect, it } from 'vitest';
import { reportMessage } from '../../blocks/audit/report.js';
import { createAuditLog } from '../../src/audit/log.js';
import { createMemoryAuditStore } from '../../src/audit/memory-store.js';
import { createReportAccumulator } from '../../src/audit/report/compute.js';
import { reportMarkdown } from '../../src/audit/report/markdown.js';
import type { AuditEventInput } from '../../src/audit/types.js';
import { manualClock } from '../../src/domain/clock.js';
import { validateBlocks } from '../../src/sandbox/slack/blockkit.js';
import { testPlan } from '../audit/plan.js';

const MIN = 60_000;
const TO = Date.UTC(2026, 11, 7, 1, 0, 0);
const FROM = TO - 30 * 86_400_000;
/** A fresh sandbox: Lifeboat started 20 minutes before the report, in a 30-day period. */
const START = TO - 20 * MIN;

async function report(events: [number, AuditEventInput][]) {
  const clock = manualClock(START);
  const log = createAuditLog(createMemoryAuditStore(), { writerId: 'w', clock });
  for (const [at, event] of events) {
    clock.set(at);
    await log.append(event);
  }
  const acc = createReportAccumulator(testPlan(), { from: FROM, to: TO });
  for await (const e of log.query({ since: FROM, until: TO })) acc.add(e);
  return acc.finish();
}

const change = (type: 'readiness.regressed' | 'readiness.recovered', from: string, to: string) =>
  ({ type, actor: 'lifeboat', service: 'payments', details: { from, to } }) as const;

describe('/dr report says what it measured', () => {
  it('a service ready since shortly after start is not "0% of the period ready"', async () => {
    const r = await report([
      [
        START,
        {
          type: 'state.changed',
          actor: 'lifeboat',
          service: 'payments',
          details: { to: 'normal-in-primary' },
        },
      ],
      [START + 2 * MIN, change('readiness.recovered', 'degraded', 'ready')],
    ]);
    const payments = r.services.find((s) => s.service === 'payments');
    expect(payments?.readiness?.uptimePct).toBe(90);
    const blocks = JSON.stringify(reportMessage(r, 'file').blocks);
    expect(blocks).toContain('ready 90% of the 20 min observed since <!date^');
    expect(blocks).not.toMatch(/0% of the period/);
  });

  it('lists a failed drill, a declined and an open request as findings, and says who declined', async () => {
    const r = await report([
      [
        START,
        {
          type: 'drill.failed',
          actor: 'U0ALICE',
          service: 'payments',
          details: { passed: false, reason: 'restore took 40 min, RTO 30 min' },
        },
      ],
      [
        START + MIN,
        {
          type: 'request.created',
          actor: 'U0ALICE',
          service: 'payments',
          details: { requestId: 'r1', kind: 'failover' },
        },
      ],
      [
        START + 2 * MIN,
        { type: 'request.declined', actor: 'U0BOB', service: 'payments', details: { requestId: 'r1' } },
      ],
      [
        START + 3 * MIN,
        {
          type: 'request.created',
          actor: 'U0ALICE',
          service: 'payments',
          details: { requestId: 'r2', kind: 'failover' },
        },
      ],
    ]);
    const payments = r.services.find((s) => s.service === 'payments');
    expect(payments?.openFindings.map((f) => f.kind)).toEqual([
      'drill-failed',
      'request-declined',
      'request-open',
    ]);
    const message = reportMessage(r, 'file');
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    const blocks = JSON.stringify(message.blocks.find((b) => JSON.stringify(b).includes('*payments*')));
    expect(blocks).not.toContain('Open findings: none');
    expect(blocks).toContain('Open findings: 3');
    expect(blocks).not.toContain('no approvals recorded');
    expect(blocks).toContain('declined by <@U0BOB>');
    // Times as Slack date tokens, never raw ISO text.
    expect(blocks).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    const markdown = reportMarkdown(r);
    expect(markdown).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(markdown).toContain('declined by U0BOB');
    expect(markdown).toContain('Drill failed: restore took 40 min, RTO 30 min');
  });
});
