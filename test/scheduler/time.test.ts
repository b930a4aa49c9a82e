import { createTask } from 'node-cron';
import { describe, expect, it, vi } from 'vitest';
import { scheduleLines } from '../../blocks/scheduler/status.js';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { dailyCron, intervalCron } from '../../src/scheduler/cron.js';
import { localDay, previousDailySlot, zonedInstant, zoneOffsetMs } from '../../src/scheduler/time.js';

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

describe('local times across DST changes', () => {
  const iso = (ms: number) => new Date(ms).toISOString();

  it('maps a time skipped by the spring change to the same local time in every zone: 02:30 is 03:30', () => {
    // Act: Berlin jumps 02:00 -> 03:00 on 29 March 2026, New York on 8 March 2026.
    const berlin = zonedInstant('2026-03-29', '02:30', 'Europe/Berlin');
    const newYork = zonedInstant('2026-03-08', '02:30', 'America/New_York');
    // Assert: 03:30 CEST (UTC+2) and 03:30 EDT (UTC-4), the offset before the gap applied (RFC 5545).
    expect(iso(berlin)).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(newYork)).toBe('2026-03-08T07:30:00.000Z');
    expect(zoneOffsetMs(berlin, 'Europe/Berlin')).toBe(2 * 3_600_000);
    expect(zoneOffsetMs(newYork, 'America/New_York')).toBe(-4 * 3_600_000);
    // Times that exist on those days are untouched.
    expect(iso(zonedInstant('2026-03-08', '01:30', 'America/New_York'))).toBe('2026-03-08T06:30:00.000Z');
    expect(iso(zonedInstant('2026-03-08', '03:00', 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(zonedInstant('2026-03-29', '03:00', 'Europe/Berlin'))).toBe('2026-03-29T01:00:00.000Z');
  });

  it("finds the spring-forward day's slot as today's only once 03:30 has passed, in both zones", () => {
    // Act: a replica restarting at 01:45 and at 04:00 local time on the day of the jump.
    const nyEarly = previousDailySlot(Date.UTC(2026, 2, 8, 6, 45), '02:30', 'America/New_York');
    const nyLate = previousDailySlot(Date.UTC(2026, 2, 8, 8, 0), '02:30', 'America/New_York');
    const berlinEarly = previousDailySlot(Date.UTC(2026, 2, 29, 0, 45), '02:30', 'Europe/Berlin');
    const berlinLate = previousDailySlot(Date.UTC(2026, 2, 29, 2, 0), '02:30', 'Europe/Berlin');
    // Assert: before 03:30 the latest slot is yesterday's 02:30, never an hour-early one today.
    expect(iso(nyEarly)).toBe('2026-03-07T07:30:00.000Z');
    expect(iso(nyLate)).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(berlinEarly)).toBe('2026-03-28T01:30:00.000Z');
    expect(iso(berlinLate)).toBe('2026-03-29T01:30:00.000Z');
  });

  it('maps a time repeated by the autumn change to the instant node-cron fires at, in both zones', async () => {
    // Prepare: node-cron's own next run for a daily 02:30 (Berlin) and 01:30 (New York), from the evening before.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      vi.setSystemTime(Date.UTC(2026, 9, 24, 20, 0));
      const berlinTask = createTask(dailyCron('02:30'), () => undefined, { timezone: 'Europe/Berlin' });
      await berlinTask.start();
      const berlinCron = berlinTask.getNextRun();
      vi.setSystemTime(Date.UTC(2026, 9, 31, 23, 0));
      const nyTask = createTask(dailyCron('01:30'), () => undefined, { timezone: 'America/New_York' });
      await nyTask.start();
      const nyCron = nyTask.getNextRun();
      await Promise.all([berlinTask.destroy(), nyTask.destroy()]);
      // Act
      const berlin = zonedInstant('2026-10-25', '02:30', 'Europe/Berlin');
      const newYork = zonedInstant('2026-11-01', '01:30', 'America/New_York');
      // Assert
      expect(berlinCron && iso(berlinCron.getTime())).toBe(iso(berlin));
      expect(nyCron && iso(nyCron.getTime())).toBe(iso(newYork));
    } finally {
      vi.useRealTimers();
    }
  });
});
