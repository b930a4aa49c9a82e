import { describe, expect, it } from 'vitest';
import { entryWriteUnits } from '../../src/audit/budget.js';
import { dayOf, nextEntry } from '../../src/audit/chain.js';
import { entryItem } from '../../src/audit/dynamo-item.js';

/** An item's size as DynamoDB counts it: attribute names plus values (all strings in an entry's item). */
const itemBytes = (item: Record<string, string>) =>
  Object.entries(item).reduce(
    (n, [name, value]) => n + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );

describe("an append's write units (the chain's budget)", () => {
  it('are never fewer than DynamoDB counts for the item written, across the 1 KB boundaries', () => {
    // Prepare: entries whose items straddle 1, 2 and 3 KB, with long keys (shard 9999, seq of 12 digits)
    const now = Date.UTC(2026, 11, 7, 12);
    const short = [];
    for (let size = 700; size < 3_200; size += 3) {
      const entry = nextEntry(
        { seq: 999_999_999_998, hash: 'a'.repeat(64), at: new Date(now).toISOString() },
        {
          type: 'command',
          actor: 'U0ALICE',
          service: 'payments',
          details: { text: 'é'.repeat(size >> 1) + 'x'.repeat(size & 1) },
        },
        { day: dayOf(now), shard: 9_999, now, writer: 'replica-a' },
      );
      // Act
      const budgeted = entryWriteUnits(entry);
      const counted = Math.ceil(itemBytes(entryItem(entry)) / 1024);
      if (budgeted < counted) short.push({ size, budgeted, counted });
    }

    // Assert
    expect(short).toEqual([]);
  });
});
