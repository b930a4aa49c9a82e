import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/domain/clock.js';
import type { Resource, ResourceKind } from '../../src/plan/schema.js';
import { createReadinessEngine } from '../../src/readiness/engine.js';
import { createLimiter } from '../../src/readiness/limiter.js';
import type { Check, CheckContext, CheckerRegistry, NamedService } from '../../src/readiness/types.js';

import { namedService, PLAN_YAML, testPlan } from './helpers.js';

// A primary Region other than us-east-1: the flip-dns step then needs no control plane in it.
const plan = testPlan(PLAN_YAML.replace('primaryRegion: us-east-1', 'primaryRegion: us-east-2'));
const payments = namedService(plan, 'payments');

function readyCheck(resourceId: string, extra: Partial<Check> = {}): Check {
  return {
    resourceId,
    kind: 'route53',
    name: 'probe',
    verdict: 'ready',
    reason: `${resourceId}: fine`,
    ...extra,
  };
}

type CheckFn = (resource: Resource, service: NamedService, ctx: CheckContext) => Promise<Check[]>;

/** Every kind answers ready unless overridden. */
function registry(overrides: Partial<Record<ResourceKind, CheckFn>> = {}): CheckerRegistry {
  const ready: CheckFn = async (r) => [readyCheck(r.id)];
  const fn = (kind: ResourceKind): CheckFn => overrides[kind] ?? ready;
  return {
    'aurora-global-cluster': [{ check: (r, s, c) => fn(r.kind)(r, s, c) }],
    'rds-instance': [{ check: (r, s, c) => fn(r.kind)(r, s, c) }],
    ec2: [{ check: (r, s, c) => fn(r.kind)(r, s, c) }],
    's3-bucket': [{ check: (r, s, c) => fn(r.kind)(r, s, c) }],
    'dynamodb-global-table': [{ check: (r, s, c) => fn(r.kind)(r, s, c) }],
    route53: [{ check: (r, s, c) => fn(r.kind)(r, s, c) }],
  };
}

describe('readiness engine', () => {
  it('reports ready with estimates when every check is ready', async () => {
    // Prepare
    const engine = createReadinessEngine({ checkers: registry(), clock: manualClock() });

    // Act
    const result = await engine.checkService(payments, plan.defaults);

    // Assert
    expect(result.verdict).toBe('ready');
    expect(result.checks).toHaveLength(payments.resources.length);
    expect(result.rto.estimate.ms).toBe(5 * 60_000 + 4 * 60_000 + 2 * 60_000);
    expect(result.rto.verdict).toBe('ready');
  });

  it('adds a degraded control plane dependency when the DNS step needs Route 53 in the primary Region', async () => {
    // Prepare
    const engine = createReadinessEngine({ checkers: registry(), clock: manualClock() });
    const east1 = namedService(testPlan(), 'payments');
    // Act
    const result = await engine.checkService(east1, plan.defaults);
    // Assert
    expect(result.verdict).toBe('degraded');
    const warning = result.checks.find((c) => c.name === 'control plane dependency');
    expect(warning).toMatchObject({ resourceId: 'payments-dns', verdict: 'degraded' });
  });

  it('turns a checker that throws into an unknown check, never ready', async () => {
    // Prepare
    const broken: CheckFn = async () => {
      throw new TypeError('boom');
    };
    const engine = createReadinessEngine({ checkers: registry({ ec2: broken }), clock: manualClock() });

    // Act
    const result = await engine.checkService(payments, plan.defaults);

    // Assert
    const ec2 = result.checks.find((c) => c.resourceId === 'payments-api');
    expect(ec2?.verdict).toBe('unknown');
    expect(ec2?.reason).toBe('payments-api: check failed: TypeError: boom');
    expect(result.verdict).toBe('unknown');
  });

  it('turns an AWS call that never answers into an unknown check after the call timeout', async () => {
    // Prepare
    let aborted = false;
    const hanging: CheckFn = async (_r, _s, ctx) => {
      await ctx.call(
        (signal) =>
          new Promise<never>(() => {
            signal.addEventListener('abort', () => {
              aborted = true;
            });
          }),
      );
      return [];
    };
    const engine = createReadinessEngine({
      checkers: registry({ route53: hanging }),
      clock: manualClock(),
      callTimeoutMs: 20,
    });

    // Act
    const result = await engine.checkService(payments, plan.defaults);

    // Assert
    const dns = result.checks.find((c) => c.resourceId === 'payments-dns');
    expect(dns?.verdict).toBe('unknown');
    expect(dns?.reason).toBe('payments-dns: check failed: timed out after 20 ms');
    expect(aborted).toBe(true);
  });

  it('marks a resource kind without a checker as unknown', async () => {
    // Prepare
    const engine = createReadinessEngine({ checkers: {}, clock: manualClock() });

    // Act
    const result = await engine.checkService(payments, plan.defaults);

    // Assert
    expect(result.checks.every((c) => c.verdict === 'unknown')).toBe(true);
    expect(result.checks[0]?.reason).toBe('payments-db: no readiness checker for kind aurora-global-cluster');
  });

  it('accepts a checker with nothing to say when another checker of the kind reports', async () => {
    // Prepare
    const silent: CheckFn = async () => [];
    const checkers = registry();
    const engine = createReadinessEngine({
      checkers: { ...checkers, ec2: [...(checkers.ec2 ?? []), { check: (r, s, c) => silent(r, s, c) }] },
      clock: manualClock(),
    });

    // Act
    const result = await engine.checkService(payments, plan.defaults);

    // Assert
    expect(result.checks.filter((c) => c.resourceId === 'payments-api')).toEqual([
      readyCheck('payments-api'),
    ]);
  });

  it('marks a resource whose checkers all return nothing as unknown', async () => {
    // Prepare
    const silent: CheckFn = async () => [];
    const engine = createReadinessEngine({ checkers: registry({ route53: silent }), clock: manualClock() });

    // Act
    const result = await engine.checkService(payments, plan.defaults);

    // Assert
    expect(result.checks.find((c) => c.resourceId === 'payments-dns')?.reason).toBe(
      'payments-dns: check failed: no checks ran',
    );
  });

  it('takes the worst verdict of the checks and counts not_ready above unknown', async () => {
    // Prepare
    const notReady: CheckFn = async (r) => [readyCheck(r.id, { verdict: 'not_ready' })];
    const unknown: CheckFn = async (r) => [readyCheck(r.id, { verdict: 'unknown' })];
    const engine = createReadinessEngine({
      checkers: registry({ ec2: notReady, route53: unknown }),
      clock: manualClock(),
    });

    // Act
    const result = await engine.checkService(payments, plan.defaults);

    // Assert
    expect(result.verdict).toBe('not_ready');
  });

  it('is degraded when the estimated RTO exceeds the target', async () => {
    // Prepare
    const engine = createReadinessEngine({ checkers: registry(), clock: manualClock() });

    // Act
    const result = await engine.checkService({ ...payments, rto: 10 * 60_000 }, plan.defaults);

    // Assert
    expect(result.rto.verdict).toBe('degraded');
    expect(result.verdict).toBe('degraded');
  });

  it('estimates the RPO from the worst freshness check', async () => {
    // Prepare
    const lagging: CheckFn = async (r) => [
      readyCheck(r.id, { freshness: true, dataLossMs: 95_000, verdict: 'degraded' }),
    ];
    const fresh: CheckFn = async (r) => [readyCheck(r.id, { freshness: true, dataLossMs: 2_000 })];
    const engine = createReadinessEngine({
      checkers: registry({ 'aurora-global-cluster': lagging, 'dynamodb-global-table': fresh }),
      clock: manualClock(),
    });

    // Act
    const result = await engine.checkService(payments, plan.defaults);

    // Assert
    expect(result.rpo.estimate).toEqual({
      ms: 95_000,
      complete: true,
      worst: { resourceId: 'payments-db', name: 'probe' },
    });
    expect(result.rpo.verdict).toBe('degraded');
  });
});

describe('limiter', () => {
  it('never runs more tasks at once than its concurrency and runs them all', async () => {
    // Prepare
    const limiter = createLimiter(3);
    let running = 0;
    let peak = 0;
    const task = async (i: number) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return i;
    };

    // Act
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => limiter.run(() => task(i))));

    // Assert
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(limiter.active).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    // Prepare
    const limiter = createLimiter(1);

    // Act
    const failed = limiter.run(() => Promise.reject(new Error('nope')));
    const next = limiter.run(async () => 'ran');

    // Assert
    await expect(failed).rejects.toThrow('nope');
    await expect(next).resolves.toBe('ran');
  });
});

describe('readiness engine and the event loop', () => {
  it('starts at most one AWS call per event-loop turn, so answers that come back at once cannot hold the loop', async () => {
    // Prepare: AWS answers within the same turn (as the in-process simulated cloud does), two calls per
    // resource, and the calls are counted as they start
    let calls = 0;
    const instant: CheckFn = async (r, _s, ctx) => {
      const call = () =>
        ctx.call(async () => {
          calls++;
          return {};
        });
      await call();
      await call();
      return [readyCheck(r.id)];
    };
    const engine = createReadinessEngine({
      checkers: registry({ ec2: instant, 'rds-instance': instant, 's3-bucket': instant }),
      clock: manualClock(),
    });

    // Act: 50 services measured at once (as the scheduled readiness check does); a macrotask queued now
    // stands for a Slack request waiting to be read
    const runs = Array.from({ length: 50 }, () => engine.checkService(payments, plan.defaults));
    const beforeNextTurn = await new Promise<number>((resolve) => setImmediate(() => resolve(calls)));
    const results = await Promise.all(runs);

    // Assert: every run completes, but the loop turned after at most a couple of calls, not after all of them
    expect(results).toHaveLength(50);
    expect(calls).toBeGreaterThan(100);
    expect(beforeNextTurn).toBeLessThanOrEqual(2);
  });
});
