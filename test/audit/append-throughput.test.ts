import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/log.js';
import { createMemoryAuditStore } from '../../src/audit/memory-store.js';
import type { AuditStore } from '../../src/audit/store.js';
import type { AuditEntry } from '../../src/audit/types.js';
import { manualClock } from '../../src/domain/clock.js';

/**
 * One replica's appends used to go one at a time on one chain: k concurrent appends took k sequential
 * round trips, so under a storm a decision's audit waited 45 s behind 20 `/dr help` a second (issue 19).
 * Round trips are counted, not timed: each PutItem waits until the test releases the current round.
 */
function gatedStore(): { store: AuditStore; waiting: () => number; releaseRound: () => Promise<void> } {
  const inner = createMemoryAuditStore();
  let gate: (() => void)[] = [];
  const store: AuditStore = {
    ...inner,
    putEntry: async (entry: AuditEntry) => {
      await new Promise<void>((resolve) => gate.push(resolve));
      return inner.putEntry(entry);
    },
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    store,
    waiting: () => gate.length,
    async releaseRound() {
      const round = gate;
      gate = [];
      for (const open of round) open();
      for (let i = 0; i < 5; i++) await settle();
    },
  };
}

describe('concurrent appends from one replica', () => {
  it('complete in far fewer round trips than one per append, each resolving once its own entry is stored', async () => {
    // Arrange
    const { store, waiting, releaseRound } = gatedStore();
    const log = createAuditLog(store, { writerId: 'replica-a', clock: manualClock() });
    const k = 24;
    const done: AuditEntry[] = [];

    // Act: k appends at once, then release PutItem round trips one round at a time
    const appends = Array.from({ length: k }, (_, i) =>
      log.append({ type: 'command', actor: `U${i}`, details: { i } }).then((entry) => {
        done.push(entry);
        return entry;
      }),
    );
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(done).toHaveLength(0);
    expect(waiting()).toBeGreaterThan(0);
    let rounds = 0;
    while (done.length < k && rounds < k + 5) {
      rounds++;
      await releaseRound();
    }
    const entries = await Promise.all(appends);

    // Assert: every event is its own entry on a valid chain, and the rounds are far fewer than k
    expect(rounds).toBeLessThanOrEqual(4);
    expect(entries.map((e) => e.actor)).toEqual(Array.from({ length: k }, (_, i) => `U${i}`));
    expect(new Set(entries.map((e) => e.id)).size).toBe(k);
    const report = await log.verify();
    expect(report).toMatchObject({ ok: true, entries: k, problems: 0 });
    const rows: AuditEntry[] = [];
    for await (const entry of log.query()) rows.push(entry);
    expect(rows.map((e) => e.details.i).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: k }, (_, i) => i),
    );
  });
});
