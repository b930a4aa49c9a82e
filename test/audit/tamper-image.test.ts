import { describe, expect, it } from 'vitest';
import { nextEntry } from '../../src/audit/chain.js';
import { entryItem } from '../../src/audit/dynamo-item.js';
import { tamperingIn } from '../../src/audit/tamper-watch.js';

const entry = nextEntry(
  undefined,
  { type: 'command', actor: 'U0ALICE', details: { text: '/dr status' } },
  { day: '2026-12-07', shard: 0, now: Date.UTC(2026, 11, 7, 12), writer: 'replica-a' },
);
const image = (item: Record<string, string>) =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, { S: value }]));

describe('the tamper watch reads the hashes of v2 items', () => {
  it('takes the old and new hash from e, not from an attribute an attacker added', () => {
    // Prepare: a v2 item overwritten with another actor and a forged top-level hash
    const item = entryItem(entry);
    const forged = { ...entryItem({ ...entry, actor: 'U0MALLORY', hash: 'b'.repeat(64) }), hash: entry.hash };

    // Act
    const event = tamperingIn({
      eventName: 'MODIFY',
      dynamodb: {
        Keys: { pk: { S: item.pk }, sk: { S: item.sk } },
        OldImage: image(item),
        NewImage: image(forged),
        SequenceNumber: '1',
      },
    });

    // Assert
    expect(event).toMatchObject({ event: 'MODIFY', oldHash: entry.hash, newHash: 'b'.repeat(64) });
  });

  it('still reads a v1 item hash attribute', () => {
    // Prepare
    const { pk, sk } = entryItem(entry);

    // Act
    const event = tamperingIn({
      eventName: 'REMOVE',
      dynamodb: {
        Keys: { pk: { S: pk }, sk: { S: sk } },
        OldImage: { pk: { S: pk }, hash: { S: entry.hash } },
      },
    });

    // Assert
    expect(event).toMatchObject({ event: 'REMOVE', oldHash: entry.hash });
  });
});
