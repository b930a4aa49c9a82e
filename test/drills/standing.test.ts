import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { drillsDueText, drillText } from '../../blocks/readiness/drill.js';
import { drillStanding } from '../../src/drills/standing.js';
import type { DrillResultRecord } from '../../src/drills/store.js';
import { parsePlan } from '../../src/plan/load.js';
import { auditFacts } from '../../src/scheduler/digest-model.js';
import { type DrillWorld, drillWorld } from './fixture.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T09:00:00Z');
const plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'));

const result = (daysAgo: number, passed: boolean): DrillResultRecord => ({
  drillId: `d-${daysAgo}`,
  service: 'payments',
  startedAtMs: NOW - daysAgo * DAY - 20 * 60_000,
  finishedAtMs: NOW - daysAgo * DAY,
  passed,
  rtoMs: 18 * 60_000,
  rpoMs: 20_000,
  rtoTargetMs: 15 * 60_000,
  rpoTargetMs: 60_000,
  reasons: passed ? [] : ['time to ready 18 min is over the RTO target 15 min'],
  steps: [],
});

describe('the last drill on /dr status', () => {
  let world: DrillWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('flags a service with no drill on record, or none passed within its interval, as overdue', () => {
    // Act
    const none = drillStanding(plan, 'payments', [], NOW);
    const failedOnly = drillStanding(plan, 'payments', [result(3, false)], NOW);
    const stale = drillStanding(plan, 'payments', [result(2, false), result(91, true)], NOW);

    // Assert
    expect(none).toMatchObject({ status: 'overdue', intervalMs: 90 * DAY });
    expect(none.last).toBeUndefined();
    expect(failedOnly).toMatchObject({ status: 'overdue', last: { passed: false, drillId: 'd-3' } });
    expect(stale).toMatchObject({ status: 'overdue', lastPassedAtMs: NOW - 91 * DAY });
    expect(drillText(none)).toContain('none on record');
    expect(drillText(failedOnly)).toContain('No passed drill within its drill interval (90 d)');
    expect(drillsDueText([none, failedOnly])).toContain('the last one failed');
  });

  it('shows the last drill’s measured RTO and RPO against the targets, pass or fail, and when the next is due', () => {
    // Act
    const recent = drillStanding(plan, 'payments', [result(1, false), result(10, true)], NOW);
    const soon = drillStanding(plan, 'payments', [result(85, true)], NOW);

    // Assert
    expect(recent.status).toBe('ok');
    const text = drillText(recent);
    expect(text).toContain(':red_circle: *Last drill:* failed');
    expect(text).toContain('RTO 18 min (target 15 min), RPO 20 s (target 60 s)');
    expect(text).toContain('over the RTO target');
    expect(text).toContain('Next drill due by');
    expect(soon.status).toBe('due');
    expect(drillText(soon)).toContain('A drill is due by');
    expect(drillsDueText([recent])).toBeUndefined();
  });

  it('reads the same drills as the daily digest: a passed drill counts for both', async () => {
    // Prepare: a drill of accounts runs to its measurement
    world = await drillWorld();
    const requested = await world.requests.request({
      service: 'accounts',
      requestedBy: 'U0ALICE',
      reason: 'quarterly drill',
      channel: 'C0ACCOUNTS',
    });
    const id = requested.kind === 'pending' ? requested.drill.id : '';
    await world.requests.approve(id, 'U0BOB');
    const measured = await world.engine().drive(id);
    const now = world.clock.now();

    // Act
    const standing = drillStanding(world.plan, 'accounts', await world.drillStores.results('accounts'), now);
    const digest = await auditFacts(world.audit, now - 90 * DAY, now);

    // Assert
    expect(measured?.result?.passed).toBe(true);
    expect(standing.status).toBe('ok');
    expect(standing.last).toMatchObject({ drillId: id, passed: true });
    const digestLast = digest.get('accounts')?.lastDrill;
    expect(digestLast).toBeDefined();
    expect(Math.abs((digestLast ?? 0) - (standing.lastPassedAtMs ?? 0))).toBeLessThan(60_000);
  });
});
