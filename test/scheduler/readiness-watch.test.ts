import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/domain/clock.js';
import { decide, runReadinessWatch, type WatchState } from '../../src/scheduler/readiness-watch.js';
import { createMemoryStateStore } from '../../src/scheduler/state.js';
import {
  entries,
  fakeReadiness,
  memoryAudit,
  recordingPoster,
  schedulerPlan,
  silentLogger,
} from './helpers.js';

function setup() {
  const clock = manualClock(Date.UTC(2026, 2, 27, 10, 0, 0));
  const readiness = fakeReadiness(clock, { payments: 'ready', search: 'ready' });
  const post = recordingPoster();
  const audit = memoryAudit(clock);
  const plan = schedulerPlan();
  const deps = {
    readiness,
    getPlan: () => plan,
    state: createMemoryStateStore<WatchState>(),
    post,
    audit,
    logger: silentLogger(),
  };
  const run = async () => {
    clock.advance(5 * 60_000);
    return runReadinessWatch(deps);
  };
  return { clock, readiness, post, audit, run };
}

describe('scheduled readiness check', () => {
  it('records a baseline silently on its first run', async () => {
    // Prepare
    const { post, run } = setup();
    // Act
    await run();
    // Assert
    expect(post.posts).toEqual([]);
  });

  it('posts nothing when no verdict changed', async () => {
    // Prepare
    const { post, readiness, run, audit } = setup();
    await run();
    // Act
    await run();
    await run();
    // Assert
    expect(post.posts).toEqual([]);
    expect(readiness.calls).toBe(6);
    expect((await entries(audit)).map((e) => e.type)).toEqual([]);
  });

  it("posts a regression to the service's channel once, then nothing while it stays regressed", async () => {
    // Prepare
    const { post, readiness, run, audit } = setup();
    await run();
    readiness.verdicts.payments = 'not_ready';
    // Act
    await run();
    await run();
    // Assert
    expect(post.posts).toHaveLength(1);
    expect(post.posts[0]?.channel).toBe('C0PAYMENTS');
    expect(post.posts[0]?.text).toContain('payments DR readiness regressed: Ready → Not ready');
    const audited = await entries(audit);
    expect(audited.map((e) => [e.type, e.service, e.details.from, e.details.to])).toEqual([
      ['readiness.regressed', 'payments', 'ready', 'not_ready'],
    ]);
  });

  it('posts a recovery when the verdict gets better', async () => {
    // Prepare
    const { post, readiness, run, audit } = setup();
    await run();
    readiness.verdicts.search = 'degraded';
    await run();
    readiness.verdicts.search = 'ready';
    // Act
    await run();
    // Assert
    expect(post.posts.map((p) => [p.channel, p.text])).toEqual([
      ['C0SEARCH', expect.stringContaining('regressed: Ready → Degraded')],
      ['C0SEARCH', expect.stringContaining('recovered: Degraded → Ready')],
    ]);
    expect((await entries(audit)).map((e) => e.type)).toEqual(['readiness.regressed', 'readiness.recovered']);
  });

  it('waits for a second unknown run before reporting that a service cannot be measured', async () => {
    // Prepare
    const { post, readiness, run } = setup();
    await run();
    readiness.verdicts.payments = 'unknown';
    // Act
    await run();
    const afterOne = post.posts.length;
    await run();
    // Assert
    expect(afterOne).toBe(0);
    expect(post.posts).toHaveLength(1);
    expect(post.posts[0]?.text).toContain('Ready → Unknown');
  });

  it('forgets a single unknown run when the next one measures the same verdict again', () => {
    // Prepare
    const previous = { verdict: 'ready' as const, since: 0, unknownStreak: 0, checkedAt: 0 };
    // Act
    const first = decide(previous, { verdict: 'unknown', checkedAt: 1 });
    const second = decide(first.next, { verdict: 'ready', checkedAt: 2 });
    // Assert
    expect([first.transition, second.transition]).toEqual(['pending', 'unchanged']);
    expect(second.next.unknownStreak).toBe(0);
  });

  it('escapes service text in the posted message', async () => {
    // Prepare
    const { post, readiness, run } = setup();
    await run();
    readiness.verdicts.payments = 'degraded';
    // Act
    await run();
    // Assert
    const json = JSON.stringify(post.posts[0]?.blocks);
    expect(json).toContain('payments-dns: primary health check is degraded');
    expect(json).not.toMatch(/<(?!!date)/);
  });
});
