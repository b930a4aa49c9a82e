import { describe, expect, it } from 'vitest';
import { checkFigure } from '../../blocks/readiness/format.js';
import { checkingMessage } from '../../blocks/readiness/messages.js';
import { plainOperating } from '../../blocks/readiness/operating.js';
import { serviceStatusMessage } from '../../blocks/readiness/service.js';
import type { Check } from '../../src/readiness/types.js';
import { paymentsReadiness } from '../readiness/fixtures.js';

const base = { resourceId: 'payments-ledger', kind: 'dynamodb-global-table' as const, reason: 'r' };

describe('/dr status: the words the legend uses, labelled values', () => {
  it('a check that could not measure says "unknown", never "other"', () => {
    const failed: Check = { ...base, name: 'replica', verdict: 'unknown', measured: { text: 'other' } };
    expect(checkFigure(failed)).toBe('replica: unknown');
    const denied: Check = {
      ...base,
      name: 'replica',
      verdict: 'unknown',
      measured: { text: 'access denied' },
    };
    expect(checkFigure(denied)).toBe('replica: unknown (access denied)');
  });

  it('labels the target of every pair: no bare "ACTIVE / ACTIVE"', () => {
    const replica: Check = {
      ...base,
      name: 'replica',
      verdict: 'ready',
      measured: { text: 'ACTIVE' },
      target: { text: 'ACTIVE' },
    };
    expect(checkFigure(replica)).toBe('replica: ACTIVE (expected ACTIVE)');
    const lag: Check = {
      ...base,
      name: 'replication lag',
      verdict: 'ready',
      measured: { value: 202, unit: 'ms' },
      target: { value: 60_000, unit: 'ms' },
    };
    expect(checkFigure(lag)).toBe('replication lag: 202 ms (target 60 s)');
    const card = JSON.stringify(serviceStatusMessage(paymentsReadiness()).blocks);
    // Each resource row ("• … name: measured …"): no unlabelled "x / y".
    const rows = card.split('\\n').filter((l) => l.startsWith('• '));
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) expect(row).not.toMatch(/ \/ /);
  });

  it('the plain fallback text carries no mrkdwn (a literal *payments*)', () => {
    const m = checkingMessage('payments');
    expect(m.text).not.toContain('*');
    expect(m.text).toContain('payments');
  });

  it('fallback times use the same UTC style as the date token fallback, seconds included', () => {
    const at = Date.UTC(2026, 11, 7, 1, 5, 48);
    const text = plainOperating({
      known: true,
      state: {
        service: 'payments',
        phase: 'normal-in-primary',
        primaryRegion: 'us-east-1',
        recoveryRegion: 'us-west-2',
        sinceMs: at,
        resources: {},
        source: 'initialised',
        updatedAtMs: at,
        version: 1,
      },
    });
    expect(text).toBe('Running in us-east-1 since 2026-12-07 01:05:48 UTC');
  });
});
