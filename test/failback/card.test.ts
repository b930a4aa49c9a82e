import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { failbackCard } from '../../blocks/failback/card.js';
import { failbackModal } from '../../blocks/failback/modal.js';
import { computeLeftRunning } from '../../src/failback/request.js';
import type { FailbackReadiness } from '../../src/failback/types.js';
import { parsePlan } from '../../src/plan/load.js';
import { validateBlocks, validateView } from '../../src/sandbox/slack/blockkit.js';

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

describe('failback request modal: recovery compute left running', () => {
  const example = readFileSync('dr-plan.example.yml', 'utf8');
  const service = (text: string, name: string) => {
    const svc = parsePlan(text).services[name];
    if (!svc) throw new Error(`no service ${name}`);
    return { ...svc, name };
  };
  const modal = (computeLeftRunning: readonly string[]) =>
    failbackModal({
      service: 'payments',
      primaryRegion: 'us-east-1',
      recoveryRegion: 'us-west-2',
      dryRun: { error: 'not planned in this test' },
      approvalsRequired: 1,
      computeLeftRunning,
      requestTtlMs: 30 * 60_000,
      metadata: { service: 'payments', channel: 'C0PAYMENTS' },
    });

  it('names the compute the default failback leaves running, and says how to stop it', () => {
    // Act
    const left = computeLeftRunning(service(example, 'payments'));
    const view = modal(left);

    // Assert
    expect(left).toEqual(['payments-api']);
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain('keeps running after this failback');
    expect(JSON.stringify(view.blocks)).toContain('stop-recovery');
  });

  it('says nothing when runbook.failback stops it, or when the failover brings up no compute', () => {
    // Prepare
    const withStop = example.replace(
      'message: Payments now serve from us-west-2.\n          estimate: 5s\n',
      'message: Payments now serve from us-west-2.\n          estimate: 5s\n      failback:\n' +
        '        - { id: stop-api, kind: ec2, resource: payments-api, action: stop-recovery }\n',
    );

    // Act
    const stopped = computeLeftRunning(service(withStop, 'payments'));
    const none = computeLeftRunning(service(example, 'accounts'));

    // Assert
    expect(stopped).toEqual([]);
    expect(none).toEqual([]);
    expect(JSON.stringify(modal(stopped).blocks)).not.toContain('keeps running');
  });
});
