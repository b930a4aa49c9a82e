import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/domain/clock.js';
import type { PlanDefaults, ReadinessEngine, ServiceReadiness } from '../../src/readiness/engine.js';
import { UnknownServiceError } from '../../src/readiness/errors.js';
import { createLimiter } from '../../src/readiness/limiter.js';
import { createReadinessService } from '../../src/readiness/service.js';
import type { NamedService, Verdict } from '../../src/readiness/types.js';
import { testPlan } from './helpers.js';

function fakeResult(service: string, verdict: Verdict, checkedAt: number): ServiceReadiness {
  return {
    service,
    primaryRegion: 'us-east-1',
    recoveryRegion: 'us-west-2',
    verdict,
    resources: [],
    checks: [],
    rpo: { targetMs: 60_000, estimate: { ms: undefined, complete: false }, verdict: 'unknown' },
    rto: { targetMs: 60_000, estimate: { ms: 0, path: [], measuredSteps: 0 }, verdict: 'ready' },
    checkedAt,
    durationMs: 0,
  };
}

/** An engine whose runs finish only when the test releases them. */
function controlledEngine(verdicts: Record<string, Verdict> = {}) {
  const calls: string[] = [];
  const pending: Array<() => void> = [];
  let now = 0;
  const engine: ReadinessEngine = {
    limiter: createLimiter(1),
    checkService: (service: NamedService, _defaults: PlanDefaults) => {
      calls.push(service.name);
      return new Promise((resolve) =>
        pending.push(() => resolve(fakeResult(service.name, verdicts[service.name] ?? 'ready', now))),
      );
    },
  };
  return {
    engine,
    calls,
    releaseAll: (at = 0) => {
      now = at;
      for (const release of pending.splice(0)) release();
    },
  };
}

const plan = testPlan();

describe('readiness service', () => {
  it('shares one in-flight run between concurrent requests for the same service', async () => {
    // Prepare
    const { engine, calls, releaseAll } = controlledEngine();
    const readiness = createReadinessService({ engine, getPlan: () => plan, clock: manualClock() });

    // Act
    const first = readiness.check('payments');
    const second = readiness.check('payments');
    releaseAll();
    const [a, b] = await Promise.all([first, second]);

    // Assert
    expect(calls).toEqual(['payments']);
    expect(a).toBe(b);
  });

  it('forgets a cached result when invalidated (an alarm, a completed step, a state change)', async () => {
    // Prepare
    const clock = manualClock();
    const { engine, calls, releaseAll } = controlledEngine();
    const readiness = createReadinessService({ engine, getPlan: () => plan, clock, ttlMs: 30_000 });
    const first = readiness.check('payments');
    releaseAll();
    await first;
    expect(readiness.peek('payments')).toBeDefined();

    // Act: an alarm arrives one second later
    clock.advance(1_000);
    readiness.invalidate('payments');

    // Assert: nothing older than the alarm is served, a new run starts
    expect(readiness.peek('payments')).toBeUndefined();
    const second = readiness.check('payments');
    releaseAll(1_000);
    expect((await second).checkedAt).toBe(1_000);
    expect(calls).toEqual(['payments', 'payments']);
  });

  it('does not cache or share a run that was in flight when invalidated', async () => {
    // Prepare
    const clock = manualClock();
    const { engine, calls, releaseAll } = controlledEngine();
    const readiness = createReadinessService({ engine, getPlan: () => plan, clock, ttlMs: 30_000 });
    const before = readiness.check('payments');

    // Act
    readiness.invalidate('payments');
    const after = readiness.check('payments');
    releaseAll();
    await Promise.all([before, after]);

    // Assert: the run started after the invalidation is its own, and only it is cached
    expect(calls).toEqual(['payments', 'payments']);
    expect(readiness.peek('payments')).toBe(await after);
  });

  it('serves a cached result within the TTL and runs again after it', async () => {
    // Prepare
    const clock = manualClock();
    const { engine, calls, releaseAll } = controlledEngine();
    const readiness = createReadinessService({ engine, getPlan: () => plan, clock, ttlMs: 30_000 });
    const first = readiness.check('payments');
    releaseAll();
    await first;

    // Act
    clock.advance(29_000);
    const cached = await readiness.check('payments');
    clock.advance(2_000);
    const expired = readiness.check('payments');
    releaseAll();
    await expired;

    // Assert
    expect(cached).toBe(await first);
    expect(calls).toEqual(['payments', 'payments']);
  });

  it('skips the cache on a fresh re-check', async () => {
    // Prepare
    const { engine, calls, releaseAll } = controlledEngine();
    const readiness = createReadinessService({ engine, getPlan: () => plan, clock: manualClock() });
    const first = readiness.check('payments');
    releaseAll();
    await first;

    // Act
    const fresh = readiness.check('payments', { fresh: true });
    releaseAll();
    await fresh;

    // Assert
    expect(calls).toEqual(['payments', 'payments']);
  });

  it('does not cache a failed run', async () => {
    // Prepare
    let fail = true;
    const engine: ReadinessEngine = {
      limiter: createLimiter(1),
      checkService: async (service) => {
        if (fail) throw new Error('engine down');
        return fakeResult(service.name, 'ready', 0);
      },
    };
    const readiness = createReadinessService({ engine, getPlan: () => plan, clock: manualClock() });

    // Act
    const failed = readiness.check('payments');
    await expect(failed).rejects.toThrow('engine down');
    fail = false;

    // Assert
    await expect(readiness.check('payments')).resolves.toMatchObject({ verdict: 'ready' });
  });

  it('rejects an unknown service naming the known ones', async () => {
    // Prepare
    const { engine } = controlledEngine();
    const readiness = createReadinessService({ engine, getPlan: () => plan, clock: manualClock() });

    // Act
    const result = readiness.check('nope');

    // Assert
    await expect(result).rejects.toBeInstanceOf(UnknownServiceError);
    await expect(result).rejects.toThrow('unknown service "nope"; the plan defines: payments, accounts');
  });

  it('lists every service worst first', async () => {
    // Prepare
    const { engine, releaseAll } = controlledEngine({ payments: 'degraded', accounts: 'not_ready' });
    const readiness = createReadinessService({ engine, getPlan: () => plan, clock: manualClock() });

    // Act
    const all = readiness.checkAll();
    releaseAll();
    const results = await all;

    // Assert
    expect(results.map((r) => `${r.service}:${r.verdict}`)).toEqual([
      'accounts:not_ready',
      'payments:degraded',
    ]);
  });
});
