import { describe, expect, it } from 'vitest';
import { scheduleLines } from '../../blocks/scheduler/status.js';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { dailyCron, intervalCron } from '../../src/scheduler/cron.js';
import { localDay, previousDailySlot, zonedInstant } from '../../src/scheduler/time.js';

describe('wall-clock time in a zone', () => {
  it('finds 09:00 in Berlin before and after the change to summer time', () => {
    // Act
    const before = zonedInstant('2026-03-28', '09:00', 'Europe/Berlin');
    const after = zonedInstant('2026-03-29', '09:00', 'Europe/Berlin');
    // Assert
    expect(new Date(before).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(new Date(after).toISOString()).toBe('2026-03-29T07:00:00.000Z');
  });

  it("takes yesterday's slot before today's local time and today's after it", () => {
    // Prepare
    const morning = Date.UTC(2026, 9, 25, 6, 0); // 07:00 in Berlin on the day winter time returns
    const noon = Date.UTC(2026, 9, 25, 11, 0);
    // Act
    const a = previousDailySlot(morning, '09:00', 'Europe/Berlin');
    const b = previousDailySlot(noon, '09:00', 'Europe/Berlin');
    // Assert
    expect(new Date(a).toISOString()).toBe('2026-10-24T07:00:00.000Z');
    expect(new Date(b).toISOString()).toBe('2026-10-25T08:00:00.000Z');
    expect(localDay(Date.UTC(2026, 9, 24, 23, 30), 'Europe/Berlin')).toBe('2026-10-25');
  });

  it('turns intervals and local times into node-cron expressions', () => {
    // Assert
    expect([30_000, 60_000, 300_000, 3_600_000, 21_600_000].map(intervalCron)).toEqual([
      '*/30 * * * * *',
      '0 * * * * *',
      '0 */5 * * * *',
      '0 0 * * * *',
      '0 0 */6 * * *',
    ]);
    expect(dailyCron('09:00')).toBe('0 0 9 * * *');
    expect(() => intervalCron(7 * 60_000)).toThrow(RangeError);
  });
});

describe('plan fields for the scheduler', () => {
  it('defaults checkInterval to 5 minutes and probe settings to 1m / 3 failures / 5s / 200', () => {
    // Prepare
    const plan = parsePlan(`version: 1
account: "123456789012"
services:
  a:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 1m
    rto: 15m
    channel: C0A
    approvers: { users: [U0ALICE] }
    probes: [{ id: web, url: "https://a.example.com/healthz" }]
    resources: [{ id: d, kind: dynamodb-global-table, tableName: abc }]
    runbook: { failover: [{ id: t, kind: notify, message: hi }] }
`);
    // Assert
    expect(plan.checkInterval).toBe(300_000);
    expect(plan.services.a?.probes[0]).toMatchObject({
      interval: 60_000,
      failures: 3,
      timeout: 5_000,
      expectStatus: 200,
    });
  });

  it('refuses a probe interval that no cron schedule can keep, an unknown zone and a probe on a missing resource', () => {
    // Prepare
    const yaml = `version: 1
account: "123456789012"
timezone: Mars/Olympus
services:
  a:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 1m
    rto: 15m
    channel: C0A
    approvers: { users: [U0ALICE] }
    probes:
      - { id: web, url: "https://a.example.com/healthz", interval: 7m }
      - { id: dns, route53: nope }
    resources: [{ id: d, kind: dynamodb-global-table, tableName: abc }]
    runbook: { failover: [{ id: t, kind: notify, message: hi }] }
`;
    // Act
    let error: unknown;
    try {
      parsePlan(yaml);
    } catch (e) {
      error = e;
    }
    // Assert
    expect(error).toBeInstanceOf(PlanError);
    const message = String((error as Error).message);
    expect(message).toContain('IANA time zone');
    expect(message).toContain('divides a minute, an hour or a day');
  });
});

describe('/dr status schedule lines', () => {
  it('shows when each job last ran and runs next, and sums up the probes', () => {
    // Act
    const lines = scheduleLines([
      {
        name: 'readiness-check',
        description: 'readiness check every 5 min',
        timezone: 'UTC',
        nextRunAt: Date.UTC(2026, 2, 27, 10, 5),
        lastRun: {
          slotAt: Date.UTC(2026, 2, 27, 10, 0),
          state: 'done',
          late: false,
          startedAtMs: Date.UTC(2026, 2, 27, 10, 0),
        },
      },
      { name: 'digest', description: 'daily digest at 09:00 Europe/Berlin', timezone: 'Europe/Berlin' },
      {
        name: 'probe.payments.api',
        description: 'probe',
        timezone: 'UTC',
        nextRunAt: Date.UTC(2026, 2, 27, 10, 0, 30),
      },
    ]);
    // Assert
    expect(lines[0]).toContain('*readiness check every 5 min*: last ran <!date^1774605600^');
    expect(lines[0]).toContain('next <!date^1774605900^');
    expect(lines[1]).toBe('*daily digest at 09:00 Europe/Berlin*: never ran, not scheduled here');
    expect(lines[2]).toContain('*1 outside-in probe(s)*: never ran, next');
  });
});
