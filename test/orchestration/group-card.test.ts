import { describe, expect, it } from 'vitest';
import { failoverCard } from '../../blocks/failover/card.js';
import { focusOf, groupLines } from '../../src/approval/group-card.js';
import type { Execution, FailoverRequest } from '../../src/approval/types.js';

const T0 = Date.UTC(2026, 11, 7, 4, 0, 0);
const member = (
  index: number,
  service: string,
  state: Execution['state'],
  over: Partial<Execution> = {},
): Execution => ({
  id: index === 0 ? 'req-1' : `req-1.${index}`,
  service,
  kind: 'failover',
  mode: 'unplanned',
  state,
  requestedBy: 'U0ALICE',
  reason: 'down',
  planHash: 'h',
  createdAtMs: T0,
  updatedAtMs: T0,
  steps: {},
  group: { id: 'req-1', services: ['accounts', 'payments'], index },
  version: 1,
  ...over,
});
const request: FailoverRequest = {
  id: 'req-1',
  service: 'accounts',
  services: ['accounts', 'payments'],
  mode: 'unplanned',
  requestedBy: 'U0ALICE',
  reason: 'down',
  planHash: 'h',
  digest: 'd',
  createdAtMs: T0,
  deadlineMs: T0 + 1_800_000,
  approvalsRequired: 1,
  source: 'slack',
  channel: 'C0ACCOUNTS',
};

describe('the card of a request for several services', () => {
  it('follows the paused service: its Retry/Skip/Abort name its execution, the later one waits for it', () => {
    const members = [
      member(0, 'accounts', 'pausedByFailedStep', {
        pausedAtStep: 'promote-db',
        lastError: 'promote-db: throttled',
        steps: { 'promote-db': { state: 'failed', attempts: 1, error: 'throttled' } },
      }),
      member(1, 'payments', 'pendingApproval'),
    ];
    const focus = focusOf(members[0] as Execution, members);
    expect(focus.id).toBe('req-1');
    const card = failoverCard({
      request,
      execution: focus,
      approvers: ['U0BOB'],
      steps: [{ id: 'promote-db', record: focus.steps['promote-db'] }],
      now: T0,
      group: groupLines(members, focus),
    });
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('1. *accounts*: paused: a step failed');
    expect(json).toContain('2. payments: waiting for accounts to complete');
    expect(json).toContain('"value":"req-1|promote-db|1"');
  });

  it('after the first completed, shows the second with buttons bound to its own execution', () => {
    const members = [
      member(0, 'accounts', 'completed'),
      member(1, 'payments', 'pausedByFailedStep', {
        pausedAtStep: 'flip-dns',
        steps: { 'flip-dns': { state: 'failed', attempts: 2, error: 'conflict' } },
      }),
    ];
    const focus = focusOf(members[0] as Execution, members);
    expect(focus.id).toBe('req-1.1');
    const card = failoverCard({
      request: { ...request, id: focus.id, service: focus.service },
      execution: focus,
      approvers: ['U0BOB'],
      steps: [{ id: 'flip-dns', record: focus.steps['flip-dns'] }],
      now: T0,
      group: groupLines(members, focus),
    });
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('1. accounts: completed');
    expect(json).toContain('2. *payments*: paused: a step failed');
    expect(json).toContain('"value":"req-1.1|flip-dns|2"');
    expect(card.blocks.length).toBeLessThanOrEqual(50);
  });
});
