import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/load.js';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import type { ReadinessService } from '../../src/readiness/service.js';
import { createDirectedReadiness } from '../../src/state/directed.js';
import type { Observed } from '../../src/state/observed.js';
import type { OperatingState } from '../../src/state/types.js';

const plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'), 'dr-plan.example.yml');

/**
 * Issue 19: a readiness run reads the operating state before measuring and once after; comparing what AWS showed
 * with the record costs a round trip of its own only when something was observed.
 */
function directed(observed: readonly Observed[]) {
  const reads: string[] = [];
  const asked: unknown[] = [];
  const operating = {
    known: true,
    state: { service: 'accounts', phase: 'normal-in-primary', version: 1 },
  } as unknown as OperatingState;
  const forward = {
    check: async (_name: string, options: unknown) => {
      asked.push(options);
      return {
        service: 'accounts',
        checks: observed.map((o) => ({
          resourceId: 'accounts-db',
          name: 'writer',
          verdict: 'ready',
          observed: o,
        })),
        verdict: 'ready',
      } as unknown as ServiceReadiness;
    },
    invalidate: () => undefined,
  } as unknown as ReadinessService;
  const readiness = createDirectedReadiness({
    forward,
    failback: () => Promise.reject(new Error('not in recovery')),
    observe: async () => [],
    state: {
      read: async () => {
        reads.push('read');
        return operating;
      },
      onProtection: async () => undefined,
      onObserved: async () => {
        reads.push('onObserved');
        return undefined;
      },
    },
    getPlan: () => plan,
    clock: { now: () => Date.now() },
  });
  return { readiness, reads, asked };
}

describe('directed readiness: the state reads of one run', () => {
  it('reads the state before and after, and compares nothing when AWS showed nothing (e.g. the primary down)', async () => {
    // Prepare
    const { readiness, reads } = directed([]);
    // Act
    const result = await readiness.check('accounts', { fresh: true });
    // Assert
    expect(result.direction).toBe('failover');
    expect(reads).toEqual(['read', 'read']);
  });

  it('compares what was observed with the record before the last read', async () => {
    // Prepare
    const { readiness, reads } = directed([
      { facet: 'writer', side: 'primary', text: 'writer is accounts-db' },
    ]);
    // Act
    await readiness.check('accounts', { fresh: true });
    // Assert
    expect(reads).toEqual(['read', 'onObserved', 'read']);
  });

  it("passes an unplanned approval's budget on, compares nothing, reads the state once and caches nothing", async () => {
    // Prepare
    const { readiness, asked, reads } = directed([
      { facet: 'writer', side: 'primary', text: 'writer is accounts-db' },
    ]);
    const leaving = { budgetMs: 2_000 };
    // Act
    const result = await readiness.check('accounts', { leaving });
    // Assert
    expect(asked).toEqual([{ fresh: true, leaving }]);
    expect(reads).toEqual(['read']);
    expect(result.operating?.known).toBe(true);
    expect(readiness.peek('accounts')).toBeUndefined();
  });
});
