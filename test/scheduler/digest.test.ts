import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../src/domain/clock.js';
import { fetchGet } from '../../src/probes/checks.js';
import { createLifeboatScheduler, memorySchedulerStorage } from '../../src/scheduler/index.js';
import type { SchedulerStorage } from '../../src/scheduler/storage.js';
import {
  entries,
  fakeReadiness,
  memoryAudit,
  recordingPoster,
  schedulerPlan,
  silentLogger,
} from './helpers.js';

// node-cron has no clock to inject: it reads Date and arms setTimeout. Vitest's fake timers stand in
// for both, so days pass in milliseconds and every slot fires at its exact instant.
const clock: Clock = { now: () => Date.now() };
const HOUR = 3_600_000;

function replica(storage: SchedulerStorage, name: string, shared: ReturnType<typeof shared_>) {
  return createLifeboatScheduler({
    plan: shared.plan,
    readiness: shared.readiness,
    audit: shared.audit,
    post: async (message) => {
      shared.post({ ...message });
      shared.postedAt.push(Date.now());
    },
    storage,
    instanceId: name,
    clock,
    logger: silentLogger(),
    probes: {
      http: fetchGet,
      cloudwatch: () => {
        throw new Error('not used');
      },
    },
    only: (job) => job.name === 'digest',
  });
}

function shared_(plan = schedulerPlan()) {
  const poster = recordingPoster();
  return {
    plan,
    readiness: fakeReadiness(clock, { payments: 'ready', search: 'degraded' }),
    audit: memoryAudit(clock),
    post: poster,
    posts: poster.posts,
    postedAt: [] as number[],
  };
}

describe('daily digest', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('posts at 09:00 Europe/Berlin every day, across the change to summer time', async () => {
    // Prepare: Friday 27 March 2026, 11:00 in Berlin (CET, UTC+1); clocks go forward on Sunday the 29th.
    vi.setSystemTime(Date.UTC(2026, 2, 27, 10, 0, 0));
    const world = shared_();
    const scheduler = replica(memorySchedulerStorage(clock), 'a', world);
    await scheduler.start();
    // Act
    await vi.advanceTimersByTimeAsync(3 * 24 * HOUR);
    await scheduler.stop();
    // Assert: 08:00Z (09:00 CET), then 07:00Z twice (09:00 CEST).
    expect(world.postedAt.map((t) => new Date(t).toISOString())).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
    expect(world.posts.every((p) => p.channel === 'C0DROPS')).toBe(true);
    expect(world.posts[0]?.text).toContain('DR digest 2026-03-28');
    expect(world.posts[0]?.text).not.toContain('late');
  });

  it('posts a missed digest once, late and saying so, when two replicas start after downtime; never twice', async () => {
    // Prepare: a digest went out on Friday, then every replica was down over Saturday 09:00.
    vi.setSystemTime(Date.UTC(2026, 2, 27, 7, 50, 0));
    const world = shared_();
    const storage = memorySchedulerStorage(clock);
    const before = replica(storage, 'a', world);
    await before.start();
    await vi.advanceTimersByTimeAsync(20 * 60_000);
    await before.stop();
    vi.setSystemTime(Date.UTC(2026, 2, 28, 13, 0, 0));
    // Act: two replicas come back at 14:00 Berlin time, then Sunday's slot comes round.
    const a = replica(storage, 'a2', world);
    const b = replica(storage, 'b', world);
    await Promise.all([a.start(), b.start()]);
    const afterRestart = world.posts.length;
    await vi.advanceTimersByTimeAsync(19 * HOUR);
    await Promise.all([a.stop(), b.stop()]);
    // Assert
    expect(afterRestart).toBe(2);
    expect(world.posts.map((p) => p.text.includes('(late)'))).toEqual([false, true, false]);
    expect(JSON.stringify(world.posts[1]?.blocks)).toContain('this digest was due');
    expect(world.postedAt.map((t) => new Date(t).toISOString())).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-28T13:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
    ]);
    const audited = (await entries(world.audit)).filter((e) => e.type === 'digest.posted');
    expect(audited.map((e) => [e.details.slot, e.details.late])).toEqual([
      ['2026-03-27T08:00:00.000Z', false],
      ['2026-03-28T08:00:00.000Z', true],
      ['2026-03-29T07:00:00.000Z', false],
    ]);
  });

  it('shows each service against its targets, the change since the last digest and overdue drills', async () => {
    // Prepare: search passed a drill 29 days before the digest (interval 30 d); payments never did.
    vi.setSystemTime(Date.UTC(2026, 1, 27, 9, 0, 0));
    const world = shared_();
    await world.audit.append({
      type: 'drill.completed',
      actor: 'U0BOB',
      service: 'search',
      details: { rtoMs: 1 },
    });
    vi.setSystemTime(Date.UTC(2026, 2, 27, 7, 59, 0));
    const scheduler = replica(memorySchedulerStorage(clock), 'a', world);
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    world.readiness.verdicts.payments = 'not_ready';
    // Act
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    await scheduler.stop();
    // Assert
    const second = JSON.stringify(world.posts[1]?.blocks);
    expect(second).toContain('*payments*: Not ready  ·  was Ready at the last digest');
    expect(second).toContain('RPO ≈ 5 s / target 60 s');
    expect(second).toContain('drill overdue (no passed drill on record)');
    expect(second).toContain(':calendar: drill due by <!date^1774774800^');
    expect(second).toContain('Open incidents');
    expect(second).toContain('_not tracked yet_');
    expect(world.posts[1]?.text).toContain('1 not ready, 1 degraded');
  });

  describe.each([
    // zone, the day before the spring jump at 02:30 local, its instant, the jump day's 03:30, the day after's 02:30
    ['America/New_York', Date.UTC(2026, 2, 7, 7, 30), '2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z'],
    ['Europe/Berlin', Date.UTC(2026, 2, 28, 1, 30), '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z'],
  ])('a 02:30 digest in %s across the spring DST jump', (timezone, dayBefore, jumpDay, dayAfter) => {
    const plan = () => schedulerPlan({ timezone, digestAt: '02:30' });

    it('posts once a day: at 03:30 on the day 02:30 does not exist, never an hour early, even after a restart at 01:45', async () => {
      // Prepare: the digest of the day before went out; every replica stops a minute later.
      vi.setSystemTime(dayBefore - 60_000);
      const world = shared_(plan());
      const storage = memorySchedulerStorage(clock);
      const before = replica(storage, 'a', world);
      await before.start();
      await vi.advanceTimersByTimeAsync(2 * 60_000);
      await before.stop();
      // Act: two replicas come back at 01:45 local time on the jump day (still standard time), then 47 hours pass.
      vi.setSystemTime(dayBefore + 23 * HOUR + 15 * 60_000);
      const a = replica(storage, 'a2', world);
      const b = replica(storage, 'b', world);
      await Promise.all([a.start(), b.start()]);
      const afterRestart = world.posts.length;
      await vi.advanceTimersByTimeAsync(47 * HOUR);
      await Promise.all([a.stop(), b.stop()]);
      // Assert: nothing to catch up at 01:45; 03:30 on the jump day, 02:30 the day after, none late.
      expect(afterRestart).toBe(1);
      expect(world.postedAt.map((t) => new Date(t).toISOString())).toEqual([
        new Date(dayBefore).toISOString(),
        jumpDay,
        dayAfter,
      ]);
      const audited = (await entries(world.audit)).filter((e) => e.type === 'digest.posted');
      expect(audited.map((e) => [e.details.slot, e.details.late])).toEqual([
        [new Date(dayBefore).toISOString(), false],
        [jumpDay, false],
        [dayAfter, false],
      ]);
    });

    it("catches up the jump day's missed 03:30 slot once, late, when replicas restart after it", async () => {
      // Prepare: the digest of the day before went out; every replica was down over the jump day's 03:30.
      vi.setSystemTime(dayBefore - 60_000);
      const world = shared_(plan());
      const storage = memorySchedulerStorage(clock);
      const before = replica(storage, 'a', world);
      await before.start();
      await vi.advanceTimersByTimeAsync(2 * 60_000);
      await before.stop();
      const restartAt = Date.parse(jumpDay) + 2 * HOUR;
      vi.setSystemTime(restartAt);
      // Act
      const a = replica(storage, 'a2', world);
      const b = replica(storage, 'b', world);
      await Promise.all([a.start(), b.start()]);
      await Promise.all([a.stop(), b.stop()]);
      // Assert
      const audited = (await entries(world.audit)).filter((e) => e.type === 'digest.posted');
      expect(audited.map((e) => [e.details.slot, e.details.late])).toEqual([
        [new Date(dayBefore).toISOString(), false],
        [jumpDay, true],
      ]);
      expect(world.postedAt.at(-1)).toBe(restartAt);
    });
  });
});
