import { describe, expect, it } from 'vitest';
import { failoverCard } from '../../blocks/failover/card.js';
import type { FailoverRequest } from '../../src/approval/types.js';
import { resultText } from '../../src/kinds/lambda/invoke.js';
import { validateBlocks } from '../../src/sandbox/slack/blockkit.js';

const request: FailoverRequest = {
  id: 'exec-1',
  service: 'shop',
  mode: 'planned',
  requestedBy: 'U0ALICE',
  reason: 'drill',
  planHash: 'h',
  digest: 'd',
  createdAtMs: 0,
  deadlineMs: 60_000,
  approvalsRequired: 1,
  source: 'slack',
  channel: 'C0SHOP',
};

describe('a lambda-invoke step on the runbook card', () => {
  it('shows the function’s answer under the done step, escaped and bounded, within Block Kit limits', () => {
    // A function answering markup and a long payload: the card must neither render it nor overflow.
    const excerpt =
      `{"note":"<!channel> *bold* <https://evil.example|click>","pad":"${'x'.repeat(180)}"}`.slice(0, 200);
    const result = resultText(
      { statusCode: 200, functionError: null, excerpt },
      'shop-warm-caches',
      'us-west-2',
    );
    const steps = Array.from({ length: 30 }, (_, i) => ({
      id: `warm-${i}`,
      record: {
        state: 'succeeded' as const,
        startedAtMs: 1_000,
        finishedAtMs: 2_000,
        attempts: 1,
        observed: { statusCode: 200, result },
      },
    }));

    const card = failoverCard({
      request,
      execution: { state: 'completed', startedAtMs: 1_000, finishedAtMs: 2_000 },
      approvers: ['U0BOB'],
      steps,
      now: 3_000,
    });
    const text = JSON.stringify(card.blocks);

    expect(text).toContain('shop-warm-caches in us-west-2 answered 200; payload:');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(result.length).toBeLessThan(250);
    expect(validateBlocks(card.blocks, 'message')).toEqual([]);
  });
});
