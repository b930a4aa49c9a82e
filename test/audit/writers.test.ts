import { describe, expect, it } from 'vitest';
import { shardOf } from '../../src/audit/chain.js';
import { createAuditLog } from '../../src/audit/log.js';
import { createMemoryAuditStore } from '../../src/audit/memory-store.js';
import { companionWriterId } from '../../src/audit/writers.js';

describe('companionWriterId', () => {
  it('names a second writer of the same process that lands on another chain', () => {
    // Prepare
    const writers = Array.from({ length: 200 }, (_, i) => `replica-${i}`);

    // Act
    const pairs = writers.map((w) => [w, companionWriterId(w, 'alarms')] as const);

    // Assert
    for (const [writer, companion] of pairs) {
      expect(companion.startsWith(`${writer}/alarms`)).toBe(true);
      expect(shardOf(companion, 4)).not.toBe(shardOf(writer, 4));
    }
  });

  it('is the same id every time for the same writer and role', () => {
    // Act
    const first = companionWriterId('replica-7', 'alarms', 8);
    const second = companionWriterId('replica-7', 'alarms', 8);

    // Assert
    expect(second).toBe(first);
    expect(shardOf(first, 8)).not.toBe(shardOf('replica-7', 8));
  });

  it('shares the only chain when there is one shard', () => {
    // Act
    const companion = companionWriterId('replica-1', 'alarms', 1);

    // Assert
    expect(companion).toBe('replica-1/alarms');
  });

  it('keeps both writers verifiable in one log: an append on one never waits for the other', async () => {
    // Prepare
    const store = createMemoryAuditStore();
    const clock = { now: () => Date.UTC(2026, 10, 20, 12) };
    const main = createAuditLog(store, { writerId: 'replica-1', clock });
    const alarms = createAuditLog(store, { writerId: companionWriterId('replica-1', 'alarms'), clock });

    // Act
    const busy = Array.from({ length: 20 }, (_, i) =>
      alarms.append({ type: 'alarm.received', actor: 'aws', details: { n: i } }),
    );
    const command = await main.append({ type: 'command', actor: 'U0ALICE', details: { text: '/dr help' } });
    await Promise.all(busy);
    const report = await main.verify({});

    // Assert
    expect(command.seq).toBe(1);
    expect(report.ok).toBe(true);
    expect(report.entries).toBe(21);
  });
});
