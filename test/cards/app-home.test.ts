import { describe, expect, it } from 'vitest';
import { makeAppHomeOpened } from '../../handlers/events/app-home.js';
import type { IncidentRecord } from '../../src/domain/records.js';
import type { DrillStanding } from '../../src/drills/standing.js';
import { createLogger } from '../../src/logger.js';
import type { ReadinessService } from '../../src/readiness/service.js';
import { validateView } from '../../src/sandbox/slack/blockkit.js';
import { acceptingStandalonePlan } from '../helpers/plans.js';
import { largeReadiness, paymentsReadiness } from '../readiness/fixtures.js';

const plan = acceptingStandalonePlan();
const T0 = Date.UTC(2026, 11, 7, 1, 0, 0);

const incident: IncidentRecord = {
  id: 'inc-1',
  service: 'payments',
  state: 'open',
  openedAtMs: T0,
  channel: 'C0PAYMENTS',
  alarms: { 'payments-writer-down': { state: 'ALARM', changedAtMs: T0, count: 1, firedAtMs: T0 } },
};
const standing: DrillStanding = {
  service: 'payments',
  last: {
    drillId: 'd1',
    passed: true,
    rtoMs: 600_000,
    rpoMs: 2_000,
    rtoTargetMs: 900_000,
    rpoTargetMs: 60_000,
    reasons: [],
    finishedAtMs: T0 - 86_400_000,
  },
  lastPassedAtMs: T0 - 86_400_000,
  intervalMs: 90 * 86_400_000,
  dueAtMs: T0 + 89 * 86_400_000,
  status: 'ok',
};

async function open(viewer: string, ports: Parameters<typeof makeAppHomeOpened>[0]) {
  const published: unknown[] = [];
  const handler = makeAppHomeOpened(ports);
  await handler({
    event: { type: 'app_home_opened', user: viewer, tab: 'home', channel: 'D1' },
    client: { views: { publish: async (args: { view: unknown }) => published.push(args.view) } },
  } as unknown as Parameters<typeof handler>[0]);
  return published;
}

describe('App Home per service', () => {
  it('shows where it runs, readiness, open incidents, requests awaiting the viewer, the last drill', async () => {
    const reading = paymentsReadiness();
    const readiness: ReadinessService = {
      check: async () => reading,
      checkAll: async () => [reading],
      peek: () => reading,
      invalidate: () => undefined,
    };
    const views = await open('U0BOB', {
      readiness,
      getPlan: () => plan,
      logger: createLogger({ level: 'silent' }),
      openIncidents: async () => [incident],
      awaitingApproval: async (user) =>
        user === 'U0BOB'
          ? [
              {
                id: 'r1',
                service: 'payments',
                kind: 'failover',
                mode: 'unplanned',
                requestedBy: 'U0ALICE',
                reason: 'us-east-1 <down>',
                createdAtMs: T0,
                deadlineMs: T0 + 1_800_000,
                channel: 'C0PAYMENTS',
              },
            ]
          : [],
      drills: async () => standing,
    });
    const view = views.at(-1);
    expect(validateView(view)).toEqual([]);
    const text = JSON.stringify(view);
    expect(text).toContain('Open incident');
    expect(text).toContain('Awaiting your approval');
    expect(text).toContain('<@U0ALICE>');
    expect(text).toContain('us-east-1 &lt;down&gt;');
    expect(text).toContain('Last drill');
    expect(text).toContain('1 open incident(s)');
  });

  it('stays within the Home tab limits with many services, and says when a part could not be read', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ ...largeReadiness(2), service: `svc-${i}` }));
    const readiness: ReadinessService = {
      check: async () => many[0] as never,
      checkAll: async () => many,
      peek: () => undefined,
      invalidate: () => undefined,
    };
    const views = await open('U0BOB', {
      readiness,
      getPlan: () => plan,
      logger: createLogger({ level: 'silent' }),
      openIncidents: async () => {
        throw new Error('DynamoDB throttled');
      },
    });
    const view = views.at(-1);
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view)).toContain('Could not read: open incidents (DynamoDB throttled)');
  });
});
