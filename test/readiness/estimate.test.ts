import { describe, expect, it } from 'vitest';
import type { RunbookEntry } from '../../src/plan/schema.js';
import { estimateRpo, estimateRunbook } from '../../src/readiness/estimate.js';
import type { Check } from '../../src/readiness/types.js';

const MIN = 60_000;

const runbook: RunbookEntry[] = [
  { id: 'promote-db', kind: 'aurora-global', resource: 'db', estimate: 5 * MIN },
  {
    parallel: [
      { id: 'start-api', kind: 'ec2', resource: 'api', action: 'launch-from-ami', estimate: 4 * MIN },
      { id: 'check-ledger', kind: 'dynamodb-global-table', resource: 'ledger' },
      { id: 'settle', kind: 'wait', duration: 7 * MIN },
    ],
  },
  { id: 'flip-dns', kind: 'route53', resource: 'dns', action: 'fail-health-check' },
];

describe('RTO estimate', () => {
  it('adds sequential steps and counts the slowest step of a parallel group', () => {
    // Act
    const estimate = estimateRunbook('payments', runbook, 2 * MIN);

    // Assert
    expect(estimate.ms).toBe(5 * MIN + 7 * MIN + 2 * MIN);
    expect(estimate.path).toEqual([
      { stepId: 'promote-db', ms: 5 * MIN, source: 'estimate' },
      { stepId: 'settle', ms: 7 * MIN, source: 'estimate' },
      { stepId: 'flip-dns', ms: 2 * MIN, source: 'default' },
    ]);
    expect(estimate.measuredSteps).toBe(0);
  });

  it('prefers measured drill durations over plan estimates', () => {
    // Prepare
    const measured: Record<string, number> = { 'start-api': 9 * MIN, 'promote-db': 3 * MIN };
    const durations = {
      latest: (service: string, step: string) => (service === 'payments' ? measured[step] : undefined),
    };

    // Act
    const estimate = estimateRunbook('payments', runbook, 2 * MIN, durations);

    // Assert
    expect(estimate.ms).toBe(3 * MIN + 9 * MIN + 2 * MIN);
    expect(estimate.path.map((s) => `${s.stepId}:${s.source}`)).toEqual([
      'promote-db:measured',
      'start-api:measured',
      'flip-dns:default',
    ]);
    expect(estimate.measuredSteps).toBe(2);
    expect(estimate).not.toHaveProperty('timeNote');
  });

  it("carries the drill durations' time note when it uses them, and only then", () => {
    // Prepare: the sandbox's drills measured start-api in simulated time.
    const durations = {
      latest: (_service: string, step: string) => (step === 'start-api' ? 9 * MIN : undefined),
      timeNote: () => 'simulated AWS at 60x',
    };
    const unmeasured = runbook.filter((e) => !('parallel' in e));

    // Act
    const estimate = estimateRunbook('payments', runbook, 2 * MIN, durations);
    const plain = estimateRunbook('payments', unmeasured, 2 * MIN, durations);

    // Assert
    expect(estimate.measuredSteps).toBe(1);
    expect(estimate.timeNote).toBe('simulated AWS at 60x');
    expect(plain.measuredSteps).toBe(0);
    expect(plain).not.toHaveProperty('timeNote');
  });
});

describe('RPO estimate', () => {
  const check = (resourceId: string, extra: Partial<Check>): Check => ({
    resourceId,
    kind: 's3-bucket',
    name: 'replication lag',
    verdict: 'ready',
    reason: '',
    ...extra,
  });

  it('is the worst freshness measurement and ignores other checks', () => {
    // Act
    const estimate = estimateRpo([
      check('a', { freshness: true, dataLossMs: 1_000 }),
      check('b', { freshness: true, dataLossMs: 30_000 }),
      check('c', { dataLossMs: 999_999 }),
    ]);

    // Assert
    expect(estimate).toEqual({
      ms: 30_000,
      complete: true,
      worst: { resourceId: 'b', name: 'replication lag' },
    });
  });

  it('says incomplete when a freshness check could not measure', () => {
    // Act
    const estimate = estimateRpo([
      check('a', { freshness: true, dataLossMs: 1_000 }),
      check('b', { freshness: true, verdict: 'unknown' }),
    ]);

    // Assert
    expect(estimate.ms).toBe(1_000);
    expect(estimate.complete).toBe(false);
  });

  it('has no figure when nothing measures freshness', () => {
    // Act
    const estimate = estimateRpo([check('a', {})]);

    // Assert
    expect(estimate).toEqual({ ms: undefined, complete: false });
  });
});
