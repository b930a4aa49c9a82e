import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  approvalsNeeded,
  checkApproval,
  checkDecline,
  checkStepDecision,
  countApprovals,
} from '../../src/approval/policy.js';
import { evaluatePreconditions } from '../../src/approval/preconditions.js';
import { requestDigest } from '../../src/approval/requests.js';
import type { Execution, FailoverRequest } from '../../src/approval/types.js';
import type { ApprovalRecord } from '../../src/domain/records.js';
import { parsePlan } from '../../src/plan/load.js';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import type { Check } from '../../src/readiness/types.js';

const plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'));
const NOW = Date.UTC(2026, 10, 21, 9, 0, 0);

function fixtures(overrides: Partial<FailoverRequest> = {}) {
  const base = {
    id: 'ex-1',
    service: 'payments',
    mode: 'unplanned' as const,
    requestedBy: 'U0ALICE',
    reason: 'us-east-1 is down',
    planHash: plan.hash,
    createdAtMs: NOW,
    deadlineMs: NOW + 30 * 60_000,
    approvalsRequired: 1,
    source: 'slack' as const,
    channel: 'C0PAYMENTS',
    ...overrides,
  };
  const request: FailoverRequest = { ...base, digest: requestDigest(base) };
  const execution: Execution = {
    id: 'ex-1',
    service: 'payments',
    kind: 'failover',
    mode: 'unplanned',
    state: 'pendingApproval',
    requestedBy: base.requestedBy,
    reason: base.reason,
    planHash: plan.hash,
    createdAtMs: NOW,
    updatedAtMs: NOW,
    steps: {},
    version: 1,
  };
  return { request, execution };
}

const input = (
  o: { userId: string; isApprover?: boolean; now?: number; digest?: string } & Partial<
    ReturnType<typeof fixtures>
  >,
) => {
  const f = fixtures();
  const request = o.request ?? f.request;
  return {
    execution: o.execution ?? f.execution,
    request,
    userId: o.userId,
    isApprover: o.isApprover ?? true,
    planHash: plan.hash,
    now: o.now ?? NOW + 60_000,
    digest: o.digest ?? request.digest,
  };
};

describe('approval policy', () => {
  it('needs the configured approvals besides a human requester, and two humans when Lifeboat requested', () => {
    // Act / Assert
    expect(approvalsNeeded(plan, 'payments', 'U0ALICE')).toBe(1);
    expect(approvalsNeeded(plan, 'payments', 'lifeboat')).toBe(2);
  });

  it('lets a different approver approve a pending request', () => {
    expect(checkApproval(input({ userId: 'U0BOB' }))).toEqual({ ok: true });
  });

  it('refuses the requester approving their own request', () => {
    const verdict = checkApproval(input({ userId: 'U0ALICE' }));
    expect(verdict).toMatchObject({ ok: false, code: 'self-approval', auditType: 'approval.refused' });
  });

  it('refuses someone who is not an approver of the service as an authorisation failure', () => {
    const verdict = checkApproval(input({ userId: 'U0DAVE', isApprover: false }));
    expect(verdict).toMatchObject({ ok: false, code: 'not-approver', auditType: 'auth.refused' });
  });

  it('refuses after the deadline', () => {
    const verdict = checkApproval(input({ userId: 'U0BOB', now: NOW + 30 * 60_000 }));
    expect(verdict).toMatchObject({ ok: false, code: 'expired' });
  });

  it('refuses when the plan changed since the request', () => {
    const verdict = checkApproval({ ...input({ userId: 'U0BOB' }), planHash: 'another-plan' });
    expect(verdict).toMatchObject({ ok: false, code: 'plan-changed' });
    expect(verdict.ok || verdict.message).toContain('plan has changed');
  });

  it('refuses a button whose digest does not match the request', () => {
    const verdict = checkApproval(input({ userId: 'U0BOB', digest: 'forged' }));
    expect(verdict).toMatchObject({ ok: false, code: 'parameters-changed' });
  });

  it('lets a person whose approval is recorded click again (the decision re-runs) but refuses one who declined', () => {
    const approved: ApprovalRecord = {
      executionId: 'ex-1',
      userId: 'U0BOB',
      decision: 'approve',
      atMs: NOW,
      planHash: plan.hash,
    };
    const declined: ApprovalRecord = { ...approved, decision: 'decline' };
    expect(checkApproval({ ...input({ userId: 'U0BOB' }), decided: approved })).toEqual({ ok: true });
    expect(checkApproval({ ...input({ userId: 'U0BOB' }), decided: declined })).toMatchObject({
      code: 'already-decided',
    });
  });

  it('says a failed user group lookup failed instead of "not an approver"', () => {
    const verdict = checkApproval({
      ...input({ userId: 'U0BOB' }),
      isApprover: false,
      lookupFailed: { usergroup: 'S0ONCALL', error: 'ratelimited' },
    });
    expect(verdict).toMatchObject({ ok: false, code: 'lookup-failed' });
    expect(verdict.ok || verdict.message).toContain('could not read the Slack user group S0ONCALL');
  });

  it('answers with the current state when the request is no longer pending', () => {
    const { execution } = fixtures();
    const verdict = checkApproval(input({ userId: 'U0BOB', execution: { ...execution, state: 'running' } }));
    expect(verdict).toMatchObject({ ok: false, code: 'not-pending' });
    expect(verdict.ok || verdict.message).toContain('running');
  });

  it('counts only distinct people other than the requester, under the request plan hash', () => {
    const { request } = fixtures({ approvalsRequired: 2, requestedBy: 'lifeboat' });
    const at = (userId: string, extra: Partial<ApprovalRecord> = {}): ApprovalRecord => ({
      executionId: 'ex-1',
      userId,
      decision: 'approve',
      atMs: NOW,
      planHash: plan.hash,
      ...extra,
    });
    const approvals = [
      at('U0BOB'),
      at('U0BOB'),
      at('lifeboat'),
      at('U0CAROL', { planHash: 'old' }),
      at('U0ALICE', { decision: 'decline' }),
    ];
    expect(countApprovals(request, approvals)).toEqual(['U0BOB']);
  });

  it('lets the requester withdraw and approvers decline, but not bystanders', () => {
    expect(checkDecline(input({ userId: 'U0ALICE', isApprover: true }))).toEqual({ ok: true });
    expect(checkDecline(input({ userId: 'U0DAVE', isApprover: false }))).toMatchObject({
      code: 'not-approver',
    });
  });

  it('allows retry, skip or abort only to approvers and only while paused', () => {
    const { execution } = fixtures();
    const paused = { ...execution, state: 'pausedByFailedStep' as const };
    expect(checkStepDecision({ execution: paused, userId: 'U0BOB', isApprover: true })).toEqual({ ok: true });
    expect(checkStepDecision({ execution: paused, userId: 'U0DAVE', isApprover: false })).toMatchObject({
      code: 'not-approver',
    });
    expect(checkStepDecision({ execution, userId: 'U0BOB', isApprover: true })).toMatchObject({
      code: 'not-paused',
    });
  });
});

describe('approval-time preconditions', () => {
  const check = (name: string, verdict: Check['verdict'], extra: Partial<Check> = {}): Check => ({
    resourceId: 'payments-db',
    kind: 'aurora-global-cluster',
    name,
    verdict,
    reason: `${name} is ${verdict}`,
    ...extra,
  });
  const readiness = (checks: Check[], lagMs?: number): ServiceReadiness =>
    ({
      service: 'payments',
      primaryRegion: 'us-east-1',
      recoveryRegion: 'us-west-2',
      verdict: 'ready',
      resources: [],
      checks,
      rpo: { targetMs: 60_000, estimate: { ms: lagMs, complete: true }, verdict: 'ready' },
      rto: { targetMs: 900_000, estimate: { ms: 0, measuredSteps: 0 }, verdict: 'ready' },
      checkedAt: NOW,
      durationMs: 10,
    }) as unknown as ServiceReadiness;

  it('lets an unplanned failover proceed during an outage, showing what could not be measured', () => {
    const result = evaluatePreconditions(
      readiness(
        [
          check('recovery cluster', 'ready'),
          check('newest snapshot', 'unknown'),
          check('replica', 'not_ready'),
        ],
        240_000,
      ),
      'unplanned',
    );
    expect(result.ok).toBe(true);
    expect(result.lines.map((l) => l.status)).toContain('warn');
    expect(result.lines[1]?.text).toContain('4 min');
  });

  it('refuses an unplanned failover when the recovery side is not ready', () => {
    const result = evaluatePreconditions(
      readiness([check('recovery cluster', 'not_ready')], 300),
      'unplanned',
    );
    expect(result.ok).toBe(false);
    expect(result.lines.find((l) => l.status === 'fail')?.text).toContain('recovery cluster');
  });

  it('refuses a planned switchover unless everything is measured healthy', () => {
    expect(evaluatePreconditions(readiness([check('replica', 'ready')], 300), 'planned').ok).toBe(true);
    expect(evaluatePreconditions(readiness([check('newest snapshot', 'unknown')], 300), 'planned').ok).toBe(
      false,
    );
  });
});
