import { describe, expect, it } from 'vitest';
import { progressBroadcast, requestPostedMessage } from '../../blocks/failover/messages.js';
import { validateBlocks } from '../../src/sandbox/slack/blockkit.js';

describe('the requester is linked to the request card; the channel hears progress', () => {
  it('"posted in #payments" links to the card when Slack gave its permalink', () => {
    const link =
      'https://lifeboat-sandbox.slack.com/archives/C0PAYMENTS/p1700000000000100?thread_ts=1700000000.000050';
    const m = requestPostedMessage('payments', 'C0PAYMENTS', 'failover', link);
    const text = JSON.stringify(m.blocks);
    expect(text).toContain('posted in <#C0PAYMENTS>');
    expect(text).toContain(`<${link}|open the request>`);
    // Without one (or with something that is not a URL) it names the channel only.
    expect(
      JSON.stringify(requestPostedMessage('payments', 'C0PAYMENTS', 'failover', 'x|y>').blocks),
    ).not.toContain('open the request');
  });

  it('channel-level progress lines stay within Block Kit limits and escape plan text', () => {
    for (const event of [
      { kind: 'started', requestedBy: 'U0ALICE' },
      { kind: 'completed' },
      { kind: 'aborted' },
      { kind: 'paused', stepId: 'promote', error: `<!channel> ${'x'.repeat(5_000)}` },
    ] as const) {
      const m = progressBroadcast('failback', 'pay<ments>', 'us-east-1', event);
      expect(validateBlocks(m.blocks, 'message')).toEqual([]);
      expect(JSON.stringify(m.blocks)).not.toContain('<!channel>');
    }
    expect(progressBroadcast('failover', 'payments', 'us-west-2', { kind: 'completed' }).text).toBe(
      'payments now runs in us-west-2 (failover completed).',
    );
  });
});
