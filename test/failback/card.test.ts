import { describe, expect, it } from 'vitest';
import { failbackCard } from '../../blocks/failback/card.js';
import type { FailbackReadiness } from '../../src/failback/types.js';
import { validateBlocks } from '../../src/sandbox/slack/blockkit.js';

const RENAME =
  'aws rds modify-db-instance --region us-east-1 --db-instance-identifier accounts-db --new-db-instance-identifier accounts-db-pre-failback --apply-immediately';

const readiness = (items: FailbackReadiness['items']): FailbackReadiness => ({
  service: 'accounts',
  primaryRegion: 'us-east-1',
  recoveryRegion: 'us-west-2',
  serving: 'recovery',
  servingReason: 'databases are written in us-west-2',
  items,
  ready: items.every((i) => i.status === 'ready'),
  checkedAtMs: Date.UTC(2025, 0, 1),
});

const textOf = (blocks: ReturnType<typeof failbackCard>['blocks']) => JSON.stringify(blocks);

describe('failback card', () => {
  it('shows what must be done by hand, with the exact command, and offers no setup for a blocked item', () => {
    // Prepare
    const model = readiness([
      {
        resourceId: 'accounts-db',
        kind: 'rds-instance',
        status: 'blocked',
        text: 'the old primary accounts-db still exists in us-east-1 (available)',
        byHand: `Free the identifier accounts-db in us-east-1: ${RENAME}. Then Re-check.`,
      },
    ]);

    // Act
    const card = failbackCard(model);

    // Assert
    expect(validateBlocks(card.blocks, 'message')).toEqual([]);
    expect(textOf(card.blocks)).toContain('*To do by hand*');
    expect(textOf(card.blocks)).toContain(RENAME);
    expect(textOf(card.blocks)).not.toContain('Run setup steps');
    expect(card.text).toBe('Failback of accounts: not ready');
  });

  it('has no by-hand section when nothing is left to do by hand', () => {
    // Prepare
    const model = readiness([
      {
        resourceId: 'accounts-db',
        kind: 'rds-instance',
        status: 'ready',
        text: 'replica accounts-db is available',
      },
    ]);

    // Act
    const card = failbackCard(model);

    // Assert
    expect(textOf(card.blocks)).not.toContain('To do by hand');
    expect(card.text).toBe('Failback of accounts: ready to request');
  });
});
